"""Callbacks she books: slots from the rota, only inside her safe times, a confirmation with a calendar
file, a signed link to move or cancel, and the nurses' day view."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from icalendar import Calendar

from helpline import callback_slots as slots
from helpline import callback_views
from helpline.models import Callback, CallbackBooking, CallbackSlot, DutyShift, Enquiry, Urgency
from portal.models import AuditEntry, OutboundEmail

from .conftest import ask_data, make_enquiry

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Monday morning, before the helpline opens: every slot below is in the future.
NOW = datetime(2026, 12, 14, 7, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def at(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def make_slot(nurse, hour: int, minute: int = 0, day: int = 14) -> CallbackSlot:
    return CallbackSlot.objects.create(
        nurse=nurse, starts_at=at(hour, minute, day), ends_at=at(hour, minute, day) + timedelta(minutes=30)
    )


def her_enquiry(nurse, periods=("morning",), **overrides) -> Enquiry:
    enquiry = make_enquiry(nurse, **overrides)
    Enquiry.objects.filter(pk=enquiry.pk).update(safe_call_periods=list(periods))
    enquiry.refresh_from_db()
    return enquiry


def calendar_of(message) -> Calendar:
    (name, content, content_type), *_ = message.attachments
    assert (name, content_type) == ("callback.ics", "text/calendar")
    return Calendar.from_ical(content)


# ---------------------------------------------------------------- after asking
def test_after_asking_she_chooses_her_safe_times_then_books_a_slot_inside_them(
    client, nurse, django_capture_on_commit_callbacks
):
    morning, afternoon = make_slot(nurse, 10), make_slot(nurse, 14)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/helpline/ask/", ask_data(phone="07700 900456"))
    thanks = client.get("/helpline/ask/thank-you/").content.decode()
    assert 'href="/helpline/ask/thank-you/callback/"' in thanks

    first = client.get("/helpline/ask/thank-you/callback/").content.decode()
    assert "When is it safe to ring you?" in first and 'value="book"' not in first
    response = client.post("/helpline/ask/thank-you/callback/", {"action": "periods", "periods": ["morning"]})
    assert response.status_code == 302
    page = client.get("/helpline/ask/thank-you/callback/").content.decode()
    assert "Monday 14 December, 10:00 to 10:30" in page
    assert "14:00" not in page  # the afternoon is not safe for her, so it is never offered

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/helpline/ask/thank-you/callback/", {"action": "book", "slot": morning.pk}, follow=True)
    assert "Your call is booked: a nurse will ring you on Monday 14 December, 10:00 to 10:30." in (
        response.content.decode()
    )
    booking = CallbackBooking.objects.get()
    assert (booking.slot, booking.is_active) == (morning, True)
    # The nurse's side: a callback at that time, for the slot's nurse, and the enquiry waits for it.
    callback = Callback.objects.get()
    assert (callback.due_at, callback.assigned_to, booking.callback) == (morning.starts_at, nurse, callback)
    enquiry = booking.enquiry
    assert enquiry.next_callback_at == morning.starts_at
    assert afternoon.bookings.count() == 0

    (message,) = mail.outbox
    assert message.to == ["priya@example.net"]
    assert "10:00" in message.subject
    event = calendar_of(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == morning.starts_at
    assert event.decoded("dtend") == morning.ends_at
    assert enquiry.reference in str(event["description"])
    # A calendar is often shared: her name, number and question are not in it.
    ics_text = str(message.attachments[0][1])
    assert "Priya" not in ics_text and "900456" not in ics_text and "alendronate" not in ics_text
    assert OutboundEmail.objects.get(template="helpline/email/callback_booked").attachments.count() == 1


def test_any_time_stays_as_before_and_choosing_no_part_of_the_day_is_a_clear_error(client, nurse):
    client.post("/helpline/ask/", ask_data(phone="07700 900456"))
    response = client.post("/helpline/ask/thank-you/callback/", {"action": "periods"})
    assert response.status_code == 400
    assert str(slots.PERIODS_REQUIRED) in response.content.decode()
    assert "a nurse will ring you when she can" in response.content.decode()
    assert Enquiry.objects.get().safe_call_periods == []


def test_without_a_question_sent_in_this_session_there_is_nothing_to_book(client):
    assert client.get("/helpline/ask/thank-you/callback/")["Location"] == "/helpline/ask/"


def test_a_slot_outside_her_safe_times_is_refused_even_when_posted_directly(client, nurse):
    client.post("/helpline/ask/", ask_data(phone="07700 900456"))
    client.post("/helpline/ask/thank-you/callback/", {"action": "periods", "periods": ["evening"]})
    morning = make_slot(nurse, 10)
    response = client.post("/helpline/ask/thank-you/callback/", {"action": "book", "slot": morning.pk})
    assert response.status_code == 400
    assert str(slots.SLOT_GONE) in response.content.decode()
    assert CallbackBooking.objects.count() == 0

    with pytest.raises(ValidationError) as refused:
        slots.booking_make(enquiry=Enquiry.objects.get(), slot=morning)
    assert refused.value.message_dict == {"slot": [slots.SLOT_NOT_SAFE]}


def test_she_is_offered_no_slot_without_a_number_we_may_ring_or_in_a_crisis(nurse):
    make_slot(nurse, 10)
    assert slots.slots_for(her_enquiry(nurse)) != []
    assert slots.slots_for(her_enquiry(nurse, phone="", consent_phone=False)) == []
    assert slots.slots_for(her_enquiry(nurse, urgency=Urgency.CRISIS)) == []
    assert slots.slots_for(her_enquiry(nurse, periods=())) == []


def test_a_slot_taken_a_moment_ago_gets_a_clear_message_and_she_is_offered_the_rest(client, nurse):
    first, second = make_slot(nurse, 10), make_slot(nurse, 11)
    client.post("/helpline/ask/", ask_data(phone="07700 900456"))
    client.post("/helpline/ask/thank-you/callback/", {"action": "periods", "periods": ["morning"]})
    page = client.get("/helpline/ask/thank-you/callback/")  # she sees 10:00 free...
    assert "10:00 to 10:30" in page.content.decode()
    slots.booking_make(enquiry=her_enquiry(nurse), slot=first)  # ...and someone else books it
    response = client.post("/helpline/ask/thank-you/callback/", {"action": "book", "slot": first.pk})
    assert response.status_code == 400
    assert str(slots.SLOT_GONE) in response.content.decode() or str(slots.SLOT_TAKEN) in response.content.decode()
    assert "11:00 to 11:30" in response.content.decode()
    assert second.bookings.count() == 0
    assert first.bookings.count() == 1


def test_the_database_refuses_a_second_active_booking_of_one_slot(nurse):
    slot = make_slot(nurse, 10)
    CallbackBooking.objects.create(slot=slot, enquiry=her_enquiry(nurse))
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackBooking.objects.create(slot=slot, enquiry=her_enquiry(nurse))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_women_booking_one_slot_at_the_same_moment_never_both_get_it(nurse):
    assert connection.vendor == "postgresql"
    slot = make_slot(nurse, 10)
    enquiries = [her_enquiry(nurse), her_enquiry(nurse, email="other@example.net")]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(enquiry):
        try:
            barrier.wait()
            slots.booking_make(enquiry=enquiry, slot=slot)
            results.append("booked")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(e,)) for e in enquiries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == sorted(["booked", slots.SLOT_TAKEN])
    assert CallbackBooking.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 1
    # The one who missed out has no callback promised to her either.
    assert Callback.objects.count() == 1


# ---------------------------------------------------------------- in her account
def test_in_her_account_she_books_for_her_own_question_only(client, nurse, mother, other_mother):
    make_slot(nurse, 10)
    enquiry = her_enquiry(nurse)
    Enquiry.objects.filter(pk=enquiry.pk).update(user=mother)
    client.force_login(other_mother)
    assert client.get(f"/helpline/my-enquiries/{enquiry.pk}/callback/").status_code == 404
    client.force_login(mother)
    assert (
        "Choose a time for a nurse to ring you" in client.get(f"/helpline/my-enquiries/{enquiry.pk}/").content.decode()
    )
    slot = CallbackSlot.objects.get()
    response = client.post(f"/helpline/my-enquiries/{enquiry.pk}/callback/", {"action": "book", "slot": slot.pk})
    assert response.status_code == 302
    assert CallbackBooking.objects.get().enquiry == enquiry
    assert AuditEntry.objects.filter(action="callback.booked", actor=mother).count() == 1


# ---------------------------------------------------------------- the signed link
@pytest.fixture
def booked(nurse, django_capture_on_commit_callbacks):
    make_slot(nurse, 10), make_slot(nurse, 11)
    with django_capture_on_commit_callbacks(execute=True):
        booking = slots.booking_make(enquiry=her_enquiry(nurse), slot=CallbackSlot.objects.get(starts_at=at(10)))
    return booking


def test_the_link_in_her_email_opens_her_booking_and_holds_no_personal_data(client, booked):
    (message,) = mail.outbox
    link = slots.manage_path(booked)
    assert link in message.body
    assert "harriet" not in link.lower() and "900123" not in link and booked.enquiry.reference not in link
    page = client.get(link).content.decode()
    assert "Monday 14 December, 10:00 to 10:30" in page
    assert "Cancel the call" in page and "11:00 to 11:30" in page


def test_she_moves_her_call_from_the_link_and_gets_a_new_confirmation(
    client, booked, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    later = CallbackSlot.objects.get(starts_at=at(11))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(slots.manage_path(booked), {"action": "move", "slot": later.pk}, follow=True)
    assert "Your call has been moved: a nurse will ring you on Monday 14 December, 11:00 to 11:30." in (
        response.content.decode()
    )
    booked.refresh_from_db()
    assert (booked.is_active, booked.ended) == (False, CallbackBooking.Ended.MOVED)
    new = CallbackBooking.objects.get(cancelled_at__isnull=True)
    assert new.slot == later
    # One callback, at the new time; the old slot is free for someone else.
    assert list(Callback.objects.values_list("due_at", flat=True)) == [later.starts_at]
    assert CallbackSlot.objects.get(starts_at=at(10)) in slots.free_slots()
    (message,) = mail.outbox
    event = calendar_of(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == later.starts_at
    # The old link now says the call moved, and changes nothing.
    old = client.post(slots.manage_path(booked), {"action": "cancel"}, follow=True).content.decode()
    assert str(slots.BOOKING_ENDED) in old
    assert new.__class__.objects.get(pk=new.pk).is_active


def test_she_cancels_from_the_link_the_slot_is_freed_and_the_calendar_entry_removed(
    client, booked, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(slots.manage_path(booked), {"action": "cancel"}, follow=True)
    assert "Your call has been cancelled." in response.content.decode()
    booked.refresh_from_db()
    assert (booked.is_active, booked.ended) == (False, CallbackBooking.Ended.CANCELLED)
    assert Callback.objects.count() == 0
    booked.enquiry.refresh_from_db()
    assert booked.enquiry.next_callback_at is None
    (message,) = mail.outbox
    calendar = calendar_of(message)
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_a_tampered_link_gets_a_clear_message_and_changes_nothing(client, booked):
    link = slots.manage_path(booked)
    tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]
    for url in (tampered, "/helpline/call/not-a-token/"):
        response = client.post(url, {"action": "cancel"})
        assert response.status_code == 400
        assert str(callback_views.LINK_INVALID) in response.content.decode()
    booked.refresh_from_db()
    assert booked.is_active and Callback.objects.count() == 1


def test_an_expired_link_gets_a_clear_message_and_changes_nothing(client, booked):
    link = slots.manage_path(booked)
    with time_machine.travel(NOW + slots.LINK_MAX_AGE + timedelta(minutes=1), tick=False):
        response = client.post(link, {"action": "cancel"})
    assert response.status_code == 400
    assert str(callback_views.LINK_EXPIRED) in response.content.decode()
    booked.refresh_from_db()
    assert booked.is_active


def test_once_the_call_is_due_it_can_no_longer_be_changed_online(client, booked):
    with time_machine.travel(at(10, 5), tick=False):
        page = client.get(slots.manage_path(booked)).content.decode()
        assert "Cancel the call" not in page
        with pytest.raises(ValidationError, match="can no longer be changed"):
            slots.booking_cancel(booking=booked)
    booked.refresh_from_db()
    assert booked.is_active


# ---------------------------------------------------------------- nurses
def test_nurses_publish_slots_from_the_rota_inside_the_opening_hours(nurse_client, nurse):
    # On duty 08:00 to 11:00; the helpline opens at 9: slots 9:00 to 11:00 only.
    DutyShift.objects.create(nurse=nurse, starts_at=at(8), ends_at=at(11))
    response = nurse_client.post("/helpline/calls/publish/", follow=True)
    assert "4 new callback slots published from the rota" in response.content.decode()
    assert [s.starts_at for s in CallbackSlot.objects.all()] == [at(9), at(9, 30), at(10), at(10, 30)]
    assert slots.slots_publish(by=nurse, first_day=NOW.date()) == 0  # safe to run again


def test_the_day_view_lists_the_calls_due_and_is_audited(nurse_client, nurse, booked):
    page = nurse_client.get("/helpline/calls/?day=2026-12-14").content.decode()
    assert booked.enquiry.reference in page
    assert "10:00–10:30" in page
    assert "Do not leave a message" in page
    assert "Harriet" not in page
    assert AuditEntry.objects.filter(action="callbacks.day_viewed").count() == 1
    other_day = nurse_client.get("/helpline/calls/?day=2026-12-15").content.decode()
    assert booked.enquiry.reference not in other_day
    assert nurse_client.get("/helpline/calls/?day=garbage").status_code == 400


def test_a_booked_call_shows_on_the_enquiry_as_the_nurse_callback(nurse_client, booked):
    page = nurse_client.get(f"/helpline/enquiries/{booked.enquiry.pk}/").content.decode()
    assert "She booked this time herself." in page


def test_the_daily_command_publishes_slots_from_the_rota(nurse):
    from io import StringIO

    from django.core.management import call_command

    DutyShift.objects.create(nurse=nurse, starts_at=at(16), ends_at=at(18))
    out = StringIO()
    call_command("callback_slots_publish", days=1, stdout=out)
    assert out.getvalue().strip() == "2 new callback slots published."
    assert [s.starts_at for s in CallbackSlot.objects.all()] == [at(16), at(16, 30)]


def test_beat_publishes_slots_every_hour_so_a_new_shift_is_bookable_without_a_button(nurse, settings):
    from helpline.tasks import publish_callback_slots_task

    assert settings.CELERY_BEAT_SCHEDULE["helpline-callback-slots"] == {
        "task": "helpline.publish_callback_slots",
        "schedule": 3600.0,
    }
    DutyShift.objects.create(nurse=nurse, starts_at=at(16), ends_at=at(18))
    assert publish_callback_slots_task() == 2
    assert publish_callback_slots_task() == 0
