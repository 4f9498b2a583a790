"""The whole journey: request -> suggestions -> proposal -> acceptance -> details exchanged -> check-ins."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peers import selectors, services
from peers.models import CheckIn, Introduction, PeerRequest, VolunteerProfile
from portal.models import AuditEntry, OutboundEmail
from portal.outbox import emails_about
from portal.roles import Role, has_role

from .builders import make_volunteer

pytestmark = pytest.mark.django_db

REQUEST_DATA = {
    "first_name": "Alice",
    "fracture_kind": "spinal",
    "timing": "weeks_after",
    "topics": ["pain", "new_baby"],
    "region": "wales",
    "contact_method": "phone",
    "contact_phone": "07700 900123",
    # These two journeys are the exchange of details; talking in the portal is tests/peers/test_conversation.py.
    "talk_by": "details",
}


def link_in(text: str, name: str) -> str:
    return re.search(rf"https?://[^/\s]+(/peers/{name}/[^\s\"<]+/)", text).group(1)


def test_the_whole_flow_at_service_level(mother, volunteer, nurse):
    request = services.peer_request_create(
        by=mother, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True
    )
    close = make_volunteer(
        volunteer,
        fracture_kind="spinal",
        timing="weeks_after",
        topics=["pain"],
        contact_email="vicky.peer@example.org",
        talk_by="details",
    )
    far = make_volunteer(region="london")

    ranked = selectors.suggestions(request)
    assert [s.volunteer.pk for s in ranked] == [close.pk, far.pk]
    assert "Same kind of fracture: Spinal (vertebral) fractures (+30)" in ranked[0].reasons

    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=close, note="Similar story")
    request.refresh_from_db()
    close.refresh_from_db()
    assert request.status == PeerRequest.Status.PROPOSED
    assert close.active_count == 1
    assert intro.respond_by - intro.proposed_at == timedelta(days=7)
    (proposal,) = emails_about(intro)
    assert proposal.to == "vicky.peer@example.org"
    assert "Alice" not in proposal.body_text and "07700" not in proposal.body_text

    services.introduction_accept(by=volunteer, introduction=intro)
    intro.refresh_from_db()
    request.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED
    assert request.status == PeerRequest.Status.INTRODUCED
    assert request.introduced_at is not None

    sent_now = {m.to: m for m in emails_about(intro).filter(template="peers/email/introduction_details")}
    assert "Phone: 07700 900123" in sent_now["vicky.peer@example.org"].body_text
    assert "Alice" in sent_now["vicky.peer@example.org"].body_text
    assert "Email: vicky.peer@example.org" in sent_now[mother.email].body_text

    check_ins = emails_about(intro).filter(template="peers/email/check_in")
    assert check_ins.count() == 4
    assert {m.kind for m in check_ins} == {OutboundEmail.Kind.FOLLOW_UP}
    due = sorted({(m.send_after - intro.responded_at).days for m in check_ins})
    assert due == [28, 90]  # the midpoint of the planned 8 weeks, and after the end
    assert CheckIn.objects.filter(introduction=intro).count() == 4
    assert AuditEntry.objects.filter(action="peers.introduction_accepted", target_id=str(intro.pk)).count() == 1


def test_the_whole_flow_through_the_views(
    client, mother, volunteer, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    profile = make_volunteer(volunteer, fracture_kind="hip", contact_email="vicky.peer@example.org", talk_by="details")

    client.force_login(mother)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("peers:request-new"),
            {**REQUEST_DATA, "fracture_kind": "hip", "consent_nurses_read": "on", "consent_share_details": "on"},
        )
    request = PeerRequest.objects.get(mother=mother)
    assert response.status_code == 302 and response.url == reverse("peers:request-detail", args=[request.pk])
    page = client.get(response.url)
    assert "Status: <strong>Waiting for a nurse to find someone</strong>" in page.text
    assert "Yours is the next request" in page.text

    client.force_login(nurse)
    queue = client.get(reverse("peers:nurse-queue"))
    assert request.reference in queue.text
    detail = client.get(reverse("peers:nurse-request", args=[request.pk]))
    assert f"V-{profile.pk}" in detail.text and "Same kind of fracture" in detail.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("peers:nurse-propose", args=[request.pk]),
            {"volunteer_id": profile.pk, "note": "Also had a hip fracture"},
        )
    assert response.status_code == 302
    (proposal,) = [m for m in mailoutbox if m.to == ["vicky.peer@example.org"]]
    respond_path = link_in(proposal.body, "respond")

    client.logout()
    assert "Yes, I will talk with her" in client.get(respond_path).text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(respond_path, {"answer": "accept"})
    assert done.status_code == 200 and "We have emailed you her first name" in done.text

    to_volunteer = [m for m in mailoutbox if m.to == ["vicky.peer@example.org"] and "agreed to talk" in m.body]
    to_mother = [m for m in mailoutbox if m.to == [mother.email] and "agreed to talk" in m.body]
    assert "Phone: 07700 900123" in to_volunteer[0].body
    assert "Email: vicky.peer@example.org" in to_mother[0].body
    # Check-ins are scheduled, not sent yet.
    assert not [m for m in mailoutbox if "How is it going" in m.subject]
    assert OutboundEmail.objects.filter(template="peers/email/check_in", status="scheduled").count() == 4

    client.force_login(mother)
    mine = client.get(reverse("peers:request-detail", args=[request.pk]))
    assert "Vicky" in mine.text and "Email: vicky.peer@example.org" in mine.text
    client.force_login(volunteer)
    hers = client.get(reverse("peers:volunteer-home"))
    assert "Alice" in hers.text and "Phone: 07700 900123" in hers.text


def test_a_woman_without_a_role_becomes_a_mother_by_asking(outsider):
    services.peer_request_create(by=outsider, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True)
    assert has_role(outsider, Role.MOTHER)


def test_a_mother_cannot_open_a_second_request(mother):
    services.peer_request_create(by=mother, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True)
    with pytest.raises(Exception, match=re.escape(str(services.REQUEST_ALREADY_OPEN))):
        services.peer_request_create(by=mother, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True)


def test_the_request_form_refuses_without_both_consents_and_keeps_what_she_typed(client, mother):
    client.force_login(mother)
    response = client.post(
        reverse("peers:request-new"), {**REQUEST_DATA, "about": "My spine hurts", "consent_nurses_read": "on"}
    )
    assert response.status_code == 200
    assert "We need this consent to pass your request on." in response.text
    assert "My spine hurts" in response.text
    assert 'href="#id_consent_share_details"' in response.text
    assert not PeerRequest.objects.exists()


def test_phone_contact_needs_a_number(client, mother):
    client.force_login(mother)
    data = {**REQUEST_DATA, "contact_phone": "", "consent_nurses_read": "on", "consent_share_details": "on"}
    response = client.post(reverse("peers:request-new"), data)
    assert "Please give a phone number, or choose email." in response.text


def test_a_volunteer_declining_in_the_portal_frees_her_place_and_tells_the_nurses(mother, volunteer, nurse):
    request = services.peer_request_create(
        by=mother, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True
    )
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)

    services.introduction_decline(by=volunteer, introduction=intro)

    profile.refresh_from_db()
    request.refresh_from_db()
    assert profile.active_count == 0
    assert request.status == PeerRequest.Status.WAITING
    assert request.tasks.get().kind == "declined"
    assert emails_about(request).filter(to=nurse.email, template="peers/email/nurses_notice").count() == 1
    # She is never suggested again for this request, but a nurse may pick someone else.
    assert profile.pk not in [s.volunteer.pk for s in selectors.suggestions(request)]


def test_ending_an_introduction_rests_the_volunteer_and_cancels_check_ins(mother, volunteer, nurse, settings):
    settings.PEERS_REST_DAYS = 21
    request = services.peer_request_create(
        by=mother, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True
    )
    profile = make_volunteer(volunteer, capacity=2)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)

    services.introduction_end(by=mother, introduction=intro, feedback="It helped a lot")

    intro.refresh_from_db()
    profile.refresh_from_db()
    assert intro.status == Introduction.Status.ENDED and intro.feedback == "It helped a lot"
    assert profile.active_count == 0
    assert (profile.resting_until - timezone.now()).days == 20
    assert not emails_about(intro).filter(template="peers/email/check_in", status="scheduled").exists()
    assert not selectors.eligible_volunteers().filter(pk=profile.pk).exists()


def test_a_nurse_closes_an_introduction_from_the_request_page(client, mother, volunteer, nurse):
    request = services.peer_request_create(
        by=mother, data=REQUEST_DATA, consent_nurses_read=True, consent_share_details=True
    )
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)

    client.force_login(nurse)
    response = client.post(reverse("peers:nurse-introduction-close", args=[intro.pk]), {"feedback": "Both happy"})

    assert response.status_code == 302
    intro.refresh_from_db()
    request.refresh_from_db()
    assert (intro.status, intro.ended_by, intro.feedback) == ("ended", nurse, "Both happy")
    assert request.status == PeerRequest.Status.CLOSED
    assert VolunteerProfile.objects.get(pk=profile.pk).active_count == 0
