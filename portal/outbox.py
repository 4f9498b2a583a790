"""The email outbox: every email the portal sends goes through here.

A business action calls `email_queue()` inside its own transaction; the row is
the promise to send. After commit, the delivery task is enqueued with the row's
id only. `email_deliver()` claims the row with a conditional UPDATE, so two
workers (or one task run twice) cannot both send it.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def email_queue(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    about: models.Model | None = None,
    send_after: datetime | None = None,
    kind: str = OutboundEmail.Kind.TRANSACTIONAL,
) -> OutboundEmail:
    """Record an email to send once the surrounding transaction commits.

    `template` names three templates: `<template>_subject.txt`, `<template>.txt`
    and `<template>.html`; they extend the shared email layout with the footer.
    """
    ctx = {
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "charity_name": settings.CHARITY_NAME,
        **(context or {}),
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
    message = OutboundEmail.objects.create(
        to=to,
        kind=kind,
        template=template,
        subject=subject[:200],
        body_text=render_to_string(f"{template}.txt", ctx),
        body_html=render_to_string(f"{template}.html", ctx),
        about_type=about._meta.label_lower if about is not None else "",
        about_id=str(about.pk) if about is not None else "",
        send_after=send_after or timezone.now(),
    )
    if message.send_after <= timezone.now():
        transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from .tasks import email_deliver_task

    try:
        email_deliver_task.delay(message_id)
    except Exception:
        # The broker is down: the row stays SCHEDULED and the sweeper sends it later.
        logger.warning("could not enqueue email #%s; the sweeper will pick it up", message_id)


def email_deliver(*, message_id: int) -> bool:
    """Send one due message at most once. Returns True if this call sent it."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=message_id, status=OutboundEmail.Status.SCHEDULED, send_after__lte=now
    ).update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=models.F("attempts") + 1)
    if not claimed:
        return False
    message = OutboundEmail.objects.get(pk=message_id)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": f"<outbox-{message.pk}@{settings.SITE_URL.split('//')[-1]}>"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send()
    OutboundEmail.objects.filter(pk=message.pk).update(status=OutboundEmail.Status.SENT, sent_at=timezone.now())
    logger.info("sent email #%s", message.pk)
    return True


def emails_about(obj: models.Model):
    return OutboundEmail.objects.filter(about_type=obj._meta.label_lower, about_id=str(obj.pk)).order_by(
        "send_after", "id"
    )


def email_cancel(*, message: OutboundEmail, by=None) -> bool:
    """Cancel a message that has not been sent yet. Returns False if it was too late."""
    return bool(
        OutboundEmail.objects.filter(pk=message.pk, status=OutboundEmail.Status.SCHEDULED).update(
            status=OutboundEmail.Status.CANCELLED
        )
    )


def email_cancel_about(*, about: models.Model) -> int:
    """Cancel every unsent message about one record (an introduction that ended, a withdrawn request)."""
    return (
        OutboundEmail.objects.filter(about_type=about._meta.label_lower, about_id=str(about.pk))
        .filter(status=OutboundEmail.Status.SCHEDULED)
        .update(status=OutboundEmail.Status.CANCELLED)
    )
