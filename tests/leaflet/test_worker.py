"""The review reminder job through the real broker and a real worker process."""

import pytest
from django.utils import timezone

from leaflet.loader import content_load
from leaflet.models import Section
from leaflet.tasks import review_reminders_task
from tests.workers import publishing_to_broker, running_worker, wait_until_idle

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_the_worker_emails_editors_once_when_reviews_fall_due(tmp_path, editor):
    content_load()
    with publishing_to_broker(), running_worker(tmp_path) as worker:
        review_reminders_task.delay()
        mail = worker.wait_for_mail(1)
        assert mail[0]["To"] == editor.email
        # The clinical texts seeded by migrations are here too unless an earlier transactional test emptied them.
        assert mail[0]["Subject"].startswith("Guidance due for review: 17 sections")

        review_reminders_task.delay()  # a second run finds nothing new to remind about
        wait_until_idle(worker)
        assert worker.log().count("leaflet.review_reminders[") == 4, worker.log()[-2000:]  # received, succeeded ×2
    assert set(Section.objects.values_list("review_reminder_sent_on", flat=True)) == {timezone.localdate()}
    assert len(worker.sent_mail()) == 1
