"""No contact detail crosses before acceptance; nurses see them only on an audited, explicit action."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from peers import services
from peers.models import PeerRequest, VolunteerProfile
from portal.models import AuditEntry, OutboundEmail
from tests.conftest import make_user

from .builders import make_volunteer

pytestmark = pytest.mark.django_db

MOTHER_SECRETS = ("Zephyrine", "zephyrine.mum@example.org", "07700 900555")
VOLUNTEER_SECRETS = ("Quintessa", "quintessa.vol@example.org", "07700 900777")


@pytest.fixture
def proposed(mother, nurse):
    volunteer_user = make_user("quintessa.login@example.org", first_name="Quintessa")
    profile = make_volunteer(
        volunteer_user,
        first_name="Quintessa",
        contact_method="phone",
        contact_email="quintessa.vol@example.org",
        contact_phone="07700 900777",
    )
    request = services.peer_request_create(
        by=mother,
        data={
            "first_name": "Zephyrine",
            "contact_method": "email",
            "contact_email": "zephyrine.mum@example.org",
            "contact_phone": "07700 900555",
            "fracture_kind": "spinal",
        },
        consent_nurses_read=True,
        consent_share_details=True,
    )
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile, note="Same story")
    return request, profile, intro


def assert_none_in(text: str, secrets) -> None:
    for secret in secrets:
        assert secret not in text


def test_nothing_leaks_before_acceptance(client, mother, proposed):
    request, profile, intro = proposed

    client.force_login(profile.user)
    assert_none_in(client.get(reverse("peers:volunteer-home")).text, MOTHER_SECRETS)
    email = OutboundEmail.objects.get(template="peers/email/introduction_proposed")
    assert_none_in(email.body_text + email.body_html + email.subject, MOTHER_SECRETS)
    respond_path = re.search(r"(/peers/respond/[^\s]+/)", email.body_text).group(1)
    client.logout()
    assert_none_in(client.get(respond_path).text, MOTHER_SECRETS)

    client.force_login(mother)
    assert_none_in(client.get(reverse("peers:request-detail", args=[request.pk])).text, VOLUNTEER_SECRETS)
    for message in OutboundEmail.objects.exclude(to=profile.contact_email):
        assert_none_in(message.body_text + message.body_html, VOLUNTEER_SECRETS)


def test_a_declined_proposal_leaks_nothing_either(client, mother, proposed):
    request, profile, intro = proposed
    services.introduction_decline(by=profile.user, introduction=intro)

    client.force_login(mother)
    assert_none_in(client.get(reverse("peers:request-detail", args=[request.pk])).text, VOLUNTEER_SECRETS)
    client.force_login(profile.user)
    assert_none_in(client.get(reverse("peers:volunteer-home")).text, MOTHER_SECRETS)
    for message in OutboundEmail.objects.all():
        assert_none_in(
            message.body_text, MOTHER_SECRETS if message.to != "zephyrine.mum@example.org" else VOLUNTEER_SECRETS
        )


def test_by_default_they_talk_in_the_portal_and_neither_page_shows_the_others_details(client, mother, proposed):
    request, profile, intro = proposed
    services.introduction_accept(by=profile.user, introduction=intro)

    client.force_login(mother)
    page = client.get(reverse("peers:request-detail", args=[request.pk])).text
    assert "Quintessa" in page and "Messages with Quintessa" in page
    assert_none_in(page, ["07700 900777", "quintessa.vol@example.org", "quintessa.login@example.org"])
    client.force_login(profile.user)
    page = client.get(reverse("peers:volunteer-home")).text
    assert "Zephyrine" in page
    assert_none_in(page, ["zephyrine.mum@example.org", "07700 900555", mother.email])
    for message in OutboundEmail.objects.all():
        if message.to == "zephyrine.mum@example.org":
            assert_none_in(message.body_text, ["quintessa.vol@example.org", "07700 900777", "quintessa.login"])


def test_details_cross_over_only_when_both_chose_to_exchange_them(client, mother, proposed):
    request, profile, intro = proposed
    PeerRequest.objects.filter(pk=request.pk).update(talk_by="details")  # she chose details, the volunteer did not
    services.introduction_accept(by=profile.user, introduction=intro)
    intro.refresh_from_db()
    assert intro.talk_by == "portal"
    client.force_login(mother)
    assert "07700 900777" not in client.get(reverse("peers:request-detail", args=[request.pk])).text


def test_after_acceptance_each_sees_the_others_chosen_details(client, mother, proposed):
    request, profile, intro = proposed
    PeerRequest.objects.filter(pk=request.pk).update(talk_by="details")
    VolunteerProfile.objects.filter(pk=profile.pk).update(talk_by="details")
    services.introduction_accept(by=profile.user, introduction=intro)

    client.force_login(mother)
    page = client.get(reverse("peers:request-detail", args=[request.pk])).text
    assert "Quintessa" in page and "Phone: 07700 900777" in page
    # Only her chosen method is passed on.
    assert "quintessa.vol@example.org" not in page
    client.force_login(profile.user)
    page = client.get(reverse("peers:volunteer-home")).text
    assert "Zephyrine" in page and "Email: zephyrine.mum@example.org" in page
    assert "07700 900555" not in page


def test_the_nurse_request_page_hides_contact_details_and_audits_the_view(client, nurse, proposed):
    request, _, _ = proposed
    client.force_login(nurse)

    page = client.get(reverse("peers:nurse-request", args=[request.pk])).text

    assert_none_in(page, MOTHER_SECRETS)
    assert "Show contact details" in page
    viewed = AuditEntry.objects.filter(action="peers.request_viewed", target_id=str(request.pk))
    assert [(e.actor, e.target_type) for e in viewed] == [(nurse, "peers.peerrequest")]
    assert not AuditEntry.objects.filter(action="peers.contact_revealed").exists()


def test_showing_contact_details_is_an_explicit_audited_action(client, nurse, proposed):
    request, profile, _ = proposed
    client.force_login(nurse)

    page = client.post(reverse("peers:nurse-request-contact", args=[request.pk])).text
    assert "zephyrine.mum@example.org" in page and "Zephyrine" in page
    vol_page = client.post(reverse("peers:nurse-volunteer-contact", args=[profile.pk])).text
    assert "07700 900777" in vol_page

    reveals = AuditEntry.objects.filter(action="peers.contact_revealed").order_by("id")
    assert [(e.actor, e.target_type, e.target_id) for e in reveals] == [
        (nurse, "peers.peerrequest", str(request.pk)),
        (nurse, "peers.volunteerprofile", str(profile.pk)),
    ]
    assert "zephyrine" not in str(reveals[0].detail).lower()


def test_showing_contact_details_asks_a_nurse_to_confirm_who_she_is_after_five_minutes(client, nurse, proposed):
    request, _, _ = proposed
    client.force_login(nurse)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post(reverse("peers:nurse-request-contact", args=[request.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not AuditEntry.objects.filter(action="peers.contact_revealed").exists()


def test_the_nurse_volunteer_page_hides_contact_details_and_audits_the_view(client, nurse, proposed):
    _, profile, _ = proposed
    client.force_login(nurse)
    page = client.get(reverse("peers:nurse-volunteer", args=[profile.pk])).text
    assert "quintessa.vol@example.org" not in page and "07700 900777" not in page
    assert (
        AuditEntry.objects.filter(action="peers.volunteer_viewed", target_id=str(profile.pk), actor=nurse).count() == 1
    )


def test_each_womans_own_page_shows_her_own_details(client, mother, proposed):
    request, profile, _ = proposed
    client.force_login(mother)
    page = client.get(reverse("peers:request-detail", args=[request.pk])).text
    assert "Zephyrine" in page and "Email: zephyrine.mum@example.org" in page
    assert "Spinal (vertebral) fractures" in page
    client.force_login(profile.user)
    page = client.get(reverse("peers:volunteer-home")).text
    assert "Quintessa" in page and "Phone: 07700 900777" in page
