"""Conversations in her data: in her export, gone with her erasure, deleted on schedule after the end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peers import conversations, services
from peers.models import Introduction, Message
from peers.personal_data import peers_export
from peers.tasks import delete_ended_conversations_task
from portal.models import AuditEntry

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def intro(mother, volunteer, nurse) -> Introduction:
    proposed = services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
    )
    intro = services.introduction_accept(by=volunteer, introduction=proposed)
    conversations.message_send(by=mother, introduction=intro, body="Mine: the nights are the hardest")
    conversations.message_send(by=volunteer, introduction=intro, body="Hers: it gets easier, I promise")
    return intro


def test_her_export_has_her_own_messages_and_only_the_count_of_the_others(mother, intro):
    (request,) = peers_export(mother)["requests"]
    (exported,) = request["introductions"]
    assert [m["text"] for m in exported["your_messages"]] == ["Mine: the nights are the hardest"]
    assert exported["messages_received"] == 1
    assert "Hers:" not in str(peers_export(mother))


def test_her_erasure_removes_the_conversation(mother, intro):
    services.peers_data_erase(by=mother)
    assert not Message.objects.filter(introduction=intro).exists()
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ENDED  # the record that there was an introduction stays


def test_conversations_are_deleted_on_schedule_after_the_end_and_a_second_run_changes_nothing(
    mother, volunteer, intro, settings
):
    settings.PEERS_CONVERSATION_RETENTION_DAYS = 180
    services.introduction_end(by=mother, introduction=intro, feedback="It helped")
    Introduction.objects.filter(pk=intro.pk).update(ended_at=timezone.now() - timedelta(days=181))

    assert delete_ended_conversations_task.apply().get() == 2
    assert not Message.objects.filter(introduction=intro).exists()
    intro.refresh_from_db()
    assert intro.feedback == "It helped"  # the outcome stays
    assert AuditEntry.objects.filter(action="peers.conversation_deleted", target_id=str(intro.pk)).count() == 1
    assert delete_ended_conversations_task.apply().get() == 0


def test_a_conversation_that_ended_recently_or_is_live_is_kept(mother, intro, settings):
    settings.PEERS_CONVERSATION_RETENTION_DAYS = 180
    assert conversations.conversations_delete_due() == 0
    services.introduction_end(by=mother, introduction=intro)
    Introduction.objects.filter(pk=intro.pk).update(ended_at=timezone.now() - timedelta(days=179))
    assert conversations.conversations_delete_due() == 0
    assert Message.objects.filter(introduction=intro).count() == 2
