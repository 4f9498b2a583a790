"""Mail has its own Celery queue, and the workers we start consume both queues."""

import pytest
import redis
from django.conf import settings

from portal.celery import app as celery_app
from portal.models import OutboundEmail
from portal.outbox import email_queue
from tests.workers import publishing_to_broker, running_worker


def queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_mail_tasks_go_to_the_email_queue():
    assert queue_of("portal.email_deliver") == "email"


def test_other_tasks_and_the_outbox_sweeper_go_to_the_default_queue():
    assert queue_of("portal.emails_sweep") == "default"
    assert queue_of("helpline.followups_due") == "default"
    assert queue_of("peers.introductions_expire") == "default"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_queued_email_waits_on_the_email_queue_and_a_worker_delivers_it(tmp_path):
    broker = redis.Redis.from_url(settings.REDIS_URL)
    with publishing_to_broker():
        # Not in a transaction, so on_commit publishes at once; no worker is running yet.
        message = email_queue(to="alice@example.org", template="portal/email/test_message")
        assert broker.llen("email") == 1
        assert broker.llen("default") == 0

        with running_worker(tmp_path) as worker:
            (sent,) = worker.wait_for_mail(1)

    assert sent["To"] == "alice@example.org"
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
