"""The quarterly report for the charity's trustees and funders: counts only, with small numbers hidden.

`funder_report` works out the figures for one calendar quarter; `publish` turns
them into what may leave the building, through the one disclosure rule
(`suppress`), so the page and the CSV can never disagree about what is hidden.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leaflet.selectors import page_helpfulness_between
from peers.selectors import peer_figures

from .closure_feedback import SCORES, FeedbackSummary, feedback_summary
from .models import CallerType, Channel, Enquiry, EnquiryTopic, Outcome, Region, Status, Topic, Urgency
from .response_targets import target_report

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)
QUARTER_INVALID = gettext_lazy("Choose a quarter written like 2026-Q3: the year, then Q1, Q2, Q3 or Q4.")
QUARTER_IN_FUTURE = gettext_lazy("That quarter has not started yet. Choose this quarter or an earlier one.")
QUARTER_TOO_EARLY = gettext_lazy("Choose a quarter from the year 2000 onwards.")

# Counts from 1 to 4 are hidden: with so few, a woman could be recognised from where she lives,
# who rang, or what she asked. A 0 is shown as 0: it says that nobody in a group came, which
# points at no one, and hiding every empty region or channel would make a small charity's
# report unreadable. (Zeros are never used to hide another cell, so nothing is lost by it.)
THRESHOLD = 5


# ---------------------------------------------------------------- quarters


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def end_day(self) -> date:
        """The first day after the quarter."""
        return self.next.first_day

    @property
    def label(self) -> str:
        last = date.fromordinal(self.end_day.toordinal() - 1)
        return _("%(code)s (%(start)s to %(end)s)") % {
            "code": self.code,
            "start": f"{self.first_day:%-d %B}",
            "end": f"{last:%-d %B %Y}",
        }

    def bounds(self) -> tuple[datetime, datetime]:
        """From local midnight on its first day up to (not including) local midnight after its last."""
        return (
            timezone.make_aware(datetime.combine(self.first_day, time.min)),
            timezone.make_aware(datetime.combine(self.end_day, time.min)),
        )

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)


def quarter_parse(text: str, *, today: date) -> Quarter:
    """A quarter from "2026-Q3" (or "2026Q3"); ValueError with a message for her otherwise.

    The quarter under way is allowed (its figures so far); one not yet started is refused.
    """
    found = QUARTER_PATTERN.match(text or "")
    if not found:
        raise ValueError(str(QUARTER_INVALID))
    quarter = Quarter(int(found[1]), int(found[2]))
    if quarter.year < 2000:
        raise ValueError(str(QUARTER_TOO_EARLY))
    if quarter.first_day > today:
        raise ValueError(str(QUARTER_IN_FUTURE))
    return quarter


def last_complete_quarter(today: date) -> Quarter:
    return Quarter.containing(today).previous


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Breakdown:
    """Counts for each value of one dimension; `total` is what they add up to (None when they do not:
    an enquiry can have several topics)."""

    key: str  # "channel", for the CSV
    title: str
    rows: list[tuple[str, int]]  # (label, count)
    total: int | None


@dataclass(frozen=True)
class TargetLevel:
    level: str
    due: int  # answered, or past the target unanswered
    within: int


@dataclass(frozen=True)
class FunderReport:
    quarter: Quarter
    complete: bool  # False for the quarter under way
    received: int
    breakdowns: list[Breakdown]  # channel, topic, caller type, region, new or returning, outcome
    targets: list[TargetLevel]
    introductions_made: int
    endings_told: int  # mothers who said how their introduction went
    endings_well: int  # of those, 4 or 5 out of 5
    feedback: FeedbackSummary  # the feedback emails after closing: sent, answered, per score, mean
    pages: list[tuple[str, int, int]]  # (guidance page, yes, no)


def _counted(queryset, field: str, choices) -> list[tuple[str, int]]:
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("id")))
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def funder_report(*, quarter: Quarter, now: datetime | None = None) -> FunderReport:
    """Every figure for one quarter, as they stand `now`: counts only, nothing about any one woman.

    Enquiries count in the quarter they arrived; outcomes are those of the enquiries
    that arrived in it and are closed now. Response targets are judged by
    helpline.response_targets' rule. About a dozen queries, each over the quarter's rows.
    """
    now = now or timezone.now()
    start, end = quarter.bounds()
    arrived = Enquiry.objects.filter(created_at__gte=start, created_at__lt=end)
    received = arrived.count()
    earlier = Enquiry.objects.filter(person=OuterRef("person"), created_at__lt=OuterRef("created_at"))
    returning = arrived.filter(person__isnull=False).filter(Exists(earlier)).count()
    closed = arrived.filter(status=Status.CLOSED)
    region_choices = [*Region.choices, ("", _("Prefer not to say or not asked"))]
    breakdowns = [
        Breakdown("channel", _("Enquiries by channel"), _counted(arrived, "channel", Channel.choices), received),
        Breakdown(
            "topic",
            _("Enquiries by topic (an enquiry can have several)"),
            _counted(EnquiryTopic.objects.filter(enquiry__in=arrived), "topic", Topic.choices),
            None,
        ),
        Breakdown(
            "caller_type",
            _("Enquiries by who got in touch"),
            _counted(arrived, "caller_type", CallerType.choices),
            received,
        ),
        Breakdown("region", _("Enquiries by where she lives"), _counted(arrived, "region", region_choices), received),
        Breakdown(
            "new_or_returning",
            _("New or returning"),
            [(_("New: no earlier enquiry known"), received - returning), (_("Returning: she asked before"), returning)],
            received,
        ),
        Breakdown(
            "outcome",
            _("Closed enquiries by outcome"),
            _counted(closed, "outcome", Outcome.choices),
            closed.count(),
        ),
    ]
    per_level: dict[int, list[int]] = {}
    for week in target_report(start=start, now=now, end=end):
        due_within = per_level.setdefault(week.urgency, [0, 0])
        due_within[0] += week.due
        due_within[1] += week.within_target
    targets = [
        TargetLevel(str(label), *per_level.get(level, (0, 0))) for level, label in Urgency.choices if level in per_level
    ]
    peers = peer_figures(start=start, end=end, label=quarter.code)
    return FunderReport(
        quarter=quarter,
        complete=end <= now,
        received=received,
        breakdowns=breakdowns,
        targets=targets,
        introductions_made=peers.introduced,
        endings_told=peers.endings.told,
        endings_well=peers.endings.ended_well,
        feedback=feedback_summary(start=quarter.first_day, end=quarter.end_day),
        pages=[(p.title, p.yes, p.no) for p in page_helpfulness_between(start=quarter.first_day, end=quarter.end_day)],
    )


# ---------------------------------------------------------------- what may be published


@dataclass(frozen=True)
class Cell:
    """One published figure: its text, and the number behind it only when that may be shown."""

    value: int | None
    text: str
    hidden: bool = False

    @property
    def chart_value(self) -> int:
        return self.value or 0


def _cell(value: int) -> Cell:
    return Cell(value, f"{value:,}")


def _fewer() -> Cell:
    return Cell(None, _("fewer than 5"), hidden=True)


def _withheld() -> Cell:
    return Cell(None, _("hidden"), hidden=True)


def suppress(counts: list[int], *, total: int | None = None) -> tuple[list[Cell], Cell | None]:
    """The disclosure rule, for the page and the CSV alike: counts from 1 to 4 become "fewer than 5".

    When the counts add up to a `total` that is published (it is shown, or is the
    number of enquiries shown elsewhere) and exactly one of them is hidden, it could be
    worked out by subtraction, so the smallest other non-zero count is hidden too
    ("hidden"). A total under 5 is itself "fewer than 5". Returns the cells and the
    total's cell (None when there is no total).
    """
    small = [0 < n < THRESHOLD for n in counts]
    withheld = [False] * len(counts)
    if total is not None and sum(small) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n >= THRESHOLD]
        if others:
            withheld[min(others)[1]] = True
    cells = [_fewer() if small[i] else _withheld() if withheld[i] else _cell(n) for i, n in enumerate(counts)]
    total_cell = None if total is None else (_fewer() if 0 < total < THRESHOLD else _cell(total))
    return cells, total_cell


def _share(part: int, whole: int) -> Cell:
    """A percentage, shown only when neither it, what it is of, nor the rest would give away a small count."""
    if whole < THRESHOLD or 0 < part < THRESHOLD or 0 < whole - part < THRESHOLD:
        return Cell(None, _("not shown (too few)"), hidden=True)
    return Cell(round(100 * part / whole), f"{100 * part / whole:.0f}%")


@dataclass(frozen=True)
class PublishedBreakdown:
    key: str
    title: str
    rows: list[tuple[str, Cell]]
    total: Cell | None


@dataclass(frozen=True)
class PublishedRow:
    """A line with a few figures side by side: a level's targets, a page's answers, the feedback."""

    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Published:
    quarter: Quarter
    complete: bool
    received: Cell
    breakdowns: list[PublishedBreakdown]
    targets: list[PublishedRow]  # level: due, within, share
    peers: list[tuple[str, Cell]]
    feedback: PublishedRow  # sent, answered, each score 1..5, mean
    pages: list[PublishedRow]  # page: answers, yes, no, share helpful


def publish(report: FunderReport) -> Published:
    """The report as it may leave the building: every figure through `suppress` or `_share`."""
    received = suppress([report.received])[0][0]
    breakdowns = []
    for breakdown in report.breakdowns:
        cells, total = suppress([n for label, n in breakdown.rows], total=breakdown.total)
        rows = [(label, cell) for (label, n), cell in zip(breakdown.rows, cells, strict=True)]
        breakdowns.append(PublishedBreakdown(breakdown.key, breakdown.title, rows, total))
    targets = []
    for level in report.targets:
        # Answered in time and late add up to the due count, which is shown.
        (within, late), due = suppress([level.within, level.due - level.within], total=level.due)
        targets.append(PublishedRow(level.level, [due, within, _share(level.within, level.due)]))
    ended = [report.endings_well, report.endings_told - report.endings_well]
    (well, not_well), told = suppress(ended, total=report.endings_told)
    peers = [
        (_("Introductions made (both women agreed)"), suppress([report.introductions_made])[0][0]),
        (_("Mothers who said how their introduction went"), told),
        (_("Of those, ended well (4 or 5 out of 5)"), well),
        (_("Share that ended well"), _share(report.endings_well, report.endings_told)),
    ]
    fb = report.feedback
    # Emails sent in the quarter and answers given in it are not one set (an email sent on its
    # last day may be answered in the next), so they are guarded apart; the scores add up to the answers.
    sent, answered = suppress([fb.sent, fb.answered])[0]
    scores = suppress([fb.per_score[n] for n in SCORES], total=fb.answered)[0]
    # The mean and the counts shown would give a hidden count away (12 answers averaging 4.25, six 4s
    # and no 1s or 3s leave one 2 and five 5s), so it is shown only when no score count is hidden.
    mean = (
        Cell(None, _("not shown (too few)"), hidden=True)
        if fb.mean is None or fb.answered < THRESHOLD or any(cell.hidden for cell in scores)
        else Cell(None, f"{fb.mean:.1f}")
    )
    feedback = PublishedRow(_("Feedback after an enquiry closed"), [sent, answered, *scores, mean])
    pages = []
    for title, yes, no in report.pages:
        (yes_cell, no_cell), answers = suppress([yes, no], total=yes + no)
        pages.append(PublishedRow(title, [answers, yes_cell, no_cell, _share(yes, yes + no)]))
    return Published(report.quarter, report.complete, received, breakdowns, targets, peers, feedback, pages)
