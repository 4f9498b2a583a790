"""The woman behind the enquiries: linking her enquiries into one person, her history, and her risk flags.

Linking (never on a name alone):
- an enquiry asked from her account joins that account's person at once (`person_link_account`);
- any other joins only when a nurse confirms it is hers, from a list of her earlier enquiries that share
  its email address or phone number (`link_candidates`, then `person_link_confirm`).

Flags (`flag_set`, `flag_end`, `flag_review`) sit on the person, so they show on every enquiry of hers
and on the queue. A daily task (`flags_review_due`) ends a "crisis in the last 90 days" flag on its
review date and marks the others as due for review. "Do not email" stops every email to her: the
outbox asks `do_not_email_reason` before it queues and again before it sends (registered in apps.py).

Every change, and every time her history is shown, writes an audit row (ids and codes, never her details).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from peers.selectors import peer_requests_of
from portal.audit import audit_record
from portal.models import User

from .models import (
    EXPIRING_FLAGS,
    PHONE_DIGITS,
    Callback,
    Enquiry,
    FlagKind,
    Person,
    PersonFlag,
    Status,
    Urgency,
)
from .triage import triage

FLAG_ALREADY_SET = _("She already has a “%(label)s” flag, so nothing was changed. Review or remove that one instead.")
FLAG_ALREADY_ENDED = _("That flag had already been removed, so nothing was changed.")
REVIEW_IN_PAST = _("Choose a review date from today onwards: a date in the past would end or flag it at once.")
REVIEW_TOO_FAR = _("Choose a review date within two years, so the flag is looked at again.")
REASON_EMPTY = _("Say why you are setting this flag, so colleagues understand it.")
UNKNOWN_FLAG = _("Choose one of the flags.")
NOT_A_MATCH = _(
    "That enquiry no longer shares her email address or phone number, so it was not linked. "
    "Enquiries are never linked on a name alone."
)
ALREADY_LINKED = _("That enquiry is already linked to her.")
TWO_ACCOUNTS = _("Those enquiries were asked from two different accounts, so they are two people and cannot be linked.")
ANONYMISED = _("An anonymised enquiry cannot be linked: its details are gone.")
CANNOT_UNLINK_ACCOUNT = _("This enquiry was asked from her account, so it stays linked to her.")
NOT_LINKED = _("This enquiry is not linked to anyone, so there was nothing to undo.")
DO_NOT_EMAIL = "Not sent: a nurse has flagged that she must not be emailed."

MAX_REVIEW_DAYS = 2 * 365
CANDIDATE_LIMIT = 20
# The review date a triage suggestion starts from: "in the last 90 days" says it.
CRISIS_DAYS = 90
SAFEGUARDING_REVIEW_DAYS = 90


# ---------------------------------------------------------------- linking


def phone_digits(phone: str) -> str:
    """The Python twin of models.PHONE_DIGITS: the same number however it was typed."""
    for mark in (" ", "-", "(", ")", "."):
        phone = phone.replace(mark, "")
    return phone.replace("+44", "0")


def person_link_account(*, enquiry: Enquiry) -> Person | None:
    """Join an enquiry asked from her account to that account's person (made on first use)."""
    if enquiry.user_id is None or enquiry.person_id is not None:
        return None
    person, _ = Person.objects.get_or_create(user_id=enquiry.user_id)
    enquiry.person = person
    enquiry.save(update_fields=["person"])
    return person


def link_candidates(enquiry: Enquiry) -> list[tuple[Enquiry, str]]:
    """Her other enquiries a nurse may confirm are hers: (enquiry, "email" or "phone"), newest first.

    Only an identical email address (any case) or phone number (any spacing) counts; a name never does.
    """
    if enquiry.anonymised_at or not (enquiry.email or enquiry.phone):
        return []
    same = Q(pk__in=[])
    if enquiry.email:
        same |= Q(email__iexact=enquiry.email) & ~Q(email="")
    if enquiry.phone:
        same |= Q(digits=phone_digits(enquiry.phone)) & ~Q(phone="")
    others = (
        Enquiry.objects.annotate(digits=PHONE_DIGITS)
        .filter(same, anonymised_at__isnull=True)
        .exclude(pk=enquiry.pk)
        .only("pk", "reference", "email", "phone", "created_at", "status", "person", "user")
        .order_by("-created_at", "-id")
    )
    if enquiry.person_id is not None:
        others = others.filter(Q(person__isnull=True) | ~Q(person=enquiry.person_id))
    return [(other, _basis(enquiry, other)) for other in others[:CANDIDATE_LIMIT]]


def _basis(enquiry: Enquiry, other: Enquiry) -> str:
    if enquiry.email and other.email and enquiry.email.lower() == other.email.lower():
        return "email"
    if enquiry.phone and other.phone and phone_digits(enquiry.phone) == phone_digits(other.phone):
        return "phone"
    return ""


def person_link_confirm(*, enquiry: Enquiry, other: Enquiry, by: User) -> Person:
    """A nurse confirms that `other`, which shares this enquiry's address or number, is hers too.

    The two (and everything already linked to either) become one person, with both sets of flags.
    """
    with transaction.atomic():
        locked = {
            e.pk: e for e in Enquiry.objects.select_for_update().filter(pk__in=[enquiry.pk, other.pk]).order_by("pk")
        }
        enquiry, other = locked[enquiry.pk], locked[other.pk]
        if enquiry.anonymised_at or other.anonymised_at:
            raise ValidationError(ANONYMISED)
        basis = _basis(enquiry, other)
        if not basis:
            raise ValidationError(NOT_A_MATCH)
        if enquiry.person_id is not None and enquiry.person_id == other.person_id:
            raise ValidationError(ALREADY_LINKED)
        people = Person.objects.select_for_update().filter(
            pk__in=[p for p in (enquiry.person_id, other.person_id) if p]
        )
        people = {p.pk: p for p in people}
        ours, theirs = people.get(enquiry.person_id), people.get(other.person_id)
        if ours and theirs and ours.user_id and theirs.user_id:
            raise ValidationError(TWO_ACCOUNTS)
        if ours is None and theirs is None:
            person = Person.objects.create()
        elif ours is None or theirs is None:
            person = ours or theirs
        else:
            person = _merge(keep=ours, into_it=theirs, by=by)
        Enquiry.objects.filter(pk__in=[enquiry.pk, other.pk]).update(person=person)
        audit_record(action="person.linked", actor=by, target=person, enquiry=enquiry.pk, other=other.pk, basis=basis)
    return person


def _merge(*, keep: Person, into_it: Person, by: User) -> Person:
    """Move `into_it`'s enquiries and flags to `keep`; a flag both have stays once (the earlier review wins)."""
    if into_it.user_id and not keep.user_id:
        keep, into_it = into_it, keep
    live = {f.kind: f for f in keep.flags.select_for_update().filter(ended_at__isnull=True)}
    for flag in into_it.flags.select_for_update().filter(ended_at__isnull=True):
        twin = live.get(flag.kind)
        if twin is not None:
            flag.ended_at, flag.ended_by, flag.ended_how = timezone.now(), by, PersonFlag.Ended.REMOVED
            flag.save(update_fields=["ended_at", "ended_by", "ended_how"])
            if flag.review_on < twin.review_on:
                twin.review_on = flag.review_on
                twin.save(update_fields=["review_on"])
    into_it.flags.update(person=keep)
    into_it.enquiries.update(person=keep)
    audit_record(action="person.merged", actor=by, target=keep, merged=into_it.pk)
    into_it.delete()
    return keep


def person_unlink(*, enquiry: Enquiry, by: User) -> None:
    """Undo a link a nurse confirmed by mistake: the enquiry stands alone again (its person keeps her flags)."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update(of=("self",)).select_related("person").get(pk=enquiry.pk)
        if enquiry.person is None:
            raise ValidationError(NOT_LINKED)
        if enquiry.user_id is not None and enquiry.user_id == enquiry.person.user_id:
            raise ValidationError(CANNOT_UNLINK_ACCOUNT)
        person = enquiry.person
        enquiry.person = None
        enquiry.save(update_fields=["person"])
        audit_record(action="person.unlinked", actor=by, target=person, enquiry=enquiry.pk)


# ---------------------------------------------------------------- her history


@dataclass(frozen=True)
class HistoryItem:
    """One line of her history on an enquiry page: an earlier enquiry, a peer request or a call."""

    at: datetime
    kind: str  # "enquiry", "peer_request", "call"
    label: str  # "Enquiry HL-7K3M9Q", "Peer support request R-12", "Call for HL-7K3M9Q"
    url: str
    state: str  # "Closed", "Introduced", "Made", "Due"


def person_history(enquiry: Enquiry, *, request=None) -> list[HistoryItem]:
    """Her other enquiries, her peer requests and the calls on her other enquiries, newest first (audited)."""
    if enquiry.person_id is None:
        return []
    others = list(
        Enquiry.objects.filter(person=enquiry.person_id)
        .exclude(pk=enquiry.pk)
        .only("pk", "reference", "status", "created_at", "peer_request_id", "urgency")
    )
    items = [
        HistoryItem(
            e.created_at,
            "enquiry",
            gettext("Enquiry %(reference)s") % {"reference": e.reference},
            e.get_absolute_url(),
            e.get_status_display(),
        )
        for e in others
    ]
    references = {e.pk: e.reference for e in others}
    calls = Callback.objects.filter(enquiry_id__in=list(references)).only("enquiry_id", "due_at", "done_at")
    items += [
        HistoryItem(
            c.done_at or c.due_at,
            "call",
            gettext("Call for %(reference)s") % {"reference": references[c.enquiry_id]},
            reverse("helpline:enquiry-detail", args=[c.enquiry_id]) + "#callbacks",
            pgettext("a callback", "Made") if c.done_at else pgettext("a callback", "Due"),
        )
        for c in calls
    ]
    request_ids = [e.peer_request_id for e in [enquiry, *others] if e.peer_request_id]
    user_id = Person.objects.filter(pk=enquiry.person_id).values_list("user_id", flat=True).first()
    items += [
        HistoryItem(
            line.created_at,
            "peer_request",
            gettext("Peer support request %(reference)s") % {"reference": line.reference},
            reverse("peers:nurse-request", args=[line.pk]),
            line.status,
        )
        for line in peer_requests_of(ids=request_ids, mother_id=user_id)
    ]
    audit_record(
        action="person.history_viewed", request=request, target=Person(pk=enquiry.person_id), enquiry=enquiry.pk
    )
    return sorted(items, key=lambda item: item.at, reverse=True)


# ---------------------------------------------------------------- flags


def live_flags(person_id: int | None) -> list[PersonFlag]:
    if person_id is None:
        return []
    return list(PersonFlag.objects.filter(person_id=person_id, ended_at__isnull=True).select_related("set_by"))


def flag_labels_for(person_ids) -> dict[int, list[tuple[str, str]]]:
    """{person id: [(kind, label), ...]} of live flags, for a page of queue rows in one query."""
    labels = dict(FlagKind.choices)
    found: dict[int, list[tuple[str, str]]] = {}
    ids = sorted({pk for pk in person_ids if pk is not None})
    if not ids:
        return found
    rows = PersonFlag.objects.filter(person_id__in=ids, ended_at__isnull=True).order_by("kind")
    for person_id, kind in rows.values_list("person_id", "kind"):
        found.setdefault(person_id, []).append((kind, labels[kind]))
    return found


def _check_review_on(review_on: date, *, today: date) -> None:
    if review_on < today:
        raise ValidationError({"review_on": REVIEW_IN_PAST})
    if review_on > today + timedelta(days=MAX_REVIEW_DAYS):
        raise ValidationError({"review_on": REVIEW_TOO_FAR})


def _person_of(enquiry: Enquiry) -> Person:
    """Her person, made now for an enquiry that has none yet (a flag needs someone to sit on)."""
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.person_id is None:
        if enquiry.user_id is not None:
            person, _ = Person.objects.get_or_create(user_id=enquiry.user_id)
        else:
            person = Person.objects.create()
        enquiry.person = person
        enquiry.save(update_fields=["person"])
    return Person.objects.select_for_update().get(pk=enquiry.person_id)


def flag_set(*, enquiry: Enquiry, kind: str, reason: str, review_on: date, by: User) -> PersonFlag:
    """Set a flag on the woman behind this enquiry; refused if she already has a live one of that kind."""
    if kind not in FlagKind.values:
        raise ValidationError({"kind": UNKNOWN_FLAG})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_EMPTY})
    _check_review_on(review_on, today=timezone.localdate())
    label = FlagKind(kind).label
    try:
        with transaction.atomic():
            person = _person_of(enquiry)
            if person.flags.filter(kind=kind, ended_at__isnull=True).exists():
                raise ValidationError(FLAG_ALREADY_SET % {"label": label})
            flag = PersonFlag(person=person, kind=kind, reason=reason, set_by=by, review_on=review_on)
            flag.full_clean()
            flag.save()
            audit_record(
                action="person_flag.set",
                actor=by,
                target=flag,
                person=person.pk,
                kind=kind,
                enquiry=enquiry.pk,
                review_on=review_on.isoformat(),
            )
    except IntegrityError:
        # A colleague set the same flag at the same moment: the constraint kept one.
        raise ValidationError(FLAG_ALREADY_SET % {"label": label})
    enquiry.person_id = person.pk
    return flag


def _lock_live(flag: PersonFlag) -> PersonFlag:
    flag = PersonFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.ended_at is not None:
        raise ValidationError(FLAG_ALREADY_ENDED)
    return flag


def flag_end(*, flag: PersonFlag, by: User) -> PersonFlag:
    """A nurse removes a flag that no longer applies."""
    with transaction.atomic():
        flag = _lock_live(flag)
        flag.ended_at, flag.ended_by, flag.ended_how = timezone.now(), by, PersonFlag.Ended.REMOVED
        flag.save(update_fields=["ended_at", "ended_by", "ended_how"])
        audit_record(action="person_flag.removed", actor=by, target=flag, person=flag.person_id, kind=flag.kind)
    return flag


def flag_review(*, flag: PersonFlag, by: User, review_on: date) -> PersonFlag:
    """A nurse has looked at the flag again and keeps it until a new review date."""
    _check_review_on(review_on, today=timezone.localdate())
    with transaction.atomic():
        flag = _lock_live(flag)
        flag.review_on, flag.review_due_since = review_on, None
        flag.reviewed_by, flag.reviewed_at = by, timezone.now()
        flag.save(update_fields=["review_on", "review_due_since", "reviewed_by", "reviewed_at"])
        audit_record(
            action="person_flag.reviewed",
            actor=by,
            target=flag,
            person=flag.person_id,
            kind=flag.kind,
            review_on=review_on.isoformat(),
        )
    return flag


def flags_review_due(*, today: date | None = None) -> int:
    """The daily task: flags whose review date has come end (crisis) or are marked due for review (the rest).

    Idempotent: a second run the same day finds nothing left to do. Returns how many flags it changed.
    """
    today = today or timezone.localdate()
    changed = 0
    with transaction.atomic():
        due = PersonFlag.objects.select_for_update(skip_locked=True).filter(ended_at__isnull=True, review_on__lte=today)
        for flag in due.filter(Q(review_due_since__isnull=True) | Q(kind__in=EXPIRING_FLAGS)):
            if flag.kind in EXPIRING_FLAGS:
                flag.ended_at, flag.ended_how = timezone.now(), PersonFlag.Ended.EXPIRED
                flag.save(update_fields=["ended_at", "ended_how"])
                audit_record(action="person_flag.expired", target=flag, person=flag.person_id, kind=flag.kind)
            else:
                flag.review_due_since = today
                flag.save(update_fields=["review_due_since"])
                audit_record(action="person_flag.review_due", target=flag, person=flag.person_id, kind=flag.kind)
            changed += 1
    return changed


# ---------------------------------------------------------------- what triage suggests


@dataclass(frozen=True)
class FlagProposal:
    kind: str
    label: str
    reason: str
    review_on: date


def flag_proposals(enquiry: Enquiry, *, user: User, live_kinds: set[str]) -> list[FlagProposal]:
    """Flags the safety triage suggests to the nurse who has claimed the enquiry: she decides, one click each.

    A crisis level suggests "crisis in the last 90 days"; words suggesting domestic abuse suggest a
    safeguarding concern. Nothing is suggested that she already has, or to anyone but the enquiry's nurse.
    """
    if enquiry.assigned_to_id != user.pk or enquiry.anonymised_at or enquiry.status == Status.CLOSED:
        return []
    today = timezone.localdate()
    proposals = []
    if enquiry.urgency == Urgency.CRISIS and FlagKind.RECENT_CRISIS not in live_kinds:
        proposals.append(
            FlagProposal(
                FlagKind.RECENT_CRISIS,
                FlagKind.RECENT_CRISIS.label,
                gettext("The safety triage rated %(reference)s a crisis.") % {"reference": enquiry.reference},
                timezone.localtime(enquiry.created_at).date() + timedelta(days=CRISIS_DAYS),
            )
        )
    if FlagKind.SAFEGUARDING not in live_kinds:
        topics = list(enquiry.topic_links.values_list("topic", flat=True))
        if triage(enquiry.summary, topics).safeguarding:
            proposals.append(
                FlagProposal(
                    FlagKind.SAFEGUARDING,
                    FlagKind.SAFEGUARDING.label,
                    gettext("The safety triage found words suggesting domestic abuse in %(reference)s.")
                    % {"reference": enquiry.reference},
                    today + timedelta(days=SAFEGUARDING_REVIEW_DAYS),
                )
            )
    return [p for p in proposals if p.review_on >= today]


# ---------------------------------------------------------------- the outbox's veto


def do_not_email_reason(*, to: str, about_type: str, about_id: str) -> str:
    """Why the outbox must not send this email ("" when it may): she has a live "do not email" flag.

    Asked about every email, at queue time and again at send time, whatever its kind or the
    enquiry's own settings: one about any of her enquiries, or to an address of hers (one
    given on an enquiry linked to her, or her account's).
    """
    hers = Q()
    if to:
        hers |= Q(person__enquiries__email__iexact=to) | Q(person__user__email__iexact=to)
    if about_type == "helpline.enquiry" and about_id.isdigit():
        hers |= Q(person__enquiries__pk=int(about_id))
    if not hers:
        return ""
    flagged = PersonFlag.objects.filter(kind=FlagKind.DO_NOT_EMAIL, ended_at__isnull=True).filter(hers)
    return DO_NOT_EMAIL if flagged.exists() else ""
