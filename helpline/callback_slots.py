"""Callbacks she books herself: the slots nurses publish from the rota, and her booking, moving and cancelling.

A slot is a time a nurse on duty sets aside to ring someone. She sees only the
free slots that lie wholly inside the parts of the day she said it is safe to
ring her (`Enquiry.safe_call_periods`), and only when she gave a number we may
ring. "Any time", as before, is simply not booking: the nurses ring when they can.

A slot is never given twice: the partial unique constraint on an active booking
(`hl_booking_slot_once`) lets only one of two simultaneous bookings commit, and
the other gets SLOT_TAKEN. Each booking makes the nurse's `Callback`, so the
reminder, the overdue flag and "callback made" work as for a callback a nurse
promised on the phone; cancelling removes it.

Her confirmation goes through the outbox with a calendar file (helpline.ics) and a
signed link to move or cancel (helpline.callback_views). The link carries the
booking's id only, signed and dated: no personal data in the URL.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import hours
from portal.audit import audit_record
from portal.models import OutboundEmail, User
from portal.outbox import email_queue

from . import ics
from .models import (
    OPEN_STATUSES,
    Callback,
    CallbackBooking,
    CallbackSlot,
    DutyShift,
    Enquiry,
    EnquiryEvent,
    SafeCallPeriod,
)
from .services import _lock, _record, _refresh_next_callback, callback_schedule
from .signed_links import LinkInvalid, link_data
from .triage import ALARM_LEVELS

logger = logging.getLogger(__name__)

SLOT_MINUTES = 30
# She books at least this far ahead, so the nurse sees it on her day view before the call.
BOOKING_LEAD = timedelta(hours=1)
# How far ahead slots are offered and published.
BOOKING_HORIZON_DAYS = 14
# How long a move-or-cancel link works (it also stops working once the call's time has come).
LINK_MAX_AGE = timedelta(days=BOOKING_HORIZON_DAYS + 7)
LINK_SALT = "helpline.callback-booking"

PERIOD_HOURS = {
    SafeCallPeriod.MORNING: (time(8), time(12)),
    SafeCallPeriod.AFTERNOON: (time(12), time(17)),
    SafeCallPeriod.EVENING: (time(17), time(21)),
}

SLOT_TAKEN = _("Sorry, someone has just booked that time. Please choose another.")
SLOT_NOT_SAFE = _("That time is outside the times you said it is safe to ring you. Please choose another.")
SLOT_GONE = _("That time is no longer available. Please choose another.")
NO_PHONE = _("We have no phone number we may ring for this question, so a call cannot be booked.")
ENQUIRY_NOT_OPEN = _("This question is closed, so a call cannot be booked. You can ask a new question.")
ALREADY_BOOKED = _("A call is already booked for this question. Move or cancel it instead.")
BOOKING_ENDED = _("This call has already been cancelled or moved, so it cannot be changed.")
TOO_LATE = _("The time of this call has come, so it can no longer be changed online. Please ring the helpline.")
PERIODS_REQUIRED = _("Choose at least one part of the day when it is safe to ring you.")


# ---------------------------------------------------------------- what she may book
def slot_is_safe(slot: CallbackSlot, periods: list[str]) -> bool:
    """Whether the slot lies wholly inside one of the parts of the day she chose (local time)."""
    starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    if starts.date() != ends.date() and ends.time() != time(0):
        return False
    for period in periods:
        opens, closes = PERIOD_HOURS.get(period, (None, None))
        if opens is not None and opens <= starts.time() and ends.time() <= closes and ends.date() == starts.date():
            return True
    return False


def can_book(enquiry: Enquiry) -> bool:
    """A number we may ring, an open enquiry not yet anonymised, and not an emergency or a crisis.

    An emergency or crisis is rung as soon as a nurse can (the alert is already out):
    offering her a slot later in the week could only delay that call.
    """
    return bool(
        enquiry.phone
        and enquiry.consent_phone
        and enquiry.status in OPEN_STATUSES
        and not enquiry.anonymised_at
        and enquiry.urgency not in ALARM_LEVELS
    )


def free_slots(*, now: datetime | None = None) -> QuerySet[CallbackSlot]:
    """Slots nobody has booked, from BOOKING_LEAD ahead to the horizon, soonest first."""
    now = now or timezone.now()
    booked = CallbackBooking.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True)
    return CallbackSlot.objects.filter(
        starts_at__gte=now + BOOKING_LEAD, starts_at__lt=now + timedelta(days=BOOKING_HORIZON_DAYS)
    ).exclude(Exists(booked))


def slots_for(enquiry: Enquiry, *, now: datetime | None = None) -> list[CallbackSlot]:
    """The free slots she may be offered: none unless she may be rung, and only inside her safe times.

    One slot per time: she chooses when, not which nurse.
    """
    if not can_book(enquiry) or not enquiry.safe_call_periods:
        return []
    offered, seen = [], set()
    for slot in free_slots(now=now):
        if slot.starts_at not in seen and slot_is_safe(slot, enquiry.safe_call_periods):
            seen.add(slot.starts_at)
            offered.append(slot)
    return offered


def active_booking(enquiry: Enquiry) -> CallbackBooking | None:
    return CallbackBooking.objects.select_related("slot").filter(enquiry=enquiry, cancelled_at__isnull=True).first()


# ---------------------------------------------------------------- her actions
def safe_call_periods_set(*, enquiry: Enquiry, periods: list[str]) -> Enquiry:
    """Record the parts of the day she says it is safe to ring her."""
    periods = [p for p in SafeCallPeriod.values if p in periods]
    if not periods:
        raise ValidationError({"periods": PERIODS_REQUIRED})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        enquiry.safe_call_periods = periods
        enquiry.save(update_fields=["safe_call_periods"])
        _record(enquiry, by=None, kind=EnquiryEvent.Kind.NOTE, text=f"Safe to ring her: {', '.join(periods)}.")
    return enquiry


def _guard_bookable(enquiry: Enquiry, slot: CallbackSlot, *, now: datetime) -> None:
    if enquiry.status not in OPEN_STATUSES or enquiry.anonymised_at:
        raise ValidationError(ENQUIRY_NOT_OPEN)
    if not can_book(enquiry):
        raise ValidationError(NO_PHONE)
    if not slot_is_safe(slot, enquiry.safe_call_periods):
        raise ValidationError({"slot": SLOT_NOT_SAFE})
    if slot.starts_at < now + BOOKING_LEAD:
        raise ValidationError({"slot": SLOT_GONE})


def _book(enquiry: Enquiry, slot: CallbackSlot, *, by: User | None, now: datetime) -> CallbackBooking:
    """Insert the booking (the constraint decides who gets the slot), then the nurse's callback."""
    try:
        with transaction.atomic():
            booking = CallbackBooking.objects.create(slot=slot, enquiry=enquiry, booked_at=now)
    except IntegrityError:
        # Either the slot went to someone else a moment ago, or this enquiry has a call already.
        if CallbackBooking.objects.filter(enquiry=enquiry, cancelled_at__isnull=True).exists():
            raise ValidationError(ALREADY_BOOKED) from None
        raise ValidationError({"slot": SLOT_TAKEN}) from None
    booking.callback = callback_schedule(
        enquiry=enquiry, by=None, due_at=slot.starts_at, assigned_to=slot.nurse, note="She booked this time herself."
    )
    booking.save(update_fields=["callback"])
    audit_record(action="callback.booked", actor=by, target=enquiry, booking=booking.pk, slot=slot.pk)
    return booking


def _end(booking: CallbackBooking, *, ended: str, now: datetime) -> None:
    booking.cancelled_at = now
    booking.ended = ended
    booking.save(update_fields=["cancelled_at", "ended"])
    if booking.callback_id:
        Callback.objects.filter(pk=booking.callback_id, done_at__isnull=True).delete()
        _refresh_next_callback(booking.enquiry)


def booking_make(*, enquiry: Enquiry, slot: CallbackSlot, by: User | None = None) -> CallbackBooking:
    """She books a slot: the nurse's callback is made, and she is emailed a confirmation if she may be."""
    now = timezone.now()
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_bookable(enquiry, slot, now=now)
        if active_booking(enquiry) is not None:
            raise ValidationError(ALREADY_BOOKED)
        booking = _book(enquiry, slot, by=by, now=now)
        _confirm(booking, enquiry=enquiry)
    return booking


def booking_move(*, booking: CallbackBooking, slot: CallbackSlot, by: User | None = None) -> CallbackBooking:
    """She moves her call to another slot: the old one is freed, the new one booked, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        enquiry = _lock(booking.enquiry)
        booking = CallbackBooking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
        _guard_changeable(booking, now=now)
        _guard_bookable(enquiry, slot, now=now)
        _end(booking, ended=CallbackBooking.Ended.MOVED, now=now)
        new = _book(enquiry, slot, by=by, now=now)
        _record(enquiry, by=None, kind=EnquiryEvent.Kind.CALLBACK_CANCELLED, text="She moved her booked call.")
        _confirm(new, enquiry=enquiry, sequence=CallbackBooking.objects.filter(enquiry=enquiry).count() - 1)
    return new


def booking_cancel(*, booking: CallbackBooking, by: User | None = None) -> CallbackBooking:
    """She cancels her call: the slot is free again and the nurse's callback goes."""
    now = timezone.now()
    with transaction.atomic():
        enquiry = _lock(booking.enquiry)
        booking = CallbackBooking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
        _guard_changeable(booking, now=now)
        _end(booking, ended=CallbackBooking.Ended.CANCELLED, now=now)
        local = timezone.localtime(booking.slot.starts_at)
        _record(
            enquiry,
            by=None,
            kind=EnquiryEvent.Kind.CALLBACK_CANCELLED,
            text=f"She cancelled the call booked for {local:%a %d %b %Y %H:%M}.",
        )
        audit_record(action="callback.cancelled", actor=by, target=enquiry, booking=booking.pk)
        if enquiry.can_email:
            email_queue(
                to=enquiry.email,
                language=enquiry.interface_language,
                template="helpline/email/callback_cancelled",
                context={"reference": enquiry.reference, "starts_at": booking.slot.starts_at},
                about=enquiry,
                kind=OutboundEmail.Kind.TRANSACTIONAL,
                # A higher SEQUENCE than any confirmation sent for this enquiry's call, so calendars apply it.
                attachments=[_ics(booking, enquiry, cancelled=True, sequence=enquiry.callback_bookings.count())],
            )
    return booking


def _guard_changeable(booking: CallbackBooking, *, now: datetime) -> None:
    if not booking.is_active:
        raise ValidationError(BOOKING_ENDED)
    if booking.slot.starts_at <= now:
        raise ValidationError(TOO_LATE)


def _ics(booking: CallbackBooking, enquiry: Enquiry, *, cancelled: bool = False, sequence: int = 0):
    content = ics.callback_ics(
        uid=ics.booking_uid(enquiry.pk),
        starts_at=booking.slot.starts_at,
        ends_at=booking.slot.ends_at,
        reference=enquiry.reference,
        sequence=sequence,
        cancelled=cancelled,
    )
    return (ics.FILENAME, content, ics.CONTENT_TYPE)


def _confirm(booking: CallbackBooking, *, enquiry: Enquiry, sequence: int = 0) -> None:
    """Her confirmation, with the calendar file and the move-or-cancel link, when she may be emailed."""
    if not enquiry.can_email:
        return
    email_queue(
        to=enquiry.email,
        language=enquiry.interface_language,
        template="helpline/email/callback_booked",
        context={
            "reference": enquiry.reference,
            "starts_at": booking.slot.starts_at,
            "ends_at": booking.slot.ends_at,
            "manage_path": manage_path(booking),
            "safe_to_leave_message": enquiry.safe_to_leave_message,
        },
        about=enquiry,
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        attachments=[_ics(booking, enquiry, sequence=sequence)],
    )


# ---------------------------------------------------------------- the signed link
def booking_token(booking: CallbackBooking) -> str:
    return signing.dumps({"b": booking.pk}, salt=LINK_SALT, compress=True)


def manage_path(booking: CallbackBooking) -> str:
    return reverse("helpline:callback-manage", args=[booking_token(booking)])


def booking_from_token(token: str) -> CallbackBooking:
    """The booking a link names; LinkExpired or LinkInvalid (tampered, or no such booking) otherwise."""
    data = link_data(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    try:
        return CallbackBooking.objects.select_related("slot", "enquiry").get(pk=int(data["b"]))
    except (CallbackBooking.DoesNotExist, KeyError, TypeError, ValueError):
        raise LinkInvalid from None


# ---------------------------------------------------------------- nurses: slots from the rota
def slots_publish(*, by: User | None, first_day: date, days: int = BOOKING_HORIZON_DAYS) -> int:
    """Make SLOT_MINUTES slots for every nurse on the rota, inside the opening hours, from `first_day`.

    A slot lies wholly inside both a duty shift and the opening hours; slots that
    already exist are kept as they are (safe to run every day). Returns how many were made.
    """
    tz = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.combine(first_day, time()), tz)
    last = first + timedelta(days=days)
    shifts = list(DutyShift.objects.filter(starts_at__lt=last, ends_at__gt=first))
    made = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for span in hours.spans():
            if day.weekday() not in span.days:
                continue
            opens = timezone.make_aware(datetime.combine(day, span.opens), tz)
            closes = timezone.make_aware(datetime.combine(day, span.closes), tz)
            for shift in shifts:
                start, end = max(opens, shift.starts_at), min(closes, shift.ends_at)
                at = start
                while at + timedelta(minutes=SLOT_MINUTES) <= end:
                    made.append(
                        CallbackSlot(
                            nurse_id=shift.nurse_id,
                            starts_at=at,
                            ends_at=at + timedelta(minutes=SLOT_MINUTES),
                            created_by=by,
                        )
                    )
                    at += timedelta(minutes=SLOT_MINUTES)
    before = CallbackSlot.objects.count()
    CallbackSlot.objects.bulk_create(made, ignore_conflicts=True)
    count = CallbackSlot.objects.count() - before
    logger.info("callback slots published from the rota: %s new", count)
    return count


def calls_due(*, day: date) -> list[CallbackBooking]:
    """Booked calls on one local day, earliest first, for the nurses' day view."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time()), tz)
    return list(
        CallbackBooking.objects.filter(
            cancelled_at__isnull=True, slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1)
        )
        .select_related("slot", "slot__nurse", "enquiry", "callback")
        .order_by("slot__starts_at", "slot__nurse_id")
    )
