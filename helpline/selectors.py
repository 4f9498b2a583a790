"""Reads: the triage queue, an enquiry's timeline, and the figures for reports."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext

from portal.models import InboundAttachment, OutboundEmail, User
from portal.outbox import emails_about
from portal.outbox.services import CANCELLED_BY_STAFF
from portal.roles import Role
from portal.templatetags.portal_time import html_datetime

from .models import (
    OPEN_STATUSES,
    Callback,
    Channel,
    DutyShift,
    Enquiry,
    EnquiryEvent,
    EnquiryTopic,
    FlagKind,
    Outcome,
    PersonFlag,
    SafetyAlert,
    Status,
    Topic,
    Urgency,
)
from .response_targets import QueueClock, TargetWeek, target_minutes, target_report

OPEN = "open"
ASSIGNEE_ME = "me"
ASSIGNEE_NONE = "none"


def helpline_nurses() -> QuerySet[User]:
    """Everyone who can be given an enquiry: nurses and site administrators."""
    # Their ids first (a UNION of two index reads), then the accounts by primary key. With
    # 30,000 accounts, one query with a join, an OR or an IN made PostgreSQL read every user
    # (5 to 65 ms): it cannot tell from its statistics that the nurse group is a dozen people.
    nurse_ids = User.groups.through.objects.filter(group__name=Role.NURSE).values_list("user_id", flat=True)
    admin_ids = User.objects.filter(is_superuser=True).values_list("pk", flat=True)
    ids = list(nurse_ids.union(admin_ids))
    return User.objects.filter(is_active=True, pk__in=ids).order_by("first_name", "email")


def helpline_nurse_names() -> list[tuple[int, str]]:
    """(id, name) of everyone helpline_nurses() lists, in its order; the email stands in for a missing name."""
    nurses = helpline_nurses().values_list("pk", "first_name", "last_name", "email")
    return [(pk, f"{first} {last}".strip() or email) for pk, first, last, email in nurses]


def nurses_on_duty(now: datetime | None = None) -> list[User]:
    """The nurses (and admins) the rota has on duty now: the first told about an emergency or crisis."""
    now = now or timezone.now()
    ids = DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now).values_list("nurse_id", flat=True)
    return list(helpline_nurses().filter(pk__in=list(ids)))


def nurses_to_alert(now: datetime | None = None) -> tuple[list[User], bool]:
    """Who an alert goes to: the nurses on duty with an email address, or, when there are none,
    every nurse and admin with one. The flag says it is everyone."""
    on_duty = [u for u in nurses_on_duty(now) if u.email]
    if on_duty:
        return on_duty, False
    return [u for u in helpline_nurses() if u.email], True


def duty_rota(now: datetime | None = None) -> QuerySet[DutyShift]:
    """Shifts on now and to come, soonest first."""
    now = now or timezone.now()
    return DutyShift.objects.filter(ends_at__gt=now).select_related("nurse").order_by("starts_at", "id")


def _unclaimed_alerts() -> QuerySet[SafetyAlert]:
    """Alerts nobody has claimed yet, most urgent and oldest first."""
    return SafetyAlert.objects.filter(handled_at__isnull=True).order_by("level", "raised_at", "id")


# The banner names this many; a night of alerts must not turn every queue page into a list of hundreds.
ALERT_BANNER_SHOWN = 10


@dataclass(frozen=True)
class OpenAlerts:
    shown: list[SafetyAlert]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def open_safety_alerts() -> OpenAlerts:
    """Emergency and crisis enquiries nobody has claimed yet: the queue's banner, most urgent and oldest first."""
    unclaimed = _unclaimed_alerts()
    shown = list(
        unclaimed.select_related("enquiry").only("level", "raised_at", "escalated_at", "enquiry__reference")[
            :ALERT_BANNER_SHOWN
        ]
    )
    total = len(shown) if len(shown) < ALERT_BANNER_SHOWN else unclaimed.count()
    return OpenAlerts(shown, total)


def enquiry_open_alert(enquiry: Enquiry) -> SafetyAlert | None:
    """The enquiry's most urgent unclaimed alert, which its page asks a nurse to claim."""
    return _unclaimed_alerts().filter(enquiry=enquiry).first()


def enquiry_queue(
    *,
    user: User,
    status: str = OPEN,
    topic: str = "",
    channel: str = "",
    assignee: str = "",
    overdue: bool = False,
    q: str = "",
    now: datetime | None = None,
    for_counting: bool = False,
) -> QuerySet[Enquiry]:
    """The triage queue: most urgent first, then oldest first, with its filters applied.

    Slice a page from it and turn the page into rows with `queue_rows`. Count it with
    `for_counting=True`: open enquiries with a topic are then found through the links
    flagged open (a couple of milliseconds), where a join with all the topic's links
    took twenty or more. A page is cheaper the other way, walking the open enquiries
    in order and stopping at a page's worth, which PostgreSQL does not choose when the
    flag is in the query (it cannot know that flagged links are the open enquiries').
    """
    now = now or timezone.now()
    enquiries = Enquiry.objects.all()
    if status == OPEN:
        enquiries = enquiries.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        enquiries = enquiries.filter(status=status)
    if topic in Topic.values:
        if for_counting and (status == OPEN or status in OPEN_STATUSES or overdue):
            enquiries = enquiries.filter(topic_links__topic=topic, topic_links__enquiry_open=True)
        else:
            enquiries = enquiries.filter(topic_links__topic=topic)
    if channel in Channel.values:
        enquiries = enquiries.filter(channel=channel)
    if assignee == ASSIGNEE_ME:
        enquiries = enquiries.filter(assigned_to=user)
    elif assignee == ASSIGNEE_NONE:
        enquiries = enquiries.filter(assigned_to__isnull=True)
    elif assignee.isdigit():
        enquiries = enquiries.filter(assigned_to_id=int(assignee))
    if overdue:
        enquiries = enquiries.filter(status__in=OPEN_STATUSES, next_callback_at__lt=now)
    q = q.strip()
    if q:
        enquiries = enquiries.filter(
            Q(reference__iexact=q) | Q(reference__iexact=f"HL-{q}") | Q(name__icontains=q) | Q(email__iexact=q)
        )
    # Within a level, the enquiry nearest its first-response target first; those answered
    # already (no due time) after them, oldest first (the partial index hl_enquiry_open_target_idx).
    return enquiries.order_by("urgency", "awaiting_response_due_at", "created_at", "id")


class QueueRow(TypedDict):
    """One line of the triage queue, every label and date already written out for the page.

    A dict, not an object: the template language tries `row[name]` before `row.name`, so each
    of a page's 700 or so lookups succeeds at once instead of after a caught exception.
    """

    pk: int
    reference: str
    url: str
    red_flag: bool
    urgency_key: str  # for the tag's CSS class: "urgent", "soon", "routine"
    urgency: str
    status: str
    topics: str
    channel: str
    created_at: str  # an HTML datetime value, local time
    age: str
    callback_at: str  # "24 Nov 14:30", or "" when no callback is due
    overdue: bool
    nurse: str  # "" when nobody is assigned
    who: str  # her first name or "anonymous"; "" for viewers who may not see it
    question: str  # the start of what she asked; "" likewise
    language: str  # the language she wrote in when not English ("Polish"), else ""
    target: str  # "2 h 10 min left (opening hours)", "Late by 1 day"; "" once answered
    target_state: str  # "late", "near" or "ok" ("" once answered), for the row's style
    flags: list[str]  # labels of her live risk flags ("Do not email"), from the page's own query


URGENCY_KEYS = {u.value: u.name.lower() for u in Urgency}
URGENCY_LABELS = dict(Urgency.choices)
STATUS_LABELS = dict(Status.choices)
CHANNEL_LABELS = dict(Channel.choices)
TOPIC_LABELS = dict(Topic.choices)
QUEUE_ROW_FIELDS = (
    "pk",
    "reference",
    "red_flag",
    "urgency",
    "status",
    "channel",
    "created_at",
    "next_callback_at",
    "assigned_to",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__email",
    "name",
    "language",
    "awaiting_response_due_at",
)
# Characters of the question a queue row shows: enough to triage by, short enough to scan.
QUESTION_START = 90


def _enquiry_url_maker():
    """reverse() takes tens of microseconds a call; a page of detail links differs only in the pk."""
    placeholder = "999999999"
    before, _, after = reverse("helpline:enquiry-detail", args=[int(placeholder)]).partition(placeholder)
    return lambda pk: f"{before}{pk}{after}"


class _TranslatedOnce:
    """One of timesince's unit strings ("%(num)d month" and so on), translated once per number.

    Translating it afresh for every row was half the cost of building a page of rows.
    """

    def __init__(self, unit):
        self.unit = unit
        self.texts = {}

    def __mod__(self, values):
        number = values["num"]
        if number not in self.texts:
            self.texts[number] = self.unit % values
        return self.texts[number]


def _question_start(summary: str) -> str:
    words = " ".join(summary.split())
    if len(words) <= QUESTION_START:
        return words
    return words[:QUESTION_START].rsplit(" ", 1)[0] + "\u2026"


def queue_rows(enquiries: QuerySet[Enquiry], *, now: datetime, people: bool) -> list[QueueRow]:
    """One page of the queue as rows, in two queries (the page with its nurses, then its topics).

    Labels, ages and links are worked out here once per row: done per row in the
    template (get_*_display, {% url %}, timesince and date filters) they were most
    of the page's cost. With `people`, each row also says who asked and the start of her question.
    """
    # Her flags come in the page's own query (one indexed EXISTS per kind), so flagged rows add no query.
    flag_columns = {
        f"flag_{kind}": Exists(
            PersonFlag.objects.filter(person_id=OuterRef("person_id"), kind=kind, ended_at__isnull=True)
        )
        for kind in FlagKind.values
    }
    page = list(
        enquiries.annotate(**flag_columns).values_list(
            *QUEUE_ROW_FIELDS, Substr("summary", 1, QUESTION_START + 40), *flag_columns
        )
    )
    # The labels in the language of this request, translated once per page rather than once per row.
    urgency_labels, status_labels, channel_labels, topic_labels = (
        {value: str(label) for value, label in labels.items()}
        for labels in (URGENCY_LABELS, STATUS_LABELS, CHANNEL_LABELS, TOPIC_LABELS)
    )
    flag_labels = [str(label) for _, label in FlagKind.choices]
    anonymous = gettext("anonymous")
    topics = defaultdict(list)
    links = EnquiryTopic.objects.filter(enquiry_id__in=[row[0] for row in page]).order_by("topic")
    for enquiry_id, topic in links.values_list("enquiry_id", "topic"):
        topics[enquiry_id].append(topic_labels.get(topic, topic))
    url = _enquiry_url_maker()
    clock = QueueClock(now)
    local = timezone.get_current_timezone()
    age_strings = {name: _TranslatedOnce(unit) for name, unit in TIME_STRINGS.items()}
    month_names = {}

    def short_date(moment: datetime) -> str:
        """As the date filter writes "j M H:i" (24 Nov 14:30), each month's name translated once."""
        if moment.month not in month_names:
            month_names[moment.month] = MONTHS_3[moment.month].title()
        return f"{moment.day} {month_names[moment.month]} {moment:%H:%M}"

    rows = []
    for (
        pk,
        reference,
        red_flag,
        urgency,
        status,
        channel,
        created_at,
        callback_at,
        nurse_id,
        first,
        last,
        email,
        name,
        language,
        due,
        summary,
        *flagged,
    ) in page:
        is_open = status in OPEN_STATUSES
        target = clock.state(urgency=urgency, due=due) if is_open else None
        rows.append(
            QueueRow(
                pk=pk,
                reference=reference,
                url=url(pk),
                red_flag=red_flag,
                urgency_key=URGENCY_KEYS[urgency],
                urgency=urgency_labels.get(urgency, urgency),
                status=status_labels.get(status, status),
                topics=", ".join(topics[pk]),
                channel=channel_labels.get(channel, channel),
                created_at=html_datetime(created_at.astimezone(local)),
                age=timesince(created_at, now, time_strings=age_strings),
                callback_at=short_date(callback_at.astimezone(local)) if callback_at and is_open else "",
                overdue=bool(is_open and callback_at and callback_at < now),
                nurse=(f"{first} {last}".strip() or email) if nurse_id else "",
                who=(name.split()[0] if name.strip() else anonymous) if people else "",
                question=_question_start(summary) if people else "",
                language=language,
                target=target.text if target else "",
                target_state=target.state if target else "",
                flags=[label for label, on in zip(flag_labels, flagged, strict=True) if on],
            )
        )
    return rows


def enquiry_timeline(enquiry: Enquiry) -> QuerySet[EnquiryEvent]:
    """The enquiry's events, oldest first, with who did each and, for her emails, the message and its files."""
    return (
        EnquiryEvent.objects.filter(enquiry=enquiry)
        .select_related("actor", "email", "inbound")
        .prefetch_related("inbound__attachments")
        .order_by("at", "id")
    )


def enquiries_of(user: User) -> QuerySet[Enquiry]:
    """The enquiries she asked while signed in, newest first, as her account lists them."""
    return Enquiry.objects.filter(user=user, anonymised_at__isnull=True).order_by("-created_at", "-id")


def enquiry_conversation(enquiry: Enquiry, *, now: datetime) -> list[EnquiryEvent]:
    """What she sees of the timeline: her messages and the nurses' replies, oldest first.

    Never the nurses' notes or workflow. A reply appears once its send time has
    come, and not at all if a nurse cancelled its email before it went (one the
    outbox did not send because she unsubscribed still shows here).
    """
    return list(
        EnquiryEvent.objects.filter(
            enquiry=enquiry, kind__in=(EnquiryEvent.Kind.MESSAGE_IN, EnquiryEvent.Kind.MESSAGE_OUT)
        )
        .exclude(kind=EnquiryEvent.Kind.MESSAGE_OUT, shown_from__gt=now)
        .exclude(email__status=OutboundEmail.Status.CANCELLED, email__last_error=CANCELLED_BY_STAFF)
        .select_related("actor")
        .order_by("at", "id")
    )


def replies_waiting(user: User) -> QuerySet[Enquiry]:
    """Open enquiries with an email from her that no nurse has acted on yet: hers and unassigned ones, oldest first."""
    return (
        Enquiry.objects.filter(reply_received_at__isnull=False, status__in=OPEN_STATUSES)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .order_by("reply_received_at", "id")
        .only("pk", "reference", "reply_received_at", "assigned_to")[:50]
    )


def enquiry_attachment(enquiry: Enquiry, pk: int) -> InboundAttachment | None:
    """A kept file from one of her emails on this enquiry, or None."""
    return (
        InboundAttachment.objects.filter(
            pk=pk, email__about_type=enquiry._meta.label_lower, email__about_id=str(enquiry.pk)
        )
        .exclude(file="")
        .first()
    )


def enquiry_emails(enquiry: Enquiry) -> list:
    """Every email about this enquiry, with its delivery state from the outbox."""
    return list(emails_about(enquiry))


def enquiry_callbacks(enquiry: Enquiry) -> QuerySet[Callback]:
    return enquiry.callbacks.select_related("assigned_to").order_by("done_at", "due_at")


# ---------------------------------------------------------------- reports


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def report_weeks(*, weeks: int, today: date | None = None) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, ending with this week."""
    this_week = week_start(today or timezone.localdate())
    return [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


@dataclass
class Breakdown:
    """Enquiries per week for each value of one dimension (channel, topic or outcome)."""

    title: str
    dimension: str
    weeks: list[date]
    rows: list[tuple[str, list[int], int]]  # (label, count per week, total)
    totals: list[int]

    @property
    def grand_total(self) -> int:
        return sum(self.totals)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _weekly(
    queryset, field: str, choices, *, weeks: list[date], title: str, dimension: str, date_field: str = "created_at"
) -> Breakdown:
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in queryset.annotate(week=TruncWeek(date_field)).values("week", field).annotate(n=Count("id")):
        counts[row[field]][_as_date(row["week"])] += row["n"]
    rows = []
    for value, label in choices:
        per_week = [counts[value][w] for w in weeks]
        rows.append((label, per_week, sum(per_week)))
    totals = [sum(r[1][i] for r in rows) for i in range(len(weeks))]
    return Breakdown(title=title, dimension=dimension, weeks=weeks, rows=rows, totals=totals)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (the same as numpy's default), computed in Python so it works on any database."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass
class Report:
    weeks: list[date]
    by_channel: Breakdown
    by_topic: Breakdown
    by_outcome: Breakdown
    received: int
    responded: int
    median_response: timedelta | None
    p90_response: timedelta | None
    open_count: int
    overdue_count: int
    # Per ISO week and level: the share answered within target and the median time to first response.
    targets: list[TargetWeek]
    target_minutes: dict[int, int]


def helpline_report(*, weeks: int = 12, now: datetime | None = None) -> Report:
    """The figures on the dashboard and in the CSV: counts only, nothing about any one person."""
    now = now or timezone.now()
    week_list = report_weeks(weeks=weeks, today=timezone.localdate(now))
    start = timezone.make_aware(datetime.combine(week_list[0], datetime.min.time()))
    in_range = Enquiry.objects.filter(created_at__gte=start, created_at__lte=now)
    by_channel = _weekly(
        in_range,
        "channel",
        Channel.choices,
        weeks=week_list,
        title=gettext("Enquiries by channel"),
        dimension=gettext("Channel"),
    )
    by_topic = _weekly(
        EnquiryTopic.objects.filter(enquiry__in=in_range),
        "topic",
        Topic.choices,
        weeks=week_list,
        title=gettext("Enquiries by topic"),
        dimension=gettext("Topic"),
        date_field="enquiry__created_at",
    )
    by_outcome = _weekly(
        in_range.filter(status=Status.CLOSED),
        "outcome",
        Outcome.choices,
        weeks=week_list,
        title=gettext("Closed enquiries by outcome"),
        dimension=gettext("Outcome"),
    )
    responses = sorted(
        (responded - created).total_seconds()
        for created, responded in in_range.filter(first_response_at__isnull=False).values_list(
            "created_at", "first_response_at"
        )
    )
    median, p90 = percentile(responses, 0.5), percentile(responses, 0.9)
    open_enquiries = Enquiry.objects.filter(status__in=OPEN_STATUSES)
    return Report(
        weeks=week_list,
        by_channel=by_channel,
        by_topic=by_topic,
        by_outcome=by_outcome,
        received=in_range.count(),
        responded=len(responses),
        median_response=timedelta(seconds=median) if median is not None else None,
        p90_response=timedelta(seconds=p90) if p90 is not None else None,
        open_count=open_enquiries.count(),
        overdue_count=open_enquiries.filter(next_callback_at__lt=now).count(),
        targets=target_report(start=start, now=now),
        target_minutes=target_minutes(),
    )


def topic_enquiry_counts(*, since: datetime) -> dict[str, int]:
    """How many enquiries raised each topic since a date."""
    rows = (
        EnquiryTopic.objects.filter(enquiry__created_at__gte=since)
        .values("topic")
        .annotate(n=Count("enquiry", distinct=True))
    )
    return {row["topic"]: row["n"] for row in rows}


# ---------------------------------------------------------------- gaps in the guidance

# What to search the leaflet for, per topic: one or two plain words that a section covering the
# topic would use. Topics with no guidance to write (a leaflet request, "other") are left out.
GAP_SEARCH_TERMS: dict[str, str] = {
    Topic.DIAGNOSIS: "diagnosis",
    Topic.PAIN: "pain",
    Topic.EXERCISE: "exercise",
    Topic.BREASTFEEDING: "breastfeeding",
    Topic.DRUG_TREATMENTS: "treatment",
    Topic.HEPARIN: "heparin",
    Topic.CALCIUM_VITAMIN_D: "calcium",
    Topic.FUTURE_PREGNANCIES: "future",
    Topic.MONEY: "benefits",
    Topic.PRACTICAL_HELP: "practical help",
    Topic.EMOTIONAL_SUPPORT: "emotional",
    Topic.PEER_CONTACT: "peer support",
}


@dataclass(frozen=True)
class Gap:
    topic: str
    label: str
    search_term: str
    enquiries: int
    sections: int

    @property
    def enquiries_per_section(self) -> float:
        return self.enquiries / max(self.sections, 1)


def guidance_gaps(*, since: datetime, min_enquiries: int = 3, few_sections: int = 1) -> tuple[list[Gap], list[Gap]]:
    """Topics people ask about, against how many published leaflet sections cover them.

    Returns (gaps, others): gaps are topics with at least `min_enquiries` enquiries and
    no more than `few_sections` matching sections, most-asked first; others are the rest.
    Counts only, so editors may see it.
    """
    from leaflet.selectors import published_section_count_matching

    asked = topic_enquiry_counts(since=since)
    rows = [
        Gap(
            topic=topic,
            label=Topic(topic).label,
            search_term=term,
            enquiries=asked.get(topic, 0),
            sections=published_section_count_matching(term),
        )
        for topic, term in GAP_SEARCH_TERMS.items()
    ]
    rows.sort(key=lambda g: (-g.enquiries_per_section, -g.enquiries, g.label))
    gaps = [g for g in rows if g.enquiries >= min_enquiries and g.sections <= few_sections]
    return gaps, [g for g in rows if g not in gaps]
