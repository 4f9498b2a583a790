"""The conversation between a mother and her volunteer, inside the portal: every write.

Each message is screened with the helpline's safety triage (through
`portal.screening`, since peers never imports the helpline). A message at an alarm
level shows its writer the advice at once, alerts the nurses on duty and is marked
for a nurse. Contact details typed into a message are held back from the other
woman unless both chose to exchange details (`peers.contact_details`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from portal import screening
from portal.audit import audit_record
from portal.models import User

from .models import Introduction, Message, NurseTask, TalkBy
from .services import _lock_introduction, _tell_nurses

# The guidelines at the top of the page (peers/includes/guidelines.html) give no medical advice; their one
# safety line, "In a life-threatening emergency, call 999", follows this page.
GUIDELINES_SOURCES = ("https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/",)

EMPTY = gettext_lazy("Please write a message before sending it.")
TOO_LONG = gettext_lazy("Please keep a message to {limit:,} characters or fewer. This one has {length:,}.")
NOT_LIVE = 'This introduction is "{status}", so the conversation takes no new messages.'
PAUSED = gettext_lazy("A nurse has paused this conversation for now, so it takes no new messages.")
ALREADY_HIDDEN = gettext_lazy("This message is already hidden.")


@dataclass(frozen=True)
class Sent:
    message: Message
    alarm: bool
    held_back: bool


def side_of(user: User, intro: Introduction) -> str | None:
    """Which woman of the introduction she is, or None (a nurse, or nobody in it)."""
    if user.pk is not None and user.pk == intro.peer_request.mother_id:
        return Message.Side.MOTHER
    if user.pk is not None and user.pk == intro.volunteer.user_id:
        return Message.Side.VOLUNTEER
    return None


def conversation_path(intro: Introduction) -> str:
    return reverse("peers:conversation", args=[intro.pk])


def check_body(body: str) -> str:
    """The message as it will be kept, or the error she sees (nothing she typed is lost: the form keeps it)."""
    body = body.strip()
    if not body:
        raise ValidationError(EMPTY)
    limit = settings.PEERS_MESSAGE_MAX_CHARS
    if len(body) > limit:
        raise ValidationError(TOO_LONG.format(limit=limit, length=len(body)))
    return body


def _check_live(intro: Introduction) -> None:
    if intro.status != Introduction.Status.ACCEPTED:
        raise ValidationError(NOT_LIVE.format(status=intro.get_status_display()))
    if intro.paused_at is not None:
        raise ValidationError(PAUSED)


def message_send(*, by: User, introduction: Introduction, body: str) -> Sent:
    """One of the two women writes to the other; screened, held back where needed, nurses alerted on an alarm."""
    body = check_body(body)
    with transaction.atomic():
        intro = _lock_introduction(introduction.pk)
        side = side_of(by, intro)
        if side is None:
            raise Introduction.DoesNotExist  # the view has already refused; never write for a stranger
        _check_live(intro)
        found = screening.screen(body)
        if intro.talk_by == TalkBy.DETAILS:
            shared, held = body, False
        else:
            from .contact_details import hold_back

            shared, held = hold_back(body)
        now = timezone.now()
        message = Message.objects.create(
            introduction=intro,
            author=by,
            side=side,
            body=body,
            shared_body=shared,
            held_back=held,
            created_at=now,
            level=found.level,
            advice=list(found.advice) if found.is_alarm else [],
            alarm=found.is_alarm,
            email_unsafe=found.email_unsafe,
            marked_for_nurse_at=now if found.is_alarm else None,
        )
        audit_record(action="peers.message_sent", actor=by, target=message, alarm=found.is_alarm, held_back=held)
        if found.is_alarm:
            NurseTask.objects.create(
                kind=NurseTask.Kind.MESSAGE_ALARM, peer_request=intro.peer_request, introduction=intro
            )
            screening.alert_nurses(level_label=found.label, path=conversation_path(intro))
        from .notifications import notify_new_message

        notify_new_message(
            intro, to_side=Message.Side.VOLUNTEER if side == Message.Side.MOTHER else Message.Side.MOTHER
        )
    return Sent(message=message, alarm=found.is_alarm, held_back=held)


def advice_for(message: Message) -> list:
    """The safety advice her message called for, as clinical staff last approved it."""
    return screening.advice(message.advice, message.level) if message.alarm else []


def conversation_mark_read(*, by: User, introduction: Introduction) -> int:
    """She has seen the other woman's messages: they show as read to their writer."""
    side = side_of(by, introduction)
    if side is None:
        return 0
    return (
        Message.objects.filter(introduction=introduction, read_at__isnull=True, hidden_at__isnull=True)
        .exclude(side=side)
        .update(read_at=timezone.now())
    )


def message_report(*, by: User, message: Message) -> Message:
    """Either woman reports a message (usually the other's): it goes to the nurses. A second report changes nothing."""
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("introduction__peer_request").get(pk=message.pk)
        if message.reported_at is not None:
            return message
        message.reported_at, message.reported_by = timezone.now(), by
        message.save(update_fields=["reported_at", "reported_by"])
        intro = message.introduction
        audit_record(action="peers.message_reported", actor=by, target=message)
        _tell_nurses(
            notice=gettext("A message in the conversation for request %(reference)s was reported.")
            % {"reference": intro.peer_request.reference},
            peer_request=intro.peer_request,
            task_kind=NurseTask.Kind.MESSAGE_REPORTED,
            introduction=intro,
        )
    return message


def conversation_ask_nurse(*, by: User, introduction: Introduction) -> None:
    """ "Please contact me, nurse": a task in the nurses' queue, and every nurse told (ids only)."""
    with transaction.atomic():
        intro = _lock_introduction(introduction.pk)
        side = side_of(by, intro)
        if side == Message.Side.VOLUNTEER:
            notice = gettext(
                "From the conversation page, the volunteer in request %(reference)s asked a nurse to get in touch."
            )
        else:
            notice = gettext(
                "From the conversation page, the mother in request %(reference)s asked a nurse to get in touch."
            )
        audit_record(action="peers.conversation_nurse_asked", actor=by, target=intro)
        _tell_nurses(
            notice=notice % {"reference": intro.peer_request.reference},
            peer_request=intro.peer_request,
            task_kind=NurseTask.Kind.CONVERSATION_NURSE,
            introduction=intro,
        )


def conversations_delete_due(*, now=None) -> int:
    """Delete the messages of introductions that ended longer ago than PEERS_CONVERSATION_RETENTION_DAYS.

    Run hourly; what the nurses recorded (the introduction, its outcome, tasks and audit rows)
    stays. A second run finds nothing left and deletes nothing.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PEERS_CONVERSATION_RETENTION_DAYS)
    due = Introduction.objects.filter(
        status=Introduction.Status.ENDED, ended_at__lte=cutoff, messages__isnull=False
    ).distinct()
    deleted = 0
    for intro_id in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            count, _ = Message.objects.filter(introduction_id=intro_id).delete()
            if count:
                audit_record(action="peers.conversation_deleted", target=Introduction(pk=intro_id), messages=count)
                deleted += count
    return deleted
