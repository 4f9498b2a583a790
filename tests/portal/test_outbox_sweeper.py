"""Two sweepers at once on the real PostgreSQL: every due message is published once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from portal.models import OutboundEmail
from portal.outbox import email_queue, emails_sweep
from portal.tasks import email_deliver_task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweepers_running_together_publish_each_due_message_exactly_once(settings, monkeypatch):
    settings.OUTBOX_SWEEP_BATCH = 7
    later = timezone.now() + timedelta(hours=1)
    for i in range(120):
        email_queue(to=f"mum{i}@example.org", template="portal/email/test_message", send_after=later)
    OutboundEmail.objects.update(send_after=timezone.now())  # all due now, none published yet
    published: list[int] = []
    monkeypatch.setattr(email_deliver_task, "delay", published.append)  # the broker, not the database, is faked
    start = threading.Barrier(2)
    counts: list[int] = []

    def sweeper():
        try:
            start.wait()
            counts.append(emails_sweep())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 120
    assert sorted(published) == sorted(OutboundEmail.objects.values_list("pk", flat=True))
    assert not OutboundEmail.objects.filter(enqueued_at=None).exists()
