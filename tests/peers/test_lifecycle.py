"""Withdrawal, no answer in time, helpline referrals, and the beat tasks."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peers import services, tasks
from peers.models import Introduction, NurseTask, PeerRequest, VolunteerProfile
from portal.models import OutboundEmail
from portal.outbox import emails_about

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db


def test_withdrawing_a_proposed_request_cancels_the_introduction_and_its_emails(client, mother, volunteer, nurse):
    request = make_request(mother)
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    # An email still waiting to go (e.g. the broker was down) must not go after she withdraws.
    assert emails_about(intro).get().status == OutboundEmail.Status.SCHEDULED

    client.force_login(mother)
    response = client.post(reverse("peers:request-withdraw", args=[request.pk]))

    assert response.status_code == 302
    request.refresh_from_db()
    intro.refresh_from_db()
    profile.refresh_from_db()
    assert request.status == PeerRequest.Status.WITHDRAWN
    assert intro.status == Introduction.Status.CANCELLED
    assert profile.active_count == 0
    assert emails_about(intro).get().status == OutboundEmail.Status.CANCELLED


def test_withdrawing_after_introduction_cancels_the_scheduled_check_ins(mother, volunteer, nurse):
    request = make_request(mother)
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)
    assert emails_about(intro).filter(template="peers/email/check_in", status="scheduled").count() == 4

    services.peer_request_withdraw(by=mother, peer_request=request)
    services.peer_request_withdraw(by=mother, peer_request=request)  # a second click changes nothing

    assert emails_about(intro).filter(template="peers/email/check_in", status="cancelled").count() == 4
    assert not emails_about(intro).filter(status="scheduled").exists()
    profile.refresh_from_db()
    assert profile.active_count == 0


MOTHER_DETAILS = {"first_name": "Zelda", "contact_email": "zelda.mum@example.org", "contact_phone": "07700 900123"}


def withdrawal_notices():
    return OutboundEmail.objects.filter(template="peers/email/introduction_withdrawn")


def test_the_volunteer_is_told_when_the_mother_withdraws_after_their_introduction(
    client, mother, volunteer, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    request = make_request(mother, **MOTHER_DETAILS)
    profile = make_volunteer(volunteer, contact_email="vicky.peer@example.org")
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)
    mailoutbox.clear()

    client.force_login(mother)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("peers:request-withdraw", args=[request.pk]))

    [notice] = withdrawal_notices()
    assert notice.to == "vicky.peer@example.org"
    assert notice.subject == "Your peer support introduction has ended"
    assert "Dear Vicky," in notice.body_text
    assert "has withdrawn her request, so your introduction has ended" in notice.body_text
    assert "Please do not contact her again" in notice.body_text
    for detail in MOTHER_DETAILS.values():
        assert detail not in notice.body_text + notice.body_html + notice.subject
    assert [m.to for m in mailoutbox] == [["vicky.peer@example.org"]]


def test_the_volunteer_is_told_when_the_mother_withdraws_before_she_answered(mother, volunteer, nurse):
    request = make_request(mother, **MOTHER_DETAILS)
    profile = make_volunteer(volunteer, contact_email="")
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)

    services.peer_request_withdraw(by=mother, peer_request=request)
    services.peer_request_withdraw(by=mother, peer_request=request)  # a second click sends nothing more

    [notice] = withdrawal_notices()
    assert notice.to == volunteer.email  # no contact address on her profile: her account's
    assert notice.status == OutboundEmail.Status.SCHEDULED
    assert "there is nothing for you to answer" in notice.body_text
    assert f"{intro.proposed_at:%-d %B %Y}" in notice.body_text
    for detail in MOTHER_DETAILS.values():
        assert detail not in notice.body_text + notice.body_html + notice.subject


def test_no_volunteer_is_told_when_nothing_was_pending_or_live(mother, volunteer, nurse):
    waiting = make_request(mother)
    services.peer_request_withdraw(by=mother, peer_request=waiting)
    declined = make_request(mother)
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=declined, volunteer=profile)
    services.introduction_decline(by=volunteer, introduction=intro)

    services.peer_request_withdraw(by=mother, peer_request=declined)

    assert not withdrawal_notices().exists()


def test_no_answer_in_seven_days_frees_the_place_and_tells_the_nurse(mother, volunteer, nurse):
    request = make_request(mother)
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)

    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert tasks.expire_proposals_task() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert tasks.expire_proposals_task() == 1
        assert tasks.expire_proposals_task() == 0

    intro.refresh_from_db()
    request.refresh_from_db()
    profile.refresh_from_db()
    assert intro.status == Introduction.Status.EXPIRED
    assert request.status == PeerRequest.Status.WAITING
    assert profile.active_count == 0
    assert request.tasks.get().kind == NurseTask.Kind.NO_ANSWER
    notice = emails_about(request).get(to=nurse.email)
    assert "did not answer in time" in notice.body_text
    assert emails_about(intro).get().status == OutboundEmail.Status.CANCELLED


def test_the_helpline_refers_a_caller_without_an_account(nurse):
    request = services.peer_request_refer(
        by=nurse,
        enquiry_id=4321,
        first_name="Dana",
        email="",
        phone="07700 900999",
        summary="Spinal fractures after her second baby",
        topics=["pain", "future_pregnancies"],
        consent_recorded=True,
    )
    request.refresh_from_db()
    assert request.mother is None
    assert request.source_enquiry_id == 4321
    assert (request.contact_method, request.contact_phone) == ("phone", "07700 900999")
    assert request.consent_recorded_by == nurse
    assert request.status == PeerRequest.Status.WAITING


def test_the_helpline_referral_is_refused_without_consent(nurse):
    with pytest.raises(ValidationError, match=str(services.NEEDS_CONSENT)):
        services.peer_request_refer(
            by=nurse, enquiry_id=1, first_name="Dana", email="d@example.org", phone="", summary="", topics=[],
            consent_recorded=False,
        )  # fmt: skip
    assert not PeerRequest.objects.exists()


def test_a_referred_mother_with_only_a_phone_is_told_by_a_nurse(nurse, volunteer):
    request = services.peer_request_refer(
        by=nurse, enquiry_id=7, first_name="Dana", email="", phone="07700 900999", summary="", topics=[],
        consent_recorded=True,
    )  # fmt: skip
    profile = make_volunteer(volunteer, talk_by="details")
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)

    assert request.tasks.get().kind == NurseTask.Kind.PHONE_MOTHER
    assert emails_about(intro).filter(template="peers/email/check_in").count() == 2  # the volunteer's only


def test_the_database_refuses_a_request_without_consents():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PeerRequest.objects.create(first_name="X", consent_nurses_read=True, consent_share_details=False)


def test_a_nurse_cannot_propose_for_a_request_already_proposed(mother, nurse):
    request = make_request(mother)
    first, second = make_volunteer(), make_volunteer()
    services.introduction_propose(by=nurse, peer_request=request, volunteer=first)
    with pytest.raises(ValidationError, match='request that is "A volunteer has been asked"'):
        services.introduction_propose(by=nurse, peer_request=request, volunteer=second)


def test_the_propose_view_shows_why_a_volunteer_cannot_be_asked_and_keeps_the_page(client, mother, nurse):
    request = make_request(mother)
    paused = make_volunteer(paused=True)
    client.force_login(nurse)
    response = client.post(reverse("peers:nurse-propose", args=[request.pk]), {"volunteer_id": paused.pk, "note": "x"})
    assert response.status_code == 400
    assert "This volunteer can&#x27;t be asked at the moment" in response.text
    assert VolunteerProfile.objects.get(pk=paused.pk).active_count == 0


def test_an_introduced_mother_is_told_when_her_volunteer_leaves(mother, volunteer, nurse):
    request = make_request(mother, **MOTHER_DETAILS)
    profile = make_volunteer(volunteer, first_name="Vicky", contact_email="vicky.peer@example.org")
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    services.introduction_accept(by=volunteer, introduction=intro)

    services.volunteer_leave(by=volunteer)

    [notice] = OutboundEmail.objects.filter(template="peers/email/volunteer_left")
    assert (notice.to, notice.status) == ("zelda.mum@example.org", OutboundEmail.Status.SCHEDULED)
    assert "Dear Zelda" in notice.body_text
    assert "nurses, who will look for another volunteer" in notice.body_text
    for leak in ("Vicky", "vicky.peer@example.org"):
        assert leak not in notice.subject + notice.body_text + notice.body_html
    request.refresh_from_db()
    assert request.status == PeerRequest.Status.WAITING


def test_a_mother_whose_volunteer_was_only_asked_is_not_emailed_when_she_leaves(mother, volunteer, nurse):
    request = make_request(mother, **MOTHER_DETAILS)
    profile = make_volunteer(volunteer)
    services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)

    services.volunteer_leave(by=volunteer)

    assert not OutboundEmail.objects.filter(template="peers/email/volunteer_left").exists()
    request.refresh_from_db()
    assert request.status == PeerRequest.Status.WAITING
