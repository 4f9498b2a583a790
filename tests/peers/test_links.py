"""Emailed links: single use, expiring, tamper-proof, and refused with a clear page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from peers import services, tokens
from peers.models import CheckIn, Introduction, NurseTask
from portal.models import OutboundEmail

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def intro(mother, volunteer, nurse):
    return services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
    )


def respond_path(intro) -> str:
    body = OutboundEmail.objects.get(template="peers/email/introduction_proposed", about_id=str(intro.pk)).body_text
    return re.search(r"(/peers/respond/[^\s]+/)", body).group(1)


def test_a_reused_accept_link_is_refused_with_a_clear_page(client, intro):
    path = respond_path(intro)
    assert client.post(path, {"answer": "accept"}).status_code == 200

    again = client.post(path, {"answer": "accept"})
    assert again.status_code == 410
    assert "This link has already been used." in again.text
    assert "This link can't be used" in again.text
    assert client.get(path).status_code == 410
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED
    assert OutboundEmail.objects.filter(template="peers/email/introduction_portal").count() == 2


def test_a_double_clicked_accept_accepts_once(intro):
    signed = respond_path(intro).split("/")[-2]
    services.introduction_respond_by_link(signed_token=signed, accept=True)
    with pytest.raises(ValidationError, match=str(services.LINK_USED)):
        services.introduction_respond_by_link(signed_token=signed, accept=True)
    assert CheckIn.objects.filter(introduction=intro).count() == 4


def test_an_expired_link_is_refused_and_changes_nothing(client, intro):
    path = respond_path(intro)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(path, {"answer": "accept"})
    assert response.status_code == 410
    assert "This link has expired." in response.text
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.PROPOSED


def test_a_tampered_link_is_refused(client, intro):
    path = respond_path(intro)
    response = client.get(path[:-3] + "xx/")
    assert response.status_code == 410
    assert services.LINK_INVALID.replace("'", "&#x27;") in response.text


def test_a_link_from_a_stolen_hash_does_not_work(client, intro):
    # The database holds only a hash: signing the hash itself gives nothing.
    from django.core import signing

    forged = signing.Signer(salt="peers.link").sign(intro.token_hash)
    assert client.get(f"/peers/respond/{forged}/").status_code == 410


def test_declining_by_link_tells_the_nurses(client, intro, nurse):
    client.post(respond_path(intro), {"answer": "decline"})
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.DECLINED
    assert NurseTask.objects.get().kind == NurseTask.Kind.VOLUNTEER_DECLINED


def test_the_link_page_itself_changes_nothing(client, intro):
    client.get(respond_path(intro))
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.PROPOSED


def test_check_in_please_contact_me_puts_a_task_in_the_queue_once(client, intro, nurse):
    signed = respond_path(intro).split("/")[-2]
    services.introduction_respond_by_link(signed_token=signed, accept=True)
    message = OutboundEmail.objects.filter(template="peers/email/check_in").order_by("send_after", "id").first()
    path = re.search(r"(/peers/check-in/[^\s]+/)", message.body_text).group(1)

    assert "Please contact me" in client.get(path).text
    assert client.post(path, {"answer": "contact_me"}).status_code == 200
    reused = client.post(path, {"answer": "going_well"})

    assert reused.status_code == 410 and "This link has already been used." in reused.text
    check_in = CheckIn.objects.get(token_hash=tokens.hash_from_url(path.split("/")[-2]))
    assert check_in.answer == CheckIn.Answer.CONTACT_ME
    assert NurseTask.objects.get().kind == NurseTask.Kind.CONTACT_ME
    assert OutboundEmail.objects.filter(to=nurse.email, template="peers/email/nurses_notice").count() == 1


def test_a_check_in_link_expires(client, intro):
    signed = respond_path(intro).split("/")[-2]
    services.introduction_respond_by_link(signed_token=signed, accept=True)
    message = OutboundEmail.objects.filter(template="peers/email/check_in").first()
    path = re.search(r"(/peers/check-in/[^\s]+/)", message.body_text).group(1)
    with time_machine.travel(timezone.now() + timedelta(days=200)):
        response = client.post(path, {"answer": "going_well"})
    assert response.status_code == 410 and "This link has expired." in response.text
