"""The scheduled job through the real broker and a real worker process."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peers import services
from peers.models import Introduction
from peers.tasks import expire_proposals_task
from portal.outbox import services as outbox_services
from tests.workers import publishing_to_broker, running_worker

from .builders import make_request, make_volunteer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _broker_not_paused():
    # An earlier test that stopped the broker leaves this process pausing its publishes for a few seconds.
    outbox_services._broker_down_until = 0.0
    yield


def test_an_unanswered_proposal_is_expired_by_the_worker_and_the_nurse_is_emailed(tmp_path, mother, volunteer, nurse):
    with publishing_to_broker(), running_worker(tmp_path) as worker:
        intro = services.introduction_propose(
            by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
        )
        worker.wait_for_mail(1)  # the proposal to the volunteer, delivered after commit
        Introduction.objects.filter(pk=intro.pk).update(respond_by=timezone.now() - timedelta(minutes=1))

        expire_proposals_task.delay()

        mail = worker.wait_for_mail(2)
        assert mail[1]["To"] == nurse.email
        assert "needs a nurse" in mail[1]["Subject"]
        intro.refresh_from_db()
        assert intro.status == Introduction.Status.EXPIRED
        assert "peers.expire_proposals" in worker.log()
