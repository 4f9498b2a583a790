"""'You have a new message from your peer contact': by email, never with the message's words.

At most one an hour per woman and conversation: a message within the hour after the
last notice is covered by one more notice at the end of that hour (unless one is still
waiting to go). Sent through the outbox as a follow-up, so her unsubscribe, bounces and
suppressions all apply; and never to a woman whose own words suggested that someone
else may read her email (the triage's risk flag on any of her messages).
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.models import OutboundEmail
from portal.outbox import email_queue, emails_about

from .models import Introduction, Message

TEMPLATE = "peers/email/new_message"


def _address(intro: Introduction, side: str) -> str:
    """The address she gave for peer support, else her account's (as every peer support email)."""
    if side == Message.Side.MOTHER:
        request = intro.peer_request
        return request.contact_email or (request.mother.email if request.mother else "")
    volunteer = intro.volunteer
    return volunteer.contact_email or (volunteer.user.email if volunteer.user else "")


def notify_new_message(intro: Introduction, *, to_side: str, now=None) -> OutboundEmail | None:
    """Call with the introduction locked (inside `message_send`)."""
    now = now or timezone.now()
    field = "mother_notified_at" if to_side == Message.Side.MOTHER else "volunteer_notified_at"
    address = _address(intro, to_side)
    if not address or intro.messages.filter(side=to_side, email_unsafe=True).exists():
        return None
    if emails_about(intro).filter(template=TEMPLATE, to=address, status=OutboundEmail.Status.SCHEDULED).exists():
        return None  # one is already waiting to go: it covers this message too
    last = getattr(intro, field)
    every = timedelta(minutes=settings.PEERS_NOTIFY_EVERY_MINUTES)
    send_after = max(now, last + every) if last else now
    first_name = intro.peer_request.first_name if to_side == Message.Side.MOTHER else intro.volunteer.first_name
    email = email_queue(
        to=address,
        template=TEMPLATE,
        context={"first_name": first_name, "link": settings.SITE_URL + reverse("peers:conversation", args=[intro.pk])},
        about=intro,
        send_after=send_after,
        kind=OutboundEmail.Kind.FOLLOW_UP,
    )
    Introduction.objects.filter(pk=intro.pk).update(**{field: send_after})
    setattr(intro, field, send_after)
    return email
