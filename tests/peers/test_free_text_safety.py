"""Her words outside a conversation get the same safety triage: her request, and the comment when it ends."""

import pytest
from django.urls import reverse

from peers import services
from peers.models import Ending, NurseTask, PeerRequest
from portal.models import OutboundEmail

from .builders import make_request, make_volunteer
from .test_flow import REQUEST_DATA

pytestmark = pytest.mark.django_db

CRISIS = "Honestly everyone would be better off without me, I've been saving up my tablets"


def alerts() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(template="helpline/email/peer_message_alert"))


def test_a_request_whose_words_alarm_shows_her_the_advice_and_tells_the_nurses_without_her_words(client, mother, nurse):
    client.force_login(mother)
    response = client.post(
        reverse("peers:request-new"),
        {**REQUEST_DATA, "about": CRISIS, "consent_nurses_read": "on", "consent_share_details": "on"},
        follow=True,
    )

    request = PeerRequest.objects.get(mother=mother)
    assert "What you wrote in your request worries us" in response.text and "116 123" in response.text
    assert NurseTask.objects.filter(kind=NurseTask.Kind.WORDS_ALARM, peer_request=request).exists()
    [alert] = alerts()
    assert alert.to == nurse.email and f"/peers/nurse/requests/{request.pk}/" in alert.body_text
    assert "tablets" not in alert.subject + alert.body_text + alert.body_html


def test_an_everyday_request_raises_no_alarm(client, mother, nurse):
    services.peer_request_create(
        by=mother,
        data={**REQUEST_DATA, "about": "I'd love to talk to someone who breastfed after fractures."},
        consent_nurses_read=True,
        consent_share_details=True,
    )
    assert PeerRequest.objects.get().safety == {} and not alerts()
    assert not NurseTask.objects.filter(kind=NurseTask.Kind.WORDS_ALARM).exists()


def test_an_ending_comment_that_alarms_shows_her_the_advice_even_when_she_asks_for_another_contact(
    client, mother, volunteer, nurse
):
    proposed = services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
    )
    intro = services.introduction_accept(by=volunteer, introduction=proposed)
    client.force_login(mother)

    response = client.post(
        reverse("peers:ending", args=[intro.pk]), {"rating": "1", "comment": CRISIS, "wants_another": "on"}, follow=True
    )

    assert "What you wrote worries us" in response.text and "116 123" in response.text
    assert Ending.objects.get().safety["level"] == "crisis"
    assert NurseTask.objects.filter(kind=NurseTask.Kind.WORDS_ALARM, introduction=intro).exists()
    assert len(alerts()) == 1
