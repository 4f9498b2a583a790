"""When the helpline is staffed, read from the HELPLINE_HOURS setting ("Mon-Fri 09:00-17:00; Sat 10:00-13:00").

Only her expectations depend on this ("a nurse will reply from Monday 9am"):
emergency and crisis advice and the alerts to nurses never wait for opening hours.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Span:
    days: tuple[int, ...]  # Monday is 0
    opens: time
    closes: time

    def describe(self) -> str:
        first, last = WEEKDAYS[self.days[0]], WEEKDAYS[self.days[-1]]
        days = first if len(self.days) == 1 else _("%(first)s to %(last)s") % {"first": first, "last": last}
        return _("%(days)s, %(opens)s to %(closes)s") % {
            "days": days,
            "opens": _clock(self.opens),
            "closes": _clock(self.closes),
        }


def _clock(t: time) -> str:
    hour = t.hour % 12 or 12
    clock = str(hour) if not t.minute else f"{hour}:{t.minute:02d}"
    # Translators: a time of day in the morning, "9am".
    return (_("%(time)sam") if t.hour < 12 else _("%(time)spm")) % {"time": clock}


def spans(value: str | None = None) -> list[Span]:
    value = settings.HELPLINE_HOURS if value is None else value
    result = []
    for part in filter(str.strip, value.split(";")):
        match = _SPAN.match(part.lower())
        if not match or match[1] not in DAYS or (match[2] and match[2] not in DAYS):
            raise ImproperlyConfigured(
                f"HELPLINE_HOURS: cannot read {part.strip()!r}; write it like 'Mon-Fri 09:00-17:00'"
            )
        first = DAYS.index(match[1])
        last = DAYS.index(match[2]) if match[2] else first
        opens, closes = time(int(match[3]), int(match[4])), time(int(match[5]), int(match[6]))
        result.append(Span(tuple(range(first, last + 1)), opens, closes))
    return result


def describe() -> str:
    """In words for the public pages: "Monday to Friday, 9am to 5pm"."""
    return "; ".join(span.describe() for span in spans())


def is_open(now: datetime | None = None) -> bool:
    local = timezone.localtime(now or timezone.now())
    return any(local.weekday() in s.days and s.opens <= local.time() < s.closes for s in spans())


def next_opening(now: datetime | None = None) -> datetime | None:
    """The next time the helpline opens, in local time (None when no hours are set)."""
    local = timezone.localtime(now or timezone.now())
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        starts = sorted(s.opens for s in spans() if day.weekday() in s.days)
        for opens in starts:
            at = timezone.make_aware(datetime.combine(day, opens), local.tzinfo)
            if at > local:
                return at
    return None


def status(now: datetime | None = None) -> dict:
    """What the public pages and acknowledgements say about the helpline being staffed."""
    now = now or timezone.now()
    opens = None if is_open(now) else next_opening(now)
    return {
        "phone": settings.HELPLINE_PHONE,
        "hours": describe(),
        "open_now": opens is None,
        "next_opening": opens,
        "next_opening_text": _when(opens, now) if opens else "",
    }


def _when(at: datetime, now: datetime) -> str:
    today = timezone.localdate(now)
    day = at.date()
    if day == today:
        return _("today at %(time)s") % {"time": _clock(at.time())}
    if day == today + timedelta(days=1):
        return _("tomorrow at %(time)s") % {"time": _clock(at.time())}
    return _("%(day)s at %(time)s") % {"day": WEEKDAYS[day.weekday()], "time": _clock(at.time())}
