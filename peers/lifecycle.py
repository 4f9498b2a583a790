"""An introduction's beginning, middle and end: its planned length, the reminder before the end, the ending page.

Every introduction has a planned length (PEERS_PLANNED_WEEKS, 8 by default; a nurse can
change it). The first check-in falls at its midpoint (peers.services._accept); both women
are reminded PEERS_END_REMINDER_DAYS before the planned end. The due times are the
outbox's `send_after` columns, so a nurse changing the length moves them. On the ending
page each woman says how it went (1 to 5, a comment; the mother may ask for another
contact, the volunteer say roughly how many hours she gave), which feeds the volunteer's
record. The first ending ends the introduction, as "End the introduction" always has.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from portal.audit import audit_record
from portal.models import OutboundEmail, User
from portal.outbox import email_queue, emails_about

from .free_text import words_screen
from .models import CheckIn, Ending, Introduction, Message, NurseTask, PeerRequest, VolunteerProfile

REMINDER_TEMPLATE = "peers/email/end_reminder"
LENGTH_RANGE = (1, 26)
BAD_LENGTH = gettext_lazy("Please choose a length between 1 and 26 weeks.")
CANNOT_CHANGE_LENGTH = 'Can\'t change the length of an introduction that is "{status}".'
ALREADY_ENDED_BY_HER = gettext_lazy("You have already told us how it went. Thank you.")
CANNOT_END_HERE = 'This introduction is "{status}", so there is nothing to end.'
POOR_RATING = 2  # at or below: a poor ending, flagged to the nurses


def midpoint(start: datetime, weeks: int) -> datetime:
    return start + timedelta(weeks=weeks) / 2


def _address(intro: Introduction, side: str) -> tuple[str, str]:
    from .notifications import _address as address_of

    name = intro.peer_request.first_name if side == Message.Side.MOTHER else intro.volunteer.first_name
    return address_of(intro, side), name


def schedule_end_reminders(intro: Introduction) -> None:
    """Queue the 'your introduction is planned to end on...' email to both women (with the introduction locked)."""
    link = settings.SITE_URL + reverse("peers:ending", args=[intro.pk])
    send_after = intro.planned_end_at - timedelta(days=settings.PEERS_END_REMINDER_DAYS)
    for side in (Message.Side.MOTHER, Message.Side.VOLUNTEER):
        address, first_name = _address(intro, side)
        if address:
            email_queue(
                to=address,
                template=REMINDER_TEMPLATE,
                context={"first_name": first_name, "ends_on": intro.planned_end_at, "link": link},
                about=intro,
                send_after=max(send_after, timezone.now()),
                kind=OutboundEmail.Kind.FOLLOW_UP,
            )


def introduction_set_length(*, by: User, introduction: Introduction, weeks: int) -> Introduction:
    """A nurse changes the planned length: the midpoint check-in and the end reminders move with it."""
    from .services import _lock_introduction

    if not LENGTH_RANGE[0] <= weeks <= LENGTH_RANGE[1]:
        raise ValidationError(BAD_LENGTH)
    with transaction.atomic():
        intro = _lock_introduction(introduction.pk)
        if intro.status != Introduction.Status.ACCEPTED:
            raise ValidationError(CANNOT_CHANGE_LENGTH.format(status=intro.get_status_display()))
        old_mid = midpoint(intro.responded_at, intro.planned_weeks)
        new_mid = midpoint(intro.responded_at, weeks)
        intro.planned_weeks = weeks
        intro.planned_end_at = intro.responded_at + timedelta(weeks=weeks)
        intro.save(update_fields=["planned_weeks", "planned_end_at"])
        # The midpoint check-ins not yet sent move to the new midpoint (their links stay valid).
        now = timezone.now()
        if old_mid > now:
            CheckIn.objects.filter(introduction=intro, due_at=old_mid, answered_at__isnull=True).update(
                due_at=max(new_mid, now)
            )
            emails_about(intro).filter(
                template="peers/email/check_in", send_after=old_mid, status=OutboundEmail.Status.SCHEDULED
            ).update(send_after=max(new_mid, now))
        emails_about(intro).filter(template=REMINDER_TEMPLATE, status=OutboundEmail.Status.SCHEDULED).update(
            status=OutboundEmail.Status.CANCELLED, last_error="The planned length changed."
        )
        schedule_end_reminders(intro)
        audit_record(action="peers.introduction_length_set", actor=by, target=intro, weeks=weeks)
    return intro


@dataclass(frozen=True)
class Ended:
    ending: Ending
    new_request: PeerRequest | None


def introduction_ending(
    *, by: User, introduction: Introduction, rating: int, comment: str = "", wants_another: bool = False,
    hours_given: int | None = None,
) -> Ended:  # fmt: skip
    """One woman says how it went. The first to do so ends the introduction (the volunteer then rests);
    a mother who would like another contact goes back to the nurses' queue with the same request details."""
    from .conversations import side_of
    from .services import introduction_end

    with transaction.atomic():
        intro = Introduction.objects.select_related("peer_request", "volunteer").get(pk=introduction.pk)
        side = side_of(by, intro)
        if side is None:
            raise Introduction.DoesNotExist
        if intro.status not in (Introduction.Status.ACCEPTED, Introduction.Status.ENDED):
            raise ValidationError(CANNOT_END_HERE.format(status=intro.get_status_display()))
        if intro.status == Introduction.Status.ACCEPTED:
            introduction_end(by=by, introduction=intro, feedback="")
        is_mother = side == Message.Side.MOTHER
        try:
            with transaction.atomic():
                ending = Ending.objects.create(
                    introduction=intro,
                    side=side,
                    rating=rating,
                    comment=comment.strip(),
                    wants_another=wants_another and is_mother,
                    hours_given=None if is_mother else hours_given,
                )
        except IntegrityError:
            raise ValidationError(ALREADY_ENDED_BY_HER)
        ending.safety = words_screen(ending.comment, peer_request=intro.peer_request, introduction=intro)
        if ending.safety:
            ending.save(update_fields=["safety"])
        audit_record(action="peers.ending_recorded", actor=by, target=ending, rating=rating)
        new_request = _another_contact(intro, ending) if ending.wants_another else None
    return Ended(ending=ending, new_request=new_request)


def _another_contact(intro: Introduction, ending: Ending) -> PeerRequest | None:
    """Her request again, waiting for a nurse: she does not start again."""
    from .services import REQUEST_FIELDS, _tell_nurses

    old = PeerRequest.objects.select_for_update().get(pk=intro.peer_request_id)
    if (
        old.mother_id
        and PeerRequest.objects.filter(
            mother_id=old.mother_id, status__in=[*PeerRequest.OPEN, PeerRequest.Status.INTRODUCED]
        ).exists()
    ):
        return None
    new = PeerRequest(
        mother_id=old.mother_id,
        consent_nurses_read=True,
        consent_share_details=True,
        consent_recorded_by=old.consent_recorded_by,
        source_enquiry_id=old.source_enquiry_id,
    )
    for name in REQUEST_FIELDS:
        setattr(new, name, getattr(old, name))
    new.full_clean()
    new.save()
    audit_record(action="peers.request_again", target=new, previous_request_id=old.pk, rating=ending.rating)
    if ending.rating <= POOR_RATING:
        notice = gettext(
            "The mother of request %(old)s would like another contact after a poor ending: "
            "her new request is %(new)s (do not ask V-%(volunteer)s again)."
        )
    else:
        notice = gettext(
            "The mother of request %(old)s would like another contact: "
            "her new request is %(new)s (do not ask V-%(volunteer)s again)."
        )
    _tell_nurses(
        notice=notice % {"old": old.reference, "new": new.reference, "volunteer": intro.volunteer_id},
        peer_request=new,
        task_kind=NurseTask.Kind.ANOTHER_CONTACT,
        introduction=intro,
    )
    return new


@dataclass(frozen=True)
class VolunteerRecord:
    introductions: int
    ended: int
    ended_well: int  # the mother rated it 4 or 5
    average_rating: float | None
    hours_given: int


def volunteer_record(profile: VolunteerProfile) -> VolunteerRecord:
    """For the nurses: her introductions, how many ended well by the mothers' ratings, hours she gave."""
    intros = profile.introductions.filter(
        status__in=(Introduction.Status.ACCEPTED, Introduction.Status.ENDED)
    ).aggregate(total=Count("id"), ended=Count("id", filter=Q(status=Introduction.Status.ENDED)))
    by_mothers = Ending.objects.filter(introduction__volunteer=profile, side=Message.Side.MOTHER).aggregate(
        well=Count("id", filter=Q(rating__gte=4)), average=Avg("rating")
    )
    hours = Ending.objects.filter(introduction__volunteer=profile, side=Message.Side.VOLUNTEER).aggregate(
        hours=Sum("hours_given")
    )
    average = by_mothers["average"]
    return VolunteerRecord(
        introductions=intros["total"],
        ended=intros["ended"],
        ended_well=by_mothers["well"],
        average_rating=round(average, 1) if average is not None else None,
        hours_given=hours["hours"] or 0,
    )


@dataclass(frozen=True)
class QuarterOfEndings:
    quarter: str  # "2026 Q4"
    told: int  # mothers who said how it went
    ended_well: int  # of those, 4 or 5 out of 5
    average_rating: float | None
    wanted_another: int
    volunteer_hours: int


def _ending_figures() -> dict:
    """How endings are counted, in one place: per quarter here, over any dates for the funder report."""
    mothers = Q(side=Message.Side.MOTHER)
    return {
        "told": Count("id", filter=mothers),
        "well": Count("id", filter=mothers & Q(rating__gte=4)),
        "average": Avg("rating", filter=mothers),
        "another": Count("id", filter=mothers & Q(wants_another=True)),
        "hours": Sum("hours_given", filter=Q(side=Message.Side.VOLUNTEER)),
    }


def _quarter_of_endings(quarter: str, row: dict) -> QuarterOfEndings:
    return QuarterOfEndings(
        quarter=quarter,
        told=row["told"],
        ended_well=row["well"],
        average_rating=round(row["average"], 1) if row["average"] is not None else None,
        wanted_another=row["another"],
        volunteer_hours=row["hours"] or 0,
    )


def endings_by_quarter() -> list[QuarterOfEndings]:
    """How introductions ended, by the quarter the ending was written in, newest first: counts only."""
    from django.db.models.functions import ExtractQuarter, ExtractYear

    rows = (
        Ending.objects.annotate(year=ExtractYear("created_at"), q=ExtractQuarter("created_at"))
        .values("year", "q")
        .annotate(**_ending_figures())
        .order_by("-year", "-q")
    )
    return [_quarter_of_endings(f"{row['year']} Q{row['q']}", row) for row in rows]


def endings_between(*, start: datetime, end: datetime, label: str) -> QuarterOfEndings:
    """The same figures for the endings written from `start` up to (not including) `end`."""
    row = Ending.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(**_ending_figures())
    return _quarter_of_endings(label, row)
