"""The outbox against the real PostgreSQL, the real Redis and real worker processes."""

import os
import signal
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from portal.models import OutboundEmail
from portal.outbox import email_queue, emails_sweep, services
from portal.tasks import email_deliver_task
from tests.workers import (
    broker_unreachable,
    publishing_to_broker,
    running_worker,
    smtp_sink,
    wait_until,
    wait_until_idle,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TEMPLATE = "portal/email/test_message"
Status = OutboundEmail.Status


@pytest.fixture(autouse=True)
def _broker_not_paused():
    services._broker_down_until = 0.0
    yield
    services._broker_down_until = 0.0


def all_sent(count: int):
    return lambda: OutboundEmail.objects.filter(status=Status.SENT).count() == count


def smtp_env(port: int) -> dict:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "OUTBOX_RETRY_BASE_SECONDS": "1",
    }


def test_a_committed_action_sends_exactly_one_email_and_a_rolled_back_one_none(tmp_path):
    with publishing_to_broker(), running_worker(tmp_path) as worker:
        with pytest.raises(RuntimeError), transaction.atomic():
            email_queue(to="rolled.back@example.org", template=TEMPLATE)
            raise RuntimeError("the business action failed")
        with transaction.atomic():
            committed = email_queue(to="committed@example.org", template=TEMPLATE)
        worker.wait_for_mail(1)
        wait_until(all_sent(1))
        wait_until_idle(worker)  # by now any stray duplicate would have been sent
        mail = worker.sent_mail()
    assert [m["To"] for m in mail] == ["committed@example.org"]
    assert OutboundEmail.objects.get().pk == committed.pk


def test_tasks_published_three_times_to_two_workers_started_at_once_deliver_each_email_once(tmp_path):
    later = timezone.now() + timedelta(hours=1)
    messages = [email_queue(to=f"mum{i}@example.org", template=TEMPLATE, send_after=later) for i in range(40)]
    OutboundEmail.objects.update(send_after=timezone.now())
    with (
        publishing_to_broker(),
        running_worker(tmp_path, concurrency=2, name="a") as first,
        running_worker(tmp_path, concurrency=2, name="b") as second,
    ):
        for _ in range(3):  # the on-commit publish, a sweeper's, and a redelivery after a crash
            for message in messages:
                email_deliver_task.delay(message.pk)
        wait_until(all_sent(40), timeout=60, message=first.log()[-2000:] + second.log()[-2000:])
        wait_until_idle(first, second, timeout=60)  # all 120 deliveries have run
        mail = first.sent_mail() + second.sent_mail()
    assert first.sent_mail() and second.sent_mail(), "both workers should have taken part"
    assert len(mail) == 40
    assert len({m["Message-ID"] for m in mail}) == 40
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}


def test_with_the_broker_down_50_actions_succeed_and_after_it_returns_the_sweeper_delivers_all_50_once(tmp_path):
    with publishing_to_broker():
        with broker_unreachable():
            for i in range(50):
                with transaction.atomic():  # each a business action that must not fail
                    email_queue(to=f"mum{i}@example.org", template=TEMPLATE)
        assert OutboundEmail.objects.filter(status=Status.SCHEDULED, enqueued_at=None).count() == 50

        with running_worker(tmp_path) as worker:
            wait_until_idle(worker)
            assert worker.sent_mail() == []  # nothing was published during the outage
            assert emails_sweep() == 50
            assert emails_sweep() == 0  # a second sweeper (or the next minute's) publishes nothing again
            worker.wait_for_mail(50, timeout=60)
            wait_until(all_sent(50), timeout=30)
            wait_until_idle(worker)
            mail = worker.sent_mail()
    assert len(mail) == 50
    assert {m["To"] for m in mail} == {f"mum{i}@example.org" for i in range(50)}


def test_a_temporary_smtp_failure_is_retried_by_the_worker_and_then_succeeds(tmp_path):
    with (
        smtp_sink(["451 4.3.0 Greylisted, try again later"]) as (sink, port),
        publishing_to_broker(),
        running_worker(tmp_path, env=smtp_env(port)) as worker,
    ):
        message = email_queue(to="alice@example.org", template=TEMPLATE)

        def retry_scheduled():
            message.refresh_from_db()
            return message.status == Status.SCHEDULED and message.attempts == 1

        wait_until(retry_scheduled, message=worker.log()[-3000:])
        assert "SMTP 451" in message.last_error
        wait_until(lambda: timezone.now() >= message.send_after, timeout=5)
        assert emails_sweep() == 1  # the beat task's job, run here rather than waiting a minute
        sink.wait_for(1)
        wait_until(all_sent(1))
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(sink.messages) == 1
    assert sink.messages[0]["Message-ID"] == message.message_id


def test_a_permanent_smtp_failure_is_marked_failed_by_the_worker_with_its_reason(tmp_path):
    with (
        smtp_sink(["550 5.1.1 User unknown"]) as (sink, port),
        publishing_to_broker(),
        running_worker(tmp_path, env=smtp_env(port)) as worker,
    ):
        message = email_queue(to="nobody@example.org", template=TEMPLATE)
        wait_until(
            lambda: OutboundEmail.objects.filter(pk=message.pk, status=Status.FAILED).exists(),
            message=worker.log()[-3000:],
        )
    message.refresh_from_db()
    assert message.last_error == "The mail server refused the message (SMTP 550: 5.1.1 User unknown)."
    assert message.attempts == 1
    assert sink.messages == []
    assert "nobody@example.org" not in worker.log()  # logs carry ids, never addresses


def test_a_worker_killed_mid_send_loses_nothing_and_causes_at_most_one_duplicate_with_the_same_message_id(
    tmp_path, settings
):
    # The SMTP server holds the first message, then accepts it: the worker is killed in
    # between, after the server has it but before the row says SENT (the worst moment).
    with (
        smtp_sink(first_delay=3) as (sink, port),
        publishing_to_broker(),
        running_worker(tmp_path, env=smtp_env(port)) as worker,
    ):
        message = email_queue(to="alice@example.org", template=TEMPLATE)
        assert sink.receiving.wait(timeout=20), worker.log()[-3000:]
        for pid in worker.pool_pids():
            os.kill(pid, signal.SIGKILL)
        sink.wait_for(1)

        # Celery re-delivered the task (acks_late + reject_on_worker_lost), but the row is
        # still SENDING, so the re-run did nothing: no second send while the first may be live.
        wait_until(lambda: "WorkerLostError" in worker.log() or "Worker exited prematurely" in worker.log())
        wait_until_idle(worker)  # the re-delivered task has run
        message.refresh_from_db()
        assert message.status == Status.SENDING
        assert len(sink.messages) == 1

        # Once the claim is older than any task may run, the sweeper sends it again.
        # (The claim is aged in the row: the worker process has its own clock.)
        long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS + 1)
        OutboundEmail.objects.filter(pk=message.pk).update(claimed_at=long_ago)
        assert emails_sweep() == 1
        sink.wait_for(2)
        wait_until(all_sent(1))
    message.refresh_from_db()
    assert message.attempts == 2
    assert len(sink.messages) == 2  # exactly one duplicate for the crash
    assert {m["Message-ID"] for m in sink.messages} == {message.message_id}
