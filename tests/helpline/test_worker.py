"""The helpline's mail and beat tasks through the real Redis broker and a real Celery worker process."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpline import services
from helpline.models import Callback, Enquiry
from helpline.tasks import callback_reminders_task, closure_feedback_task
from portal.models import OutboundEmail
from portal.outbox import services as outbox_services
from portal.roles import Role
from tests.conftest import make_user
from tests.workers import publishing_to_broker, running_worker, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _broker_not_paused():
    outbox_services._broker_down_until = 0.0
    yield
    outbox_services._broker_down_until = 0.0


def test_a_web_question_is_acknowledged_by_the_worker_once(client, tmp_path):
    with publishing_to_broker(), running_worker(tmp_path) as worker:
        response = client.post(
            "/helpline/ask/",
            {"email": "asker@example.net", "topics": ["heparin"], "question": "Heparin and bones?", "consent": "on"},
        )
        assert response.status_code == 302
        mail = worker.wait_for_mail(1)
        wait_until(lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 1)

    assert [m["To"] for m in mail] == ["asker@example.net"]
    assert "HL-" in mail[0]["Subject"]


def test_the_beat_task_run_by_a_worker_reminds_the_nurse_once(tmp_path):
    nurse = make_user("nora@example.org", role=Role.NURSE, mfa=True)
    enquiry = services.enquiry_log(
        by=nurse, channel="phone", caller_type="self", topics=["pain"], urgency=3, summary="Back pain questions"
    )
    callback = services.callback_schedule(
        enquiry=enquiry, by=nurse, due_at=timezone.now() + timedelta(minutes=5), assigned_to=nurse
    )
    # Due now: move the promise into the past, as the clock would.
    Callback.objects.filter(pk=callback.pk).update(due_at=timezone.now() - timedelta(seconds=1))

    with publishing_to_broker(), running_worker(tmp_path) as worker:
        callback_reminders_task.delay()
        callback_reminders_task.delay()  # beat firing twice (or two beats) must not remind twice
        mail = worker.wait_for_mail(1)
        wait_until(lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 1)
        wait_until(lambda: "helpline.callback_reminders" in worker.log() and worker.log().count("succeeded") >= 3)

    assert [m["To"] for m in mail] == ["nora@example.org"]
    assert OutboundEmail.objects.count() == 1
    callback.refresh_from_db()
    assert callback.reminder_sent_at is not None


def test_the_feedback_sweep_run_twice_by_a_worker_sends_one_email(tmp_path):
    nurse = make_user("nora@example.org", role=Role.NURSE, mfa=True)
    enquiry = services.enquiry_log(
        by=nurse,
        channel="phone",
        caller_type="self",
        topics=["pain"],
        urgency=3,
        summary="Back pain questions",
        email="fay@example.net",
        consent_email=True,
        safe_to_email=True,
    )
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="information_given")
    # Closed two days ago, as the clock would have it by now.
    Enquiry.objects.filter(pk=enquiry.pk).update(closed_at=timezone.now() - timedelta(days=2, minutes=5))

    with publishing_to_broker(), running_worker(tmp_path) as worker:
        closure_feedback_task.delay()
        closure_feedback_task.delay()  # beat firing twice must not ask her twice
        mail = worker.wait_for_mail(1)
        wait_until(lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 1)
        wait_until(lambda: worker.log().count("helpline.closure_feedback") >= 2 and "succeeded" in worker.log())

    assert [m["To"] for m in mail] == ["fay@example.net"]
    assert OutboundEmail.objects.filter(template="helpline/email/closure_feedback").count() == 1
