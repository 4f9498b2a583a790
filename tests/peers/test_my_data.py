"""A woman downloads what peer support holds about her, and deletes it."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from peers import services
from peers.models import NurseTask, PeerRequest, VolunteerProfile
from portal.models import AuditEntry, OutboundEmail, User
from portal.roles import Role, has_role
from tests.conftest import TEST_PASSWORD

from .builders import make_volunteer

pytestmark = pytest.mark.django_db

CANARY = "Xanthippe-canary"


def sign_in(client, user):
    # Export and erasure ask her to confirm her password (allauth's reauthentication step).
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def introduced(mother, volunteer, nurse):
    request = services.peer_request_create(
        by=mother,
        data={"first_name": CANARY, "about": f"{CANARY} story", "contact_email": "xan@example.org"},
        consent_nurses_read=True,
        consent_share_details=True,
    )
    profile = make_volunteer(volunteer, contact_email="vicky.peer@example.org")
    intro = services.introduction_propose(by=nurse, request_id=request.pk, volunteer_id=profile.pk)
    services.introduction_accept(by=volunteer, introduction_id=intro.pk)
    return request, profile, intro


def test_she_downloads_her_own_data_only(client, mother, introduced):
    sign_in(client, mother)
    response = client.get(reverse("peers:my-data-download"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="peer-support-data.json"'
    data = json.loads(response.content)
    (request,) = data["peer_requests"]
    assert request["first_name"] == CANARY and request["about"] == f"{CANARY} story"
    assert request["introductions"][0]["status"] == "Introduced"
    assert "vicky.peer@example.org" not in response.content.decode()
    assert AuditEntry.objects.filter(action="peers.data_exported", actor=mother).count() == 1


def test_download_asks_her_to_confirm_who_she_is_when_she_signed_in_over_five_minutes_ago(client, mother, introduced):
    client.force_login(mother)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.get(reverse("peers:my-data-download"))
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response.url


def test_a_mother_deletes_her_data_and_the_volunteer_is_freed(client, mother, introduced):
    request, profile, intro = introduced
    sign_in(client, mother)

    response = client.post(reverse("peers:my-data-erase"), {"confirm": "yes"})

    assert response.status_code == 302
    assert not PeerRequest.objects.filter(pk=request.pk).exists()
    profile.refresh_from_db()
    assert profile.active_count == 0
    for message in OutboundEmail.objects.all():
        assert CANARY not in message.body_text + message.body_html + message.subject
    assert not has_role(User.objects.get(pk=mother.pk), Role.MOTHER)
    assert AuditEntry.objects.filter(action="peers.data_erased", actor=mother).count() == 1
    assert "Peer support holds nothing about you." in client.get(reverse("peers:my-data")).text


def test_a_volunteer_deletes_her_data_and_the_mother_goes_back_to_the_nurses(client, volunteer, nurse, introduced):
    request, profile, intro = introduced
    sign_in(client, volunteer)

    client.post(reverse("peers:my-data-erase"), {"confirm": "yes"})

    assert not VolunteerProfile.objects.filter(pk=profile.pk).exists()
    request.refresh_from_db()
    assert request.status == PeerRequest.Status.WAITING
    assert request.tasks.get().kind == NurseTask.Kind.VOLUNTEER_LEFT
    assert not OutboundEmail.objects.filter(body_text__contains="vicky.peer@example.org").exists()
    assert not has_role(User.objects.get(pk=volunteer.pk), Role.VOLUNTEER)


def test_nothing_is_deleted_without_the_confirmation_box(client, mother, introduced):
    sign_in(client, mother)
    response = client.post(reverse("peers:my-data-erase"), {}, follow=True)
    assert "Please tick the box to confirm" in response.text
    assert PeerRequest.objects.filter(mother=mother).exists()


def test_deleting_is_post_only(client, mother):
    sign_in(client, mother)
    assert client.get(reverse("peers:my-data-erase")).status_code == 405
