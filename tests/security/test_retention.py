"""Retention: ended peer introductions and closed enquiries are anonymised by scheduled, idempotent jobs."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from peers import services
from peers.models import Introduction, PeerRequest
from peers.tasks import anonymise_ended_task
from portal.celery import app as celery_app
from tests.peers.builders import make_request, make_volunteer

from .test_personal_data import tables_containing

pytestmark = pytest.mark.django_db

MARKER = "rtncanary9"


def ended_introduction(mother, nurse) -> Introduction:
    request = make_request(
        mother, first_name=f"Ann{MARKER}", contact_phone=f"0770{MARKER}", about=f"About {MARKER}", recovery=MARKER
    )
    volunteer = make_volunteer()
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=volunteer, note=MARKER)
    services.introduction_accept(by=volunteer.user, introduction=intro)
    return services.introduction_end(by=mother, introduction=intro, feedback=f"lovely {MARKER}")


def test_every_retention_job_is_on_the_beat_schedule():
    import helpline.tasks  # noqa: F401 (registers the task)

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"helpline.anonymise_closed", "peers.anonymise_ended"} <= tasks
    assert {"helpline.anonymise_closed", "peers.anonymise_ended"} <= set(celery_app.tasks)


def test_ended_introductions_are_anonymised_after_the_retention_period_and_a_second_run_changes_nothing(
    mother, nurse, settings
):
    settings.PEERS_RETENTION_DAYS = 30
    intro = ended_introduction(mother, nurse)
    assert tables_containing(MARKER)

    with time_machine.travel(intro.ended_at + timedelta(days=29)):
        assert anonymise_ended_task() == 0
    assert tables_containing(MARKER)

    with time_machine.travel(intro.ended_at + timedelta(days=30, seconds=1)):
        assert anonymise_ended_task() == 1
        assert tables_containing(MARKER) == {}
        snapshot = list(PeerRequest.objects.values()), list(Introduction.objects.values())
        assert anonymise_ended_task() == 0
        assert (list(PeerRequest.objects.values()), list(Introduction.objects.values())) == snapshot

    request = PeerRequest.objects.get()
    # The counts survive: status, dates and categories stay.
    assert (request.status, request.ended_at is not None, request.mother_id) == (
        PeerRequest.Status.CLOSED,
        True,
        mother.pk,
    )


def test_open_requests_are_never_anonymised(mother, settings):
    settings.PEERS_RETENTION_DAYS = 1
    request = make_request(mother, about=f"About {MARKER}")
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert anonymise_ended_task() == 0
    request.refresh_from_db()
    assert request.about == f"About {MARKER}"


def test_a_withdrawn_request_is_anonymised_too(mother, settings):
    settings.PEERS_RETENTION_DAYS = 1
    request = make_request(mother, about=f"About {MARKER}")
    services.peer_request_withdraw(by=mother, peer_request=request)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert anonymise_ended_task() == 1
    assert tables_containing(MARKER) == {}


def test_the_helpline_retention_job_is_idempotent(nurse, settings):
    from helpline.models import Outcome
    from helpline.tasks import anonymise_closed_task
    from tests.helpline.conftest import make_enquiry

    settings.HELPLINE_RETENTION_DAYS = 30
    enquiry = make_enquiry(nurse, summary=f"Broke {MARKER}")
    from helpline import services as helpline_services

    helpline_services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.SIGNPOSTED)
    enquiry.refresh_from_db()
    with time_machine.travel(enquiry.closed_at + timedelta(days=31)):
        assert anonymise_closed_task() == 1
        assert anonymise_closed_task() == 0
    assert tables_containing(MARKER) == {}
