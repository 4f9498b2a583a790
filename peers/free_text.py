"""The helpline's safety triage on what the women write outside a conversation: her request and an ending's comment.

Messages in a conversation are screened as they are sent (`conversations.message_send`);
the same screen reads the words a mother puts in her request and the comment either
woman leaves when an introduction ends. On an alarm the nurses on duty are told (the
level and a link, never her words), a nurse task is raised, and the advice is kept on
the record so the page she lands on shows it.
"""

from django.urls import reverse

from portal import screening

from .models import Introduction, NurseTask, PeerRequest


def words_screen(text: str, *, peer_request: PeerRequest, introduction: Introduction | None = None) -> dict:
    """Call inside the transaction that saves the words. Returns what to keep for her page: {} when calm."""
    if not text.strip():
        return {}
    found = screening.screen(text)
    if not found.is_alarm:
        return {}
    NurseTask.objects.create(kind=NurseTask.Kind.WORDS_ALARM, peer_request=peer_request, introduction=introduction)
    screening.alert_nurses(level_label=found.label, path=reverse("peers:nurse-request", args=[peer_request.pk]))
    return {"level": found.level, "advice": list(found.advice)}


def advice_blocks(safety: dict) -> list:
    """The advice kept on a request or an ending, as clinical staff last approved it."""
    return screening.advice(safety["advice"], safety["level"]) if safety else []
