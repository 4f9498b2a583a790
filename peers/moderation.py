"""The nurses' moderation of conversations: hide a message, mark one seen, pause and resume.

A hidden message is kept (the nurses and its writer still see it, the other woman no
longer does) and its writer is told, by a note on her page and an email without the
message's words. Ending an introduction is `services.introduction_end`, as from the
request page. Every action leaves an audit row.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.audit import audit_record
from portal.models import User
from portal.outbox import email_queue

from .models import Introduction, Message
from .services import _link, _lock_introduction

ALREADY_HIDDEN = gettext_lazy("This message is already hidden.")
CANNOT_PAUSE = 'Can\'t pause a conversation whose introduction is "{status}".'
NOT_PAUSED = gettext_lazy("This conversation is not paused.")
ALREADY_PAUSED = gettext_lazy("This conversation is already paused.")


def _writer_address(message: Message) -> str:
    author = message.author
    if author is None or not author.email:
        return ""
    # Her own words suggested someone else may read her email: tell her on her page only.
    if message.introduction.messages.filter(side=message.side, email_unsafe=True).exists():
        return ""
    return author.email


def message_hide(*, by: User, message: Message) -> Message:
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",)).select_related("author", "introduction").get(pk=message.pk)
        )
        if message.hidden_at is not None:
            raise ValidationError(ALREADY_HIDDEN)
        now = timezone.now()
        message.hidden_at, message.hidden_by = now, by
        message.reviewed_at = message.reviewed_at or now
        message.reviewed_by = message.reviewed_by or by
        message.save(update_fields=["hidden_at", "hidden_by", "reviewed_at", "reviewed_by"])
        audit_record(action="peers.message_hidden", actor=by, target=message)
        address = _writer_address(message)
        if address:
            email_queue(
                to=address,
                template="peers/email/message_hidden",
                context={"link": _link("peers:conversation", message.introduction_id)},
                about=message.introduction,
            )
    return message


def message_mark_reviewed(*, by: User, message: Message) -> Message:
    """A nurse has seen a marked or reported message and it needs nothing more. A second click changes nothing."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.reviewed_at is None:
            message.reviewed_at, message.reviewed_by = timezone.now(), by
            message.save(update_fields=["reviewed_at", "reviewed_by"])
            audit_record(action="peers.message_reviewed", actor=by, target=message)
    return message


def conversation_pause(*, by: User, introduction: Introduction) -> Introduction:
    """No new messages until a nurse resumes it; both women see that it is paused."""
    with transaction.atomic():
        intro = _lock_introduction(introduction.pk)
        if intro.status != Introduction.Status.ACCEPTED:
            raise ValidationError(CANNOT_PAUSE.format(status=intro.get_status_display()))
        if intro.paused_at is not None:
            raise ValidationError(ALREADY_PAUSED)
        intro.paused_at, intro.paused_by = timezone.now(), by
        intro.save(update_fields=["paused_at", "paused_by"])
        audit_record(action="peers.conversation_paused", actor=by, target=intro)
    return intro


def conversation_resume(*, by: User, introduction: Introduction) -> Introduction:
    with transaction.atomic():
        intro = _lock_introduction(introduction.pk)
        if intro.paused_at is None:
            raise ValidationError(NOT_PAUSED)
        intro.paused_at, intro.paused_by = None, None
        intro.save(update_fields=["paused_at", "paused_by"])
        audit_record(action="peers.conversation_resumed", actor=by, target=intro)
    return intro
