"""Reads for peer support: eligibility, suggestions, the nurses' queue, the wait estimate."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from . import lifecycle, matching
from .models import Introduction, NurseTask, PeerRequest, VolunteerProfile
from .score_bounds import score_bounds

# The columns scoring needs, read as plain values so 10,000 volunteers score in one quick pass.
# The two JSON lists come as text and are parsed once per distinct value: volunteers share a
# few dozen topic and language combinations, and decoding each row's JSON was most of the cost.
FACT_FIELDS = (
    "id",
    "first_name",
    "fracture_kind",
    "timing",
    "breastfed",
    "heparin",
    "later_pregnancies",
    "topics_json",
    "region",
    "languages_json",
    "capacity",
    "active_count",
)


class VolunteerFacts(NamedTuple):
    """One volunteer's scoring facts; a tuple, because building 10,000 of them must be cheap."""

    id: int
    first_name: str
    fracture_kind: str
    timing: str
    breastfed: bool | None
    heparin: bool | None
    later_pregnancies: bool | None
    topics: tuple
    region: str
    languages: tuple
    capacity: int
    active_count: int

    @property
    def pk(self) -> int:
        return self.id

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.active_count, 0)


def eligible_volunteers(*, request: PeerRequest | None = None, now=None) -> QuerySet[VolunteerProfile]:
    """Volunteers a nurse may propose: approved, briefing in date, not paused, not resting, with a free
    place, and (for a given request) never asked about it before. All decided in SQL."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    qs = VolunteerProfile.objects.filter(
        Q(paused=False) | Q(paused_until__isnull=False, paused_until__lte=today),
        Q(resting_until__isnull=True) | Q(resting_until__lte=now),
        status=VolunteerProfile.Status.APPROVED,
        briefing_expires_on__gte=today,
        active_count__lt=F("capacity"),
    )
    if request is not None:
        qs = qs.exclude(introductions__peer_request=request)
        if request.mother_id:
            qs = qs.exclude(user_id=request.mother_id)
    return qs


def _facts(rows) -> list[VolunteerFacts]:
    parsed: dict[str, tuple] = {}

    def parse(text: str) -> tuple:
        value = parsed.get(text)
        if value is None:
            value = parsed[text] = tuple(json.loads(text or "[]"))
        return value

    return [VolunteerFacts(*row[:7], parse(row[7]), row[8], parse(row[9]), row[10], row[11]) for row in rows]


def _with_json_texts(volunteers: QuerySet[VolunteerProfile]) -> QuerySet[VolunteerProfile]:
    return volunteers.annotate(topics_json=Cast("topics", TextField()), languages_json=Cast("languages", TextField()))


def suggestions(request: PeerRequest, *, now=None) -> list[matching.Suggestion]:
    """Every eligible volunteer for `request`, ranked best first, with the reasons for each score."""
    eligible = _with_json_texts(eligible_volunteers(request=request, now=now))
    return matching.rank(request, _facts(eligible.values_list(*FACT_FIELDS)))


class BestSuggestions(NamedTuple):
    best: list[matching.Suggestion]
    eligible_count: int


def best_suggestions(request: PeerRequest, count: int, *, now=None) -> BestSuggestions:
    """The first `count` of `suggestions(request)`, exactly, and how many volunteers are eligible.

    Two queries, however many volunteers there are. The first counts the eligible by the fewest
    points each can score (see `peers.score_bounds`), which gives a bar: the `count`-th highest of
    those. The second fetches only the volunteers whose most points reach the bar, and `matching`
    scores just them. If `count` of them really score the bar, nobody left out could beat them.
    """
    bounds = score_bounds(matching.Scorer(request))
    eligible = eligible_volunteers(request=request, now=now)
    by_fewest = eligible.annotate(fewest=bounds.fewest).values("fewest").annotate(volunteers=Count("id"))
    eligible_count, bar = 0, None
    for fewest, volunteers in sorted(by_fewest.values_list("fewest", "volunteers"), reverse=True):
        eligible_count += volunteers
        if bar is None and eligible_count >= count:
            bar = fewest
    candidates = _with_json_texts(eligible)
    if bar is not None:
        candidates = candidates.alias(most=bounds.most).filter(most__gte=bar)
    ranked = matching.rank(request, _facts(candidates.values_list(*FACT_FIELDS)))
    if bar is not None and (len(ranked) < count or ranked[count - 1].score < bar):
        # Volunteers changed between the two queries, so the bar proves nothing: rank everyone.
        ranked = suggestions(request, now=now)
        eligible_count = len(ranked)
    return BestSuggestions(ranked[:count], eligible_count)


def nurse_queue() -> QuerySet[PeerRequest]:
    """Open requests, oldest first."""
    return (
        PeerRequest.objects.filter(status__in=PeerRequest.OPEN)
        .annotate(open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True)))
        .order_by("created_at", "id")
    )


def open_tasks() -> QuerySet[NurseTask]:
    return NurseTask.objects.filter(done_at__isnull=True).select_related("peer_request").order_by("created_at", "id")


def live_introduction(request: PeerRequest) -> Introduction | None:
    return request.introductions.filter(status__in=Introduction.HOLDS_PLACE).select_related("volunteer").first()


@dataclass(frozen=True)
class WaitEstimate:
    ahead: int | None  # requests before hers still waiting for a nurse; None once a volunteer is asked
    median_days: int | None
    sample: int
    asked_at: datetime | None = None  # when a volunteer was asked for her, while we wait for her answer
    answer_by: datetime | None = None


def wait_estimate(request: PeerRequest, *, now=None) -> WaitEstimate:
    """Where her request is, and how long introductions took lately.

    Waiting for a nurse to find someone: how many requests came in before hers and
    are waiting for that too. A volunteer asked: when, and by when she answers (the
    queue is behind her then). Honest by construction: based on the last 180 days of
    real introductions, and no figure at all when there are too few to say anything.
    """
    now = now or timezone.now()
    recent = PeerRequest.objects.filter(introduced_at__gte=now - timedelta(days=180)).values_list(
        "created_at", "introduced_at"
    )
    waits = [(introduced - created).days for created, introduced in recent]
    typical = {"median_days": round(median(waits)) if len(waits) >= 3 else None, "sample": len(waits)}
    asked = request.introductions.filter(status=Introduction.Status.PROPOSED).first()
    if request.status == PeerRequest.Status.PROPOSED and asked is not None:
        return WaitEstimate(ahead=None, asked_at=asked.proposed_at, answer_by=asked.respond_by, **typical)
    ahead = PeerRequest.objects.filter(status=PeerRequest.Status.WAITING, created_at__lt=request.created_at).count()
    return WaitEstimate(ahead=ahead, **typical)


def nurse_emails() -> list[str]:
    from portal.models import User
    from portal.roles import Role

    return list(
        User.objects.filter(groups__name=Role.NURSE, is_active=True).order_by("id").values_list("email", flat=True)
    )


@dataclass(frozen=True)
class ShownMessage:
    """One message as one viewer may see it: the writer, the other woman, or a nurse."""

    id: int
    mine: bool
    writer: str  # "You", her first name, or (for nurses) "Mother"/"Volunteer" and the first name
    created_at: object
    text: str  # empty when hidden from this viewer
    notes: tuple[str, ...]  # gentle notes about what was held back or hidden
    flags: tuple[str, ...]  # for nurses: alarm, reported, hidden, held back
    read: bool | None  # for her own messages: whether the other has seen it
    can_report: bool
    can_hide: bool = False  # nurses only
    can_mark_reviewed: bool = False  # nurses only: marked or reported, not yet dealt with


def conversation_messages(intro: Introduction, *, side: str | None, after: int = 0) -> list[ShownMessage]:
    """The messages of a conversation in order, as `side` (None for a nurse) may see them."""
    from .models import Message

    names = {Message.Side.MOTHER: intro.peer_request.first_name, Message.Side.VOLUNTEER: intro.volunteer.first_name}
    other_name = names.get(Message.Side.VOLUNTEER if side == Message.Side.MOTHER else Message.Side.MOTHER, "")
    shown = []
    for m in intro.messages.filter(id__gt=after).order_by("created_at", "id"):
        mine = side is not None and m.side == side
        notes, flags = [], []
        if side is None:
            writer = gettext("%(side)s (%(name)s)") % {
                "side": m.get_side_display(),
                "name": names[m.side] or gettext("former member"),
            }
            text = m.body
            flags = [
                label
                for label, on in (
                    (gettext("Safety alarm (%(level)s)") % {"level": m.level}, m.alarm),
                    (gettext("Reported"), m.reported_at),
                    (gettext("Hidden by a nurse"), m.hidden_at),
                    (gettext("Contact details held back from the other"), m.held_back),
                )
                if on
            ]
        elif mine:
            writer, text = gettext("You"), m.body
            if m.held_back:
                notes.append(
                    gettext(
                        "We held back what looked like contact details from %(name)s, to keep you both safe. "
                        "The rest of your message reached her."
                    )
                    % {"name": other_name}
                )
            if m.hidden_at:
                notes.append(
                    gettext("A nurse has hidden this message from %(name)s. A nurse may be in touch about it.")
                    % {"name": other_name}
                )
        else:
            writer = names[m.side] or gettext("Former member")
            text = "" if m.hidden_at else m.shared_body
            if m.hidden_at:
                notes.append(gettext("A nurse has hidden this message."))
            elif m.held_back:
                notes.append(gettext("Some contact details were held back from this message, to keep you both safe."))
        shown.append(
            ShownMessage(
                id=m.pk,
                mine=mine,
                writer=writer,
                created_at=m.created_at,
                text=text,
                notes=tuple(notes),
                flags=tuple(flags),
                read=(m.read_at is not None) if mine else None,
                can_report=side is not None and not mine and not m.hidden_at and m.reported_at is None,
                can_hide=side is None and m.hidden_at is None,
                can_mark_reviewed=side is None
                and m.reviewed_at is None
                and (m.marked_for_nurse_at is not None or m.reported_at is not None),
            )
        )
    return shown


QUIET_AFTER = timedelta(days=14)


def messages_for_a_nurse() -> QuerySet:
    """Messages marked by the safety triage or reported by a woman, that no nurse has dealt with yet, oldest first.

    Rows carry no words: the nurse opens the conversation to read them (and that is audited)."""
    from .models import Message

    return (
        Message.objects.filter(Q(marked_for_nurse_at__isnull=False) | Q(reported_at__isnull=False))
        .filter(reviewed_at__isnull=True)
        .select_related("introduction__peer_request")
        .only(
            "id",
            "side",
            "created_at",
            "level",
            "alarm",
            "reported_at",
            "hidden_at",
            "introduction_id",
            "introduction__peer_request_id",
        )
        .order_by("created_at", "id")
    )


def quiet_conversations(*, now=None) -> QuerySet[Introduction]:
    """Live introductions where nobody has written for two weeks (or at all since they were introduced)."""
    from django.db.models import Max
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    return (
        Introduction.objects.filter(status=Introduction.Status.ACCEPTED)
        .annotate(last_activity=Coalesce(Max("messages__created_at"), F("responded_at")))
        .filter(last_activity__lte=now - QUIET_AFTER)
        .select_related("peer_request")
        .order_by("last_activity", "id")
    )


class PeerRequestLine(NamedTuple):
    """One peer request as another app's history list shows it: no experience, contact or free text."""

    pk: int
    reference: str
    status: str  # the status's label
    created_at: object  # datetime
    is_open: bool


def peer_requests_of(*, ids: list[int], mother_id: int | None) -> list[PeerRequestLine]:
    """Peer requests with these ids or from this account, newest first: the helpline's "her history" reads this."""
    found = Q(pk__in=ids)
    if mother_id is not None:
        found |= Q(mother_id=mother_id)
    labels = dict(PeerRequest.Status.choices)
    rows = PeerRequest.objects.filter(found).order_by("-created_at", "-id").values_list("pk", "status", "created_at")
    return [
        PeerRequestLine(pk, f"R-{pk}", labels.get(status, status), created_at, status in PeerRequest.OPEN)
        for pk, status, created_at in rows
    ]


@dataclass(frozen=True)
class PeerFigures:
    """Counts only, for the helpline's quarterly funder report."""

    introduced: int  # introductions both women agreed to (accepted) in the period
    endings: lifecycle.QuarterOfEndings  # endings written in the period: told, ended well (4 or 5 of 5), …


def peer_figures(*, start: datetime, end: datetime, label: str) -> PeerFigures:
    """Introductions made, and how introductions ended, from `start` up to (not including) `end`. Two queries."""
    introduced = Introduction.objects.filter(
        status__in=(Introduction.Status.ACCEPTED, Introduction.Status.ENDED),
        responded_at__gte=start,
        responded_at__lt=end,
    ).count()
    return PeerFigures(introduced=introduced, endings=lifecycle.endings_between(start=start, end=end, label=label))
