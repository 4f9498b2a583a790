"""In CI the suite talks to the real PostgreSQL and Redis, and a real worker process."""

import pytest
from django.db import connection

from portal.models import OutboundEmail
from portal.outbox import email_queue
from tests.workers import publishing_to_broker, running_worker


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_really_is_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_a_task_from_redis_and_writes_the_database(tmp_path):
    with publishing_to_broker(), running_worker(tmp_path) as worker:
        message = email_queue(to="someone@example.org", template="portal/email/test_message")
        # Not in a transaction, so on_commit publishes at once; the worker sends and marks it.
        worker.wait_for_mail(1)
        message.refresh_from_db()
        assert message.status == OutboundEmail.Status.SENT
        assert message.sent_at is not None
        assert "portal.email_deliver" in worker.log()
