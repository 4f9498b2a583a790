"""seed_demo fills an empty database with consistent, plausible data, and refuses a used one.

Each test seeds once (loading the leaflet takes most of the time), so they are few.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from helpline.models import OPEN_STATUSES, Enquiry, EnquiryEvent, EnquiryTopic, Status
from leaflet.models import Section
from peers.models import Introduction, PeerRequest, VolunteerProfile
from portal.models import User
from portal.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", mothers=240, peers=60, enquiries=400, messages=1000, stdout=StringIO())


def test_it_creates_the_volumes_asked_for_and_refuses_to_run_twice(seeded):
    assert User.objects.filter(groups__name=Role.MOTHER).count() == 240
    assert VolunteerProfile.objects.count() == 60
    assert User.objects.filter(groups__name=Role.VOLUNTEER).count() == 60
    assert Enquiry.objects.count() == 400
    assert EnquiryEvent.objects.count() == 1000
    assert Section.objects.filter(status=Section.Status.PUBLISHED).exists()
    assert not any(user.has_usable_password() for user in User.objects.filter(email__endswith="@demo.example.org"))

    with pytest.raises(CommandError, match="already has enquiries"):
        call_command("seed_demo", mothers=1, peers=1, enquiries=1, messages=1)
    assert Enquiry.objects.count() == 400


def test_enquiries_are_consistent_open_ones_recent_and_old_ones_anonymised(seeded):
    assert not Enquiry.objects.annotate(n=Count("topic_links")).filter(n=0).exists()
    assert EnquiryTopic.objects.count() >= 400
    logged = EnquiryEvent.objects.filter(kind=EnquiryEvent.Kind.CREATED)
    assert logged.count() == 400
    assert not logged.exclude(at=F("enquiry__created_at")).exists()

    closed = Enquiry.objects.filter(status=Status.CLOSED)
    assert not closed.filter(outcome="").exists()
    assert not closed.filter(closed_at__isnull=True).exists()

    open_enquiries = Enquiry.objects.filter(status__in=OPEN_STATUSES)
    assert open_enquiries.exists()
    # The open queue's topic filter relies on each link knowing whether its enquiry is open.
    assert not EnquiryTopic.objects.filter(enquiry__in=open_enquiries, enquiry_open=False).exists()
    assert not EnquiryTopic.objects.filter(enquiry__in=closed, enquiry_open=True).exists()
    assert Enquiry.objects.filter(created_at__lt=open_enquiries.order_by("created_at").first().created_at).exists()

    anonymised = Enquiry.objects.filter(anonymised_at__isnull=False)
    assert anonymised.exists()
    assert not anonymised.exclude(name="", email="", phone="").exists()
    assert not EnquiryEvent.objects.filter(enquiry__anonymised_at__isnull=False).exclude(text="").exists()


def test_volunteers_places_match_their_live_introductions(seeded):
    live = dict(
        Introduction.objects.filter(status__in=Introduction.HOLDS_PLACE)
        .values_list("volunteer")
        .annotate(n=Count("id"))
        .values_list("volunteer", "n")
    )
    assert live
    for volunteer in VolunteerProfile.objects.all():
        assert volunteer.active_count == live.get(volunteer.pk, 0)
        assert volunteer.active_count <= volunteer.capacity
    assert PeerRequest.objects.exists()
    assert not PeerRequest.objects.filter(consent_nurses_read=False).exists()


def test_it_seeds_live_conversations_in_the_portal_for_the_conversation_benchmark():
    from django.utils import timezone

    from peers.models import Message, TalkBy

    call_command(
        "seed_demo", mothers=24, peers=12, enquiries=10, messages=20, conversations=6, conversation_messages=60,
        stdout=StringIO(),
    )  # fmt: skip
    live = Introduction.objects.filter(status=Introduction.Status.ACCEPTED, talk_by=TalkBy.PORTAL)
    assert live.annotate(n=Count("messages")).filter(n=10).count() == 6
    assert Message.objects.count() == 60
    assert not Message.objects.filter(created_at__gt=timezone.now()).exists()
    # Both women write: the mother first, then her volunteer.
    assert not Message.objects.exclude(author=F("introduction__peer_request__mother")).filter(side="mother").exists()
    assert not Message.objects.exclude(author=F("introduction__volunteer__user")).filter(side="volunteer").exists()
