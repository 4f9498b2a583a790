"""The nurses' moderation: what needs a look, hiding a message, pausing and ending a conversation."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from peers import conversations, services
from peers.models import Introduction, Message
from portal.models import AuditEntry, OutboundEmail

from .builders import make_request, make_volunteer
from .test_conversation import CRISIS

pytestmark = pytest.mark.django_db


@pytest.fixture
def intro(mother, volunteer, nurse) -> Introduction:
    proposed = services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
    )
    return services.introduction_accept(by=volunteer, introduction=proposed)


def test_the_moderation_page_lists_marked_and_reported_messages_without_their_words(
    client, intro, mother, volunteer, nurse
):
    conversations.message_send(by=mother, introduction=intro, body=CRISIS)
    rude = conversations.message_send(by=volunteer, introduction=intro, body="Something unkind").message
    conversations.message_send(by=volunteer, introduction=intro, body="An ordinary hello")
    conversations.message_report(by=mother, message=rude)

    client.force_login(nurse)
    page = client.get(reverse("peers:nurse-moderation")).text
    ref = intro.peer_request.reference
    assert page.count(f"{ref}, message") == 2
    assert "Safety triage: crisis." in page and "Reported" in page
    for words in ("end my life", "Something unkind", "An ordinary hello"):
        assert words not in page


def test_a_quiet_conversation_is_listed_after_two_weeks(client, intro, mother, nurse):
    client.force_login(nurse)
    assert intro.peer_request.reference not in client.get(reverse("peers:nurse-moderation")).text
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        client.force_login(nurse)
        assert intro.peer_request.reference in client.get(reverse("peers:nurse-moderation")).text
        conversations.message_send(by=mother, introduction=intro, body="Are you there?")
        assert intro.peer_request.reference not in client.get(reverse("peers:nurse-moderation")).text


def test_a_hidden_message_is_kept_audited_gone_for_the_other_and_its_writer_is_told(
    client, intro, mother, volunteer, nurse
):
    message = conversations.message_send(by=volunteer, introduction=intro, body="Something unkind").message
    client.force_login(nurse)
    response = client.post(reverse("peers:nurse-message-hide", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.hidden_at is not None and message.hidden_by == nurse and message.body == "Something unkind"
    assert AuditEntry.objects.filter(action="peers.message_hidden", actor=nurse, target_id=str(message.pk)).exists()

    client.force_login(mother)
    theirs = client.get(reverse("peers:conversation", args=[intro.pk])).text
    assert "Something unkind" not in theirs and "A nurse has hidden this message." in theirs
    client.force_login(volunteer)
    mine = client.get(reverse("peers:conversation", args=[intro.pk])).text
    assert "Something unkind" in mine and "A nurse has hidden this message from Alice" in mine
    told = OutboundEmail.objects.get(template="peers/email/message_hidden")
    assert told.to == volunteer.email and "unkind" not in told.body_text


def test_a_paused_conversation_takes_no_messages_until_resumed(client, intro, mother, nurse):
    client.force_login(nurse)
    client.post(reverse("peers:nurse-conversation-pause", args=[intro.pk]))
    intro.refresh_from_db()
    assert intro.paused_at is not None
    client.force_login(mother)
    page = client.get(reverse("peers:conversation", args=[intro.pk])).text
    assert "A nurse has paused this conversation" in page and "Your message" not in page
    assert client.post(reverse("peers:conversation-send", args=[intro.pk]), {"body": "Hi"}).status_code == 400
    client.force_login(nurse)
    client.post(reverse("peers:nurse-conversation-resume", args=[intro.pk]))
    client.force_login(mother)
    assert client.post(reverse("peers:conversation-send", args=[intro.pk]), {"body": "Hi"}).status_code == 302
    assert Message.objects.get().body == "Hi"
    actions = set(AuditEntry.objects.filter(target_id=str(intro.pk)).values_list("action", flat=True))
    assert {"peers.conversation_paused", "peers.conversation_resumed"} <= actions


def test_a_nurse_ends_the_introduction_from_the_conversation(client, intro, nurse):
    client.force_login(nurse)
    page = client.get(reverse("peers:conversation", args=[intro.pk])).text
    assert "End the introduction" in page
    client.post(reverse("peers:nurse-introduction-close", args=[intro.pk]), {"feedback": ""})
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ENDED


def test_marking_a_message_seen_takes_it_off_the_list(client, intro, mother, nurse):
    message = conversations.message_send(by=mother, introduction=intro, body=CRISIS).message
    client.force_login(nurse)
    client.post(reverse("peers:nurse-message-reviewed", args=[message.pk]))
    message.refresh_from_db()
    assert message.reviewed_by == nurse
    assert f"message {message.pk}" not in client.get(reverse("peers:nurse-moderation")).text


def test_only_nurses_moderate(client, intro, mother, volunteer):
    message = conversations.message_send(by=volunteer, introduction=intro, body="Hello").message
    client.force_login(mother)
    for name, pk in (("nurse-message-hide", message.pk), ("nurse-conversation-pause", intro.pk)):
        assert client.post(reverse(f"peers:{name}", args=[pk])).status_code == 403
    message.refresh_from_db()
    intro.refresh_from_db()
    assert message.hidden_at is None and intro.paused_at is None
