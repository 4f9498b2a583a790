"""Callbacks: scheduling, the reminder to the assigned nurse when due (and not before), and overdue flags."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpline import services
from helpline.models import Callback, EnquiryEvent, Status
from helpline.tasks import callback_reminders_task
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_nurse(db):
    return make_user("nina@example.org", role="nurse", mfa=True, first_name="Nina")


def schedule(enquiry, nurse, assignee, hours=2):
    return services.callback_schedule(
        enquiry=enquiry,
        by=nurse,
        due_at=timezone.now() + timedelta(hours=hours),
        assigned_to=assignee,
        note="Ring after 10",
    )


def test_scheduling_a_callback_records_it_and_moves_the_enquiry_on(nurse, enquiry, other_nurse):
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")

    callback = schedule(enquiry, nurse, other_nurse)

    enquiry.refresh_from_db()
    assert enquiry.status == Status.AWAITING_CALLBACK
    assert enquiry.next_callback_at == callback.due_at
    event = enquiry.events.get(kind=EnquiryEvent.Kind.CALLBACK_SCHEDULED)
    assert "by Nina: Ring after 10" in event.text


def test_the_reminder_goes_to_the_assigned_nurse_when_due_and_not_before(
    nurse, enquiry, other_nurse, django_capture_on_commit_callbacks
):
    callback = schedule(enquiry, nurse, other_nurse, hours=2)

    with time_machine.travel(callback.due_at - timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        assert callback_reminders_task() == 0
    assert mail.outbox == []

    with time_machine.travel(callback.due_at + timedelta(seconds=30)), django_capture_on_commit_callbacks(execute=True):
        assert callback_reminders_task() == 1
    assert len(mail.outbox) == 1
    reminder = mail.outbox[0]
    assert reminder.to == ["nina@example.org"]
    assert enquiry.reference in reminder.subject
    assert f"http://127.0.0.1:8000/helpline/enquiries/{enquiry.pk}/" in reminder.body
    assert "Harriet" not in reminder.body and "vertebrae" not in reminder.body

    # The next run (a minute later) does not remind again.
    with time_machine.travel(callback.due_at + timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        assert callback_reminders_task() == 0
    assert len(mail.outbox) == 1
    callback.refresh_from_db()
    assert callback.reminder_sent_at is not None


def test_no_reminder_for_a_callback_already_made(nurse, enquiry, django_capture_on_commit_callbacks):
    callback = schedule(enquiry, nurse, nurse, hours=1)
    services.callback_complete(callback=callback, by=nurse, note="Spoke to her")

    with time_machine.travel(callback.due_at + timedelta(minutes=5)), django_capture_on_commit_callbacks(execute=True):
        assert callback_reminders_task() == 0
    assert mail.outbox == []


def test_making_the_callback_clears_the_overdue_flag_and_joins_the_timeline(nurse_client, nurse, enquiry):
    callback = schedule(enquiry, nurse, nurse, hours=1)
    with time_machine.travel(callback.due_at + timedelta(hours=1)):
        enquiry.refresh_from_db()
        assert enquiry.is_overdue

        nurse_client.force_login(nurse)  # an hour later her earlier session has timed out
        response = nurse_client.post(
            f"/helpline/enquiries/{enquiry.pk}/callbacks/{callback.pk}/done/", {"note": "Spoke to her"}
        )

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.next_callback_at, enquiry.is_overdue) == (None, False)
    assert enquiry.events.get(kind=EnquiryEvent.Kind.CALLBACK_DONE).text == "Spoke to her"


def test_the_next_callback_moves_to_the_earliest_one_not_made(nurse, enquiry):
    first = schedule(enquiry, nurse, nurse, hours=1)
    second = schedule(enquiry, nurse, nurse, hours=5)
    services.callback_complete(callback=first, by=nurse)
    enquiry.refresh_from_db()
    assert enquiry.next_callback_at == second.due_at


def test_a_callback_cannot_be_made_twice(nurse, enquiry):
    callback = schedule(enquiry, nurse, nurse)
    services.callback_complete(callback=callback, by=nurse)
    with pytest.raises(ValidationError) as error:
        services.callback_complete(callback=callback, by=nurse)
    assert error.value.messages == [services.CALLBACK_ALREADY_DONE]


def test_a_callback_in_the_past_is_refused_next_to_the_field(nurse_client, nurse, enquiry):
    response = nurse_client.post(
        f"/helpline/enquiries/{enquiry.pk}/callbacks/", {"due_at": "2020-01-01T10:00", "assigned_to": nurse.pk}
    )
    assert response.status_code == 400
    assert f'<a href="#id_due_at">{services.CALLBACK_IN_PAST}</a>' in response.content.decode()
    assert not Callback.objects.exists()


def test_a_callback_is_scheduled_through_the_page(nurse_client, nurse, enquiry, other_nurse):
    due = timezone.localtime() + timedelta(days=1)
    response = nurse_client.post(
        f"/helpline/enquiries/{enquiry.pk}/callbacks/",
        {"due_at": due.strftime("%Y-%m-%dT%H:%M"), "assigned_to": other_nurse.pk, "note": ""},
    )
    assert response.status_code == 302
    assert Callback.objects.get().assigned_to == other_nurse


def test_a_callback_cannot_go_to_someone_who_is_not_a_nurse(nurse, enquiry, mother):
    with pytest.raises(ValidationError):
        schedule(enquiry, nurse, mother)


def test_a_closed_enquiry_takes_no_new_callbacks(nurse, enquiry):
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="signposted")
    with pytest.raises(ValidationError) as error:
        schedule(enquiry, nurse, nurse)
    assert error.value.messages == [services.ENQUIRY_CLOSED]


def test_the_beat_schedule_runs_reminders_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["helpline-callback-reminders"]
    assert (entry["task"], entry["schedule"]) == ("helpline.callback_reminders", 60.0)
    assert callback_reminders_task.name == "helpline.callback_reminders"
