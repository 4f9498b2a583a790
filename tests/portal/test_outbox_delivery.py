"""Delivery against a real local SMTP server: once only, retries with backoff, failures with reasons."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.models import OutboundEmail
from portal.outbox import email_deliver, email_queue, emails_sweep, services
from portal.outbox.services import STALE_SENDING, retry_delay
from portal.tasks import email_deliver_task
from tests.workers import free_port, smtp_sink

pytestmark = pytest.mark.django_db

TEMPLATE = "portal/email/test_message"
Status = OutboundEmail.Status


@pytest.fixture
def smtp(settings):
    """Send through the SMTP backend to a scripted aiosmtpd sink; `smtp(replies)` starts it."""
    started = []

    def start(replies=()):
        context = smtp_sink(replies)
        sink, port = context.__enter__()
        started.append(context)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_TIMEOUT = 5
        return sink

    yield start
    for context in started:
        context.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _broker_not_paused():
    services._broker_down_until = 0.0
    yield
    services._broker_down_until = 0.0


def queue_now(django_capture_on_commit_callbacks, **kwargs) -> OutboundEmail:
    with django_capture_on_commit_callbacks(execute=True):
        message = email_queue(to="alice@example.org", template=TEMPLATE, **kwargs)
    message.refresh_from_db()
    return message


def test_the_same_task_run_twice_sends_once(smtp):
    sink = smtp()
    message = email_queue(to="alice@example.org", template=TEMPLATE)  # on_commit never runs in this test
    email_deliver_task.apply(args=(message.pk,))
    email_deliver_task.apply(args=(message.pk,))
    assert len(sink.messages) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1


def test_a_temporary_smtp_failure_is_retried_with_backoff_and_then_succeeds(smtp, django_capture_on_commit_callbacks):
    sink = smtp(["451 4.3.0 Mailbox busy, try again later"])
    before = timezone.now()
    message = queue_now(django_capture_on_commit_callbacks)
    assert message.status == Status.SCHEDULED
    assert message.attempts == 1
    assert message.last_error == (
        "The mail server asked us to try again later (SMTP 451: 4.3.0 Mailbox busy, try again later)."
    )
    # First retry: between half and all of the 60 s base delay.
    assert before + timedelta(seconds=30) <= message.send_after <= timezone.now() + timedelta(seconds=60)
    assert message.enqueued_at is None
    assert sink.messages == []

    assert emails_sweep() == 0  # not due yet
    with time_machine.travel(message.send_after + timedelta(seconds=1)):
        assert emails_sweep() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(sink.messages) == 1
    assert sink.answered == ["451 4.3.0 Mailbox busy, try again later", "250 2.0.0 Accepted"]


def test_a_permanent_failure_is_marked_failed_at_once_with_its_reason(smtp, django_capture_on_commit_callbacks):
    smtp(["550 5.1.1 No such mailbox here"])
    message = queue_now(django_capture_on_commit_callbacks)
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert message.last_error == "The mail server refused the message (SMTP 550: 5.1.1 No such mailbox here)."
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert emails_sweep() == 0  # nothing loops


def test_a_mail_server_that_is_not_listening_is_a_temporary_failure(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = queue_now(django_capture_on_commit_callbacks)
    assert message.status == Status.SCHEDULED
    assert message.last_error == "Could not reach the mail server (ConnectionRefusedError)."


def test_it_gives_up_after_the_last_attempt(smtp, settings):
    smtp(["421 4.7.0 Too busy"])
    message = email_queue(to="alice@example.org", template=TEMPLATE)
    OutboundEmail.objects.filter(pk=message.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS - 1)
    email_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert message.last_error == (
        "Gave up after 8 attempts. The mail server asked us to try again later (SMTP 421: 4.7.0 Too busy)."
    )


def test_retry_delays_double_with_jitter_up_to_a_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 60, 3600
    for attempts, ceiling in [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (8, 3600)]:
        delays = [retry_delay(attempts) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered, so retries after an outage spread out


@pytest.mark.parametrize(
    "address",
    [
        "alice@example.org\nBcc: x@example.com",
        '"x\x0cy:z"@example.org',  # a form feed in a quoted local part, which Django's EmailField accepts
    ],
)
def test_an_address_that_breaks_the_headers_fails_permanently(smtp, address):
    smtp()
    message = email_queue(to=address, template=TEMPLATE)
    email_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.last_error == "The address or a header is not valid, so the message cannot be sent."


def test_a_message_stuck_in_sending_after_a_crash_is_sent_again_by_the_sweeper(settings):
    settings.SITE_URL = "https://portal.example.org"
    message = email_queue(to="alice@example.org", template=TEMPLATE)
    crashed_at = timezone.now()
    OutboundEmail.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=crashed_at, attempts=1)

    with time_machine.travel(crashed_at + timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS - 5)):
        emails_sweep()  # a slow send is not a dead one
    message.refresh_from_db()
    assert message.status == Status.SENDING

    with time_machine.travel(crashed_at + timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS + 5)):
        assert emails_sweep() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id


def test_a_message_stuck_in_sending_on_its_last_attempt_is_failed(settings):
    message = email_queue(to="alice@example.org", template=TEMPLATE)
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1), attempts=settings.OUTBOX_MAX_ATTEMPTS
    )
    emails_sweep()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.last_error == f"Gave up after 8 attempts. {STALE_SENDING}"


def test_the_sweeper_republishes_lost_tasks_but_not_live_ones(settings, monkeypatch):
    published = []
    monkeypatch.setattr(email_deliver_task, "delay", lambda pk: published.append(pk))
    now = timezone.now()
    never = email_queue(to="a@example.org", template=TEMPLATE)
    OutboundEmail.objects.filter(pk=never.pk).update(enqueued_at=None)
    live = email_queue(to="b@example.org", template=TEMPLATE)  # published a moment ago
    lost = email_queue(to="c@example.org", template=TEMPLATE)
    OutboundEmail.objects.filter(pk=lost.pk).update(
        enqueued_at=now - timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS + 1)
    )
    assert emails_sweep() == 2
    assert sorted(published) == [never.pk, lost.pk]
    assert live.pk not in published
    # A second sweeper right after finds nothing to do.
    assert emails_sweep() == 0
    assert len(published) == 2


def test_a_broker_outage_never_fails_the_action_and_the_sweeper_catches_up(
    monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []

    def broker_down(pk):
        attempts.append(pk)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(email_deliver_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        first = email_queue(to="a@example.org", template=TEMPLATE)
    with django_capture_on_commit_callbacks(execute=True):
        second = email_queue(to="b@example.org", template=TEMPLATE)
    # The first action paid for one failed publish; the next did not try the broker at all.
    assert attempts == [first.pk]
    for message in (first, second):
        message.refresh_from_db()
        assert message.status == Status.SCHEDULED
        assert message.enqueued_at is None

    monkeypatch.undo()
    assert emails_sweep() == 2
    assert len(mail.outbox) == 2
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_an_attachment_is_kept_with_the_message_and_sent_on_every_attempt(smtp, django_capture_on_commit_callbacks):
    sink = smtp(["451 4.3.0 Mailbox busy, try again later"])
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    message = queue_now(django_capture_on_commit_callbacks, attachments=[("callback.ics", ics, "text/calendar")])
    assert message.status == Status.SCHEDULED and sink.messages == []
    with time_machine.travel(message.send_after + timedelta(seconds=1)):
        assert emails_sweep() == 1
    (sent,) = sink.messages
    (part,) = [p for p in sent.walk() if p.get_filename() == "callback.ics"]
    assert part.get_content_type() == "text/calendar"
    assert part.get_payload(decode=True).replace(b"\r\n", b"\n") == ics.replace(b"\r\n", b"\n")
