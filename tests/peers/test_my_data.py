"""A woman downloads what peer support holds about her, and deletes it.

Her peer support page and her account pages share one export and one erasure
(peers/personal_data.py); these tests go through the peer support page.
"""

import json
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from peers import services
from peers.models import CheckIn, Introduction, NurseTask, PeerRequest, VolunteerProfile
from portal.models import AuditEntry, OutboundEmail, User
from portal.roles import Role, has_role
from tests.conftest import TEST_PASSWORD

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db

CANARY = "Xanthippe-canary"


def sign_in(client, user):
    # Export and erasure ask her to confirm her password (allauth's reauthentication step).
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302


def download(client) -> dict:
    response = client.get(reverse("peers:my-data-download"))
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def introduced(mother, volunteer, nurse):
    request = services.peer_request_create(
        by=mother,
        data={"first_name": CANARY, "about": f"{CANARY} story", "contact_email": "xan@example.org"},
        consent_nurses_read=True,
        consent_share_details=True,
    )
    profile = make_volunteer(volunteer, contact_email="vicky.peer@example.org", recovery="Vicky's own story")
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)
    return request, profile, intro


def test_she_downloads_her_own_data_only(client, mother, introduced):
    request, profile, intro = introduced
    # The volunteer answers her own check-in: that answer is the volunteer's, not the mother's.
    CheckIn.objects.filter(introduction=intro, who=CheckIn.Who.VOLUNTEER).update(answer=CheckIn.Answer.CONTACT_ME)
    sign_in(client, mother)

    response = client.get(reverse("peers:my-data-download"))

    assert response["Content-Disposition"] == 'attachment; filename="peer-support-data.json"'
    data = json.loads(response.content)
    (exported,) = data["requests"]
    assert exported["first_name"] == CANARY and exported["about"] == f"{CANARY} story"
    assert exported["consent_nurses_read"] and exported["consent_share_details"]
    (introduction,) = exported["introductions"]
    assert introduction["status"] == "Introduced"
    assert len(introduction["check_ins"]) == 2  # hers, at the midpoint and after three months
    assert data["volunteer_profile"] is None
    assert {m["subject"] for m in data["emails"]} == {
        "Your peer support introduction",
        "How is it going?",
        "Your peer support introduction ends soon",
    }
    assert {m["to"] for m in data["emails"]} == {"xan@example.org"}
    text = response.content.decode()
    assert "vicky.peer@example.org" not in text and "Vicky" not in text
    assert str(CheckIn.Answer.CONTACT_ME.label) not in text
    assert AuditEntry.objects.filter(action="peers.data_exported", actor=mother).count() == 1


def test_a_volunteer_downloads_her_application_introductions_and_her_own_feedback(client, volunteer, introduced):
    request, profile, intro = introduced
    services.introduction_end(by=volunteer, introduction=intro, feedback="We got on well")
    sign_in(client, volunteer)

    data = download(client)

    assert data["requests"] == []
    exported = data["volunteer_profile"]
    assert (exported["status"], exported["recovery"], exported["contact_email"]) == (
        "Approved",
        "Vicky's own story",
        "vicky.peer@example.org",
    )
    (introduction,) = exported["introductions"]
    assert (introduction["status"], introduction["your_feedback"]) == ("Ended", "We got on well")
    assert CANARY not in json.dumps(data) and "xan@example.org" not in json.dumps(data)


def test_what_the_other_woman_wrote_when_ending_is_not_in_her_download(client, volunteer, mother, introduced):
    request, profile, intro = introduced
    services.introduction_end(by=mother, introduction=intro, feedback=f"{CANARY} was lovely")
    sign_in(client, volunteer)

    (introduction,) = download(client)["volunteer_profile"]["introductions"]

    assert introduction["your_feedback"] == ""


def test_a_request_the_helpline_made_for_her_is_hers_once_she_confirmed_the_address(client, outsider, nurse):
    referred = services.peer_request_refer(
        by=nurse, enquiry_id=9, first_name="Olive", email="Olive.Home@example.org", phone="", summary="Hip",
        topics=[], consent_recorded=True,
    )  # fmt: skip
    address = EmailAddress.objects.create(user=outsider, email="olive.home@example.org", verified=False)
    sign_in(client, outsider)

    # Anyone can add an address to her account; only a confirmed one shows what was kept under it.
    assert download(client)["requests"] == []
    address.verified = True
    address.save()
    assert [r["reference"] for r in download(client)["requests"]] == [referred.reference]
    assert referred.reference in client.get(reverse("peers:my-data")).text


def test_another_account_s_request_is_not_hers_even_with_her_address(client, outsider, other_mother):
    make_request(other_mother, contact_email=outsider.email)
    sign_in(client, outsider)
    assert download(client)["requests"] == []


def test_download_asks_her_to_confirm_who_she_is_when_she_signed_in_over_five_minutes_ago(client, mother, introduced):
    client.force_login(mother)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.get(reverse("peers:my-data-download"))
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response.url


def test_a_mother_deletes_her_data_the_volunteer_is_freed_and_told(client, mother, introduced):
    request, profile, intro = introduced
    sign_in(client, mother)

    response = client.post(reverse("peers:my-data-erase"), {"confirm": "yes"}, follow=True)

    assert "Your peer support data has been deleted. Only anonymous counts are kept." in response.text
    profile.refresh_from_db()
    assert profile.active_count == 0
    for message in OutboundEmail.objects.all():
        assert CANARY not in message.to + message.body_text + message.body_html + message.subject
        assert "xan@example.org" not in message.to + message.body_text + message.body_html
    [notice] = OutboundEmail.objects.filter(template="peers/email/introduction_withdrawn")
    assert (notice.to, notice.status) == ("vicky.peer@example.org", OutboundEmail.Status.SCHEDULED)
    assert not has_role(User.objects.get(pk=mother.pk), Role.MOTHER)
    assert AuditEntry.objects.filter(action="peers.data_erased", actor=mother).count() == 1
    assert "Peer support holds nothing about you." in client.get(reverse("peers:my-data")).text
    assert reverse("peers:request-detail", args=[request.pk]) not in client.get(reverse("peers:request-start")).text


def test_the_counts_survive_her_deletion_without_her_name(client, mother, introduced):
    request, profile, intro = introduced
    PeerRequest.objects.filter(pk=request.pk).update(fracture_kind="spinal", region="wales")
    sign_in(client, mother)

    client.post(reverse("peers:my-data-erase"), {"confirm": "yes"})

    request.refresh_from_db()
    intro.refresh_from_db()
    assert request.mother is None
    assert (request.status, request.fracture_kind, request.region) == (PeerRequest.Status.WITHDRAWN, "spinal", "wales")
    assert request.introduced_at is not None and request.ended_at is not None
    assert (request.first_name, request.contact_email, request.about) == ("", "", "")
    assert intro.status == Introduction.Status.ENDED


def test_a_volunteer_deletes_her_data_and_the_mother_goes_back_to_the_nurses(client, volunteer, nurse, introduced):
    request, profile, intro = introduced
    sign_in(client, volunteer)

    client.post(reverse("peers:my-data-erase"), {"confirm": "yes"})

    request.refresh_from_db()
    assert request.status == PeerRequest.Status.WAITING
    assert request.tasks.get().kind == NurseTask.Kind.VOLUNTEER_LEFT
    assert "has left peer support" in OutboundEmail.objects.get(to=nurse.email, template__contains="nurses").body_text
    for message in OutboundEmail.objects.all():
        assert "vicky.peer@example.org" not in message.to + message.body_text + message.body_html
        assert "Vicky's own story" not in message.body_text
    # The mother's check-ins about an introduction that has ended are not sent.
    assert not OutboundEmail.objects.filter(template="peers/email/check_in", status="scheduled").exists()
    profile.refresh_from_db()
    assert (profile.user, profile.status, profile.first_name, profile.recovery) == (
        None,
        VolunteerProfile.Status.DECLINED,
        "",
        "",
    )
    assert not has_role(User.objects.get(pk=volunteer.pk), Role.VOLUNTEER)
    assert "Peer support holds nothing about you." in client.get(reverse("peers:my-data")).text
    assert client.get(reverse("peers:volunteer-home")).url == reverse("peers:volunteer-apply")


def test_a_volunteer_asked_but_not_yet_answering_frees_the_request_when_she_deletes(client, volunteer, mother, nurse):
    request = make_request(mother)
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    sign_in(client, volunteer)

    client.post(reverse("peers:my-data-erase"), {"confirm": "yes"})

    intro.refresh_from_db()
    request.refresh_from_db()
    assert intro.status == Introduction.Status.CANCELLED
    assert request.status == PeerRequest.Status.WAITING
    assert request.tasks.get().kind == NurseTask.Kind.VOLUNTEER_LEFT


def test_nothing_is_deleted_without_the_confirmation_box(client, mother, introduced):
    sign_in(client, mother)
    response = client.post(reverse("peers:my-data-erase"), {}, follow=True)
    assert "Please tick the box to confirm" in response.text
    assert PeerRequest.objects.filter(mother=mother, first_name=CANARY).exists()


def test_deleting_is_post_only(client, mother):
    sign_in(client, mother)
    assert client.get(reverse("peers:my-data-erase")).status_code == 405
