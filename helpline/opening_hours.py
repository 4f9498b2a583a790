"""Time counted in the helpline's opening hours: "4 opening hours after she wrote".

The helpline is open during the spans of HELPLINE_HOURS (portal.hours), except on
bank holidays in England and Wales (the `holidays` library, which follows the
gov.uk list and its substitute days) and during closures an administrator adds
(`HelplineClosure`: a training day, Christmas Eve afternoon). Emergency and
crisis enquiries never wait for any of this: their targets are wall-clock time
(helpline.response_targets).

A `Schedule` lays out the open intervals of a stretch of time once, with the
open seconds before each, so a page of queue rows costs one bisect a row.
"""

import bisect
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from portal import hours

from .models import HelplineClosure

# England and Wales share one list of bank holidays; Scotland and Northern Ireland differ.
BANK_HOLIDAY_COUNTRY, BANK_HOLIDAY_SUBDIVISION = "GB", "ENG"
# How far ahead a schedule is laid out at first, and at most (a target never spans a year).
FIRST_WINDOW = timedelta(days=21)
LONGEST_WINDOW = timedelta(days=400)


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(BANK_HOLIDAY_COUNTRY, subdiv=BANK_HOLIDAY_SUBDIVISION, years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def bank_holiday_name(day: date) -> str:
    found = holidays.country_holidays(BANK_HOLIDAY_COUNTRY, subdiv=BANK_HOLIDAY_SUBDIVISION, years=day.year)
    return found.get(day, "")


def closures_between(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The administrators' closures overlapping [start, end), earliest first."""
    rows = HelplineClosure.objects.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at")
    return list(rows.values_list("starts_at", "ends_at"))


def _subtract(intervals, cuts):
    """Intervals with the cut-out stretches removed (both sorted lists of (start, end))."""
    result = []
    for start, end in intervals:
        pieces = [(start, end)]
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            next_pieces = []
            for a, b in pieces:
                if cut_end <= a or cut_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < cut_start:
                    next_pieces.append((a, cut_start))
                if cut_end < b:
                    next_pieces.append((cut_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return result


def open_intervals(start: datetime, end: datetime, *, closures=None) -> list[tuple[datetime, datetime]]:
    """When the helpline is open between `start` and `end`, as (opens, closes) pairs clipped to them.

    `closures` is a list of (start, end) to leave out; None reads them from the database.
    """
    spans = hours.spans()
    local = timezone.get_current_timezone()
    day = timezone.localtime(start).date() - timedelta(days=1)
    last = timezone.localtime(end).date()
    intervals = []
    while day <= last:
        if not is_bank_holiday(day):
            for span in spans:
                if day.weekday() in span.days:
                    opens = timezone.make_aware(datetime.combine(day, span.opens), local)
                    closes = timezone.make_aware(datetime.combine(day, span.closes), local)
                    if closes > start and opens < end:
                        intervals.append((max(opens, start), min(closes, end)))
        day += timedelta(days=1)
    intervals.sort()
    if closures is None:
        closures = closures_between(start, end)
    return _subtract(intervals, sorted(closures))


class Schedule:
    """The open intervals from `start` onwards, laid out once and extended as far as a question needs.

    `elapsed(a, b)` is the opening time between two moments (negative if b is before a);
    `add(a, delta)` is the moment when `delta` of opening time has passed after `a`.
    Closures are read once, for the whole longest window, so a schedule costs one query.
    With no opening hours configured at all, opening time is wall-clock time.
    """

    def __init__(self, start: datetime, *, closures=None, reach: timedelta = LONGEST_WINDOW):
        self.start = start
        self.reach = reach
        self.horizon = start
        self.opens: list[datetime] = []
        self.closes: list[datetime] = []
        self.before: list[float] = []  # open seconds from `start` to each interval's opening
        self.after: list[float] = []  # ... and to its closing
        self.total = 0.0
        self.wall_clock = not hours.spans()
        self._closures = closures if closures is not None else closures_between(start, start + reach)
        self._extend(start + FIRST_WINDOW)

    def _extend(self, until: datetime) -> None:
        until = min(max(until, self.horizon), self.start + self.reach)
        if until <= self.horizon:
            return
        for opens, closes in open_intervals(self.horizon, until, closures=self._closures):
            self.opens.append(opens)
            self.closes.append(closes)
            self.before.append(self.total)
            self.total += (closes - opens).total_seconds()
            self.after.append(self.total)
        self.horizon = until

    def _seconds_to(self, moment: datetime) -> float:
        """Open seconds from `start` to `moment` (moment >= start)."""
        if moment > self.horizon:
            self._extend(moment + FIRST_WINDOW)
        i = bisect.bisect_right(self.opens, moment) - 1
        if i < 0:
            return 0.0
        return self.before[i] + (min(moment, self.closes[i]) - self.opens[i]).total_seconds()

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        if self.wall_clock:
            return b - a
        if b < a:
            return -self.elapsed(b, a)
        if a < self.start:
            # Before the schedule's start: count that stretch on its own (rare: a due time already past).
            return Schedule(a, closures=closures_between(a, b)).elapsed(a, b)
        return timedelta(seconds=self._seconds_to(b) - self._seconds_to(a))

    def add(self, a: datetime, delta: timedelta) -> datetime:
        if self.wall_clock or delta <= timedelta(0):
            return a + delta
        if a < self.start:
            return Schedule(a).add(a, delta)
        target = self._seconds_to(a) + delta.total_seconds()
        limit = min(a + LONGEST_WINDOW, self.start + self.reach)
        while target > self.total and self.horizon < limit:
            self._extend(min(self.horizon + FIRST_WINDOW * 4, limit))
        if target > self.total:
            raise ValueError("the helpline is not open for that long in the coming year")
        # The interval in which the open seconds run out; a target met exactly at a closing time
        # is that closing time, not the next opening.
        i = bisect.bisect_left(self.after, target)
        return self.opens[i] + timedelta(seconds=target - self.before[i])


def is_open(moment: datetime) -> bool:
    """Whether the helpline is open at `moment`: in its hours, not a bank holiday, not closed by an administrator."""
    if not hours.spans():
        return True
    return bool(open_intervals(moment, moment + timedelta(seconds=1)))


def add(start: datetime, delta: timedelta) -> datetime:
    """The moment `delta` of opening time after `start` (one query for the closures)."""
    return Schedule(start).add(start, delta)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The opening time between two moments (negative if `end` is earlier)."""
    first = min(start, end)
    return Schedule(first).elapsed(start, end)
