"""The email outbox: every email the portal sends goes through here.

A business action calls `email_queue()` inside its own transaction; the row is
the promise to send. After commit, the delivery task is published with the
row's id only. The claim protocol, one conditional UPDATE per step, is what
makes delivery at-most-once per claim whatever Celery does:

    SCHEDULED --claim--> SENDING --sent--> SENT
                           |--temporary error--> SCHEDULED (send_after = now + backoff)
                           |--permanent error, or out of attempts--> FAILED
                           '--follow-up to an unsubscribed address--> CANCELLED

A task run twice, or two workers racing, both try the claim and only one row
update succeeds. If a worker dies mid-send, Celery re-queues its task
(acks_late + reject_on_worker_lost, see portal/tasks.py), but the re-run finds
the row SENDING and leaves it: it cannot know whether the SMTP server already
took the message. The sweeper puts such a row back to SCHEDULED once its claim
is older than any task may run (OUTBOX_STALE_SENDING_SECONDS, 10 minutes,
against a 2-minute hard time limit), so it is sent again: nothing is lost, and
a crash causes at most one duplicate, carrying the same (stored, unguessable)
Message-ID so mail systems and people can recognise it.

The sweeper (`emails_sweep`, on beat every minute) publishes due rows that have
no live task: scheduled ones whose time has come, retries, and any whose
publish failed or was lost because Redis or the worker was down.
"""

import logging
import random
import smtplib
import time
from datetime import datetime, timedelta
from email.errors import MessageError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags

from ..audit import audit_record
from ..i18n import offered, recipient_language
from ..identity import charity_identity
from ..models import EmailSuppression, OutboundAttachment, OutboundEmail, User
from .consent import NOT_SENT, not_sent_reason, unsubscribe_url
from .vetoes import veto_reason

logger = logging.getLogger(__name__)
Status = OutboundEmail.Status

NOT_SENT_UNSUBSCRIBED = NOT_SENT[EmailSuppression.Reason.UNSUBSCRIBED]
CANCELLED_BY_STAFF = "Cancelled by staff before it was sent."
CANCELLED_NO_LONGER_NEEDED = "Cancelled: no longer needed."
STALE_SENDING = "The worker stopped while sending; trying again (the recipient may get it twice)."
CANNOT_RETRY = 'Only a failed email can be retried; this one is "{status}".'

# After a failed publish this process stops trying the broker for a while
# (OUTBOX_BROKER_PAUSE_SECONDS), so a Redis outage costs one business action the
# failed publish (milliseconds if Redis refuses connections, about twice
# REDIS_TIMEOUT_MS if it hangs) and the rest nothing: their rows wait for the sweeper.
_broker_down_until = 0.0


def email_queue(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    about: models.Model | None = None,
    send_after: datetime | None = None,
    kind: str = OutboundEmail.Kind.TRANSACTIONAL,
    attachments: list[tuple[str, bytes, str]] = (),
    language: str = "",
) -> OutboundEmail:
    """Record an email to send once the surrounding transaction commits.

    `template` names three templates: `<template>_subject.txt`, `<template>.txt`
    and `<template>.html`; they extend the shared email layout with the footer.
    A FOLLOW_UP email also gets `unsubscribe_url` in its context (the layout
    prints it); one to an address that has unsubscribed is recorded as
    CANCELLED with the reason, so staff can see why it never went.
    """
    return email_record(
        to=to,
        template=template,
        **email_render(to=to, template=template, context=context, kind=kind, language=language),
        about=about,
        send_after=send_after,
        kind=kind,
        attachments=attachments,
    )


def email_render(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    kind: str = OutboundEmail.Kind.TRANSACTIONAL,
    language: str = "",
) -> dict[str, str]:
    """The subject, plain text and HTML `email_queue` would record: for previews that must match what is sent.

    In `language` (the one she used when she wrote, kept on her enquiry or request), or else
    her account's, never the language of whoever's action sends it.
    """
    ctx = {
        "site_url": settings.SITE_URL,
        **charity_identity(),
        **(context or {}),
    }
    if kind == OutboundEmail.Kind.FOLLOW_UP:
        ctx["unsubscribe_url"] = unsubscribe_url(to)
    with translation.override(offered(language) or recipient_language(to)):
        return {
            "subject": " ".join(render_to_string(f"{template}_subject.txt", ctx).split())[:200],
            "body_text": render_to_string(f"{template}.txt", ctx),
            "body_html": render_to_string(f"{template}.html", ctx),
        }


def email_record(
    *,
    to: str,
    template: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    about: models.Model | None = None,
    send_after: datetime | None = None,
    kind: str = OutboundEmail.Kind.TRANSACTIONAL,
    attachments: list[tuple[str, bytes, str]] = (),
) -> OutboundEmail:
    """Record an already-rendered email (account mail rendered by allauth uses this).

    `attachments` are (filename, content, content type), stored with the row so every
    retry sends the same files.
    """
    now = timezone.now()
    send_after = send_after or now
    about_type, about_id = (about._meta.label_lower, str(about.pk)) if about is not None else ("", "")
    status, reason = Status.SCHEDULED, _not_sent_reason(to, kind, about_type=about_type, about_id=about_id)
    if reason:
        status = Status.CANCELLED
    publish = status == Status.SCHEDULED and send_after <= now and not _broker_paused()
    message = OutboundEmail.objects.create(
        to=to,
        kind=kind,
        template=template,
        # One line: a newline in a subject would be refused as header injection at send time.
        subject=" ".join(subject.split())[:200],
        body_text=body_text,
        body_html=body_html,
        about_type=about_type,
        about_id=about_id,
        send_after=send_after,
        status=status,
        last_error=reason,
        enqueued_at=now if publish else None,
    )
    # Before the publish below runs (on commit), so the worker always finds them.
    OutboundAttachment.objects.bulk_create(
        OutboundAttachment(email=message, filename=name, content=content, content_type=content_type)
        for name, content, content_type in attachments
    )
    if publish:
        # robust: the action has committed by then; nothing here may turn it into an error page.
        transaction.on_commit(lambda: _publish([message.pk]), robust=True)
    return message


def _not_sent_reason(to: str, kind: str, *, about_type: str = "", about_id: str = "") -> str:
    """Why this email must not go ("" when it may): the address's suppression, then the apps' vetoes."""
    return not_sent_reason(to, essential=kind != OutboundEmail.Kind.FOLLOW_UP) or veto_reason(
        to=to, about_type=about_type, about_id=about_id
    )


def _broker_paused() -> bool:
    return time.monotonic() < _broker_down_until


def _publish(ids: list[int]) -> int:
    """Publish one delivery task per id; returns how many were published.

    A broker failure never propagates: the unpublished rows get `enqueued_at`
    cleared so the next sweep publishes them.
    """
    global _broker_down_until
    from ..tasks import email_deliver_task

    for n, pk in enumerate(ids):
        try:
            email_deliver_task.delay(pk)
        except Exception as exc:
            _broker_down_until = time.monotonic() + settings.OUTBOX_BROKER_PAUSE_SECONDS
            OutboundEmail.objects.filter(pk__in=ids[n:], status=Status.SCHEDULED).update(enqueued_at=None)
            logger.warning(
                "could not publish %s email task(s) starting at #%s (%s); the sweeper will retry",
                len(ids) - n,
                pk,
                exc.__class__.__name__,
            )
            return n
    return len(ids)


def email_deliver(*, message_id: int) -> bool:
    """Send one due message at most once per claim. Returns True if this call sent it."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=message_id, status=Status.SCHEDULED, send_after__lte=now).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = OutboundEmail.objects.get(pk=message_id)
    # Checked again at send time: the person may have unsubscribed, or the address bounced, since.
    reason = _not_sent_reason(message.to, message.kind, about_type=message.about_type, about_id=message.about_id)
    if reason:
        _finish(message, status=Status.CANCELLED, last_error=reason)
        logger.info("email #%s not sent: address suppressed or vetoed", message.pk)
        return False
    try:
        _build(message).send()
    except Exception as exc:
        _failed(message, exc)
        return False
    done = {"status": Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if message.template.startswith("account/"):
        # Verification and reset links are secrets: once sent, the copy here has no use.
        done |= {"body_text": "", "body_html": ""}
    _finish(message, **done)
    logger.info("sent email #%s", message.pk)
    return True


def _finish(message: OutboundEmail, **fields) -> None:
    # Guarded by status so a row the sweeper already recovered is not overwritten.
    OutboundEmail.objects.filter(pk=message.pk, status=Status.SENDING).update(**fields)


def _build(message: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": message.message_id}
    if message.kind == OutboundEmail.Kind.FOLLOW_UP:
        # RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(message.to)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text or strip_tags(message.body_html),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return email


def classify_error(exc: Exception) -> tuple[bool, str]:
    """(temporary?, reason for staff) for an exception raised while sending."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
        return _by_smtp_code(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _by_smtp_code(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, OSError):  # refused, reset, timed out, disconnected, TLS trouble
        return True, f"Could not reach the mail server ({exc.__class__.__name__})."
    # MessageError covers HeaderParseError: an address that breaks the To: header never will send.
    if isinstance(exc, (BadHeaderError, MessageError, ValueError, UnicodeError)):
        return False, "The address or a header is not valid, so the message cannot be sent."
    return True, f"Unexpected error while sending ({exc.__class__.__name__})."


def _by_smtp_code(code: int, text) -> tuple[bool, str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    detail = f"SMTP {code}: {' '.join(str(text).split())}"[:300]
    if 500 <= code <= 599:
        return False, f"The mail server refused the message ({detail})."
    return True, f"The mail server asked us to try again later ({detail})."


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: exponential, capped, jittered.

    Half the delay is fixed and half random ("equal jitter"), so retries after an
    SMTP outage spread out instead of arriving together.
    """
    ceiling = min(settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _failed(message: OutboundEmail, exc: Exception) -> None:
    temporary, reason = classify_error(exc)
    code = getattr(exc, "smtp_code", "-")
    if temporary and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        delay = retry_delay(message.attempts)
        # The retry waits in the database, not in a broker countdown: the sweeper publishes it when due.
        _finish(
            message,
            status=Status.SCHEDULED,
            send_after=timezone.now() + timedelta(seconds=delay),
            enqueued_at=None,
            last_error=reason,
        )
        logger.warning(
            "email #%s: temporary failure %s %s (attempt %s), retry in %.0fs",
            message.pk,
            exc.__class__.__name__,
            code,
            message.attempts,
            delay,
        )
        return
    if temporary:
        reason = f"Gave up after {message.attempts} attempts. {reason}"
    _finish(message, status=Status.FAILED, last_error=reason)
    logger.error("email #%s failed: %s %s (attempt %s)", message.pk, exc.__class__.__name__, code, message.attempts)


def emails_sweep() -> int:
    """Publish every due message that has no live task; recover ones stuck in SENDING.

    Safe to run in two places at once: rows are picked with SKIP LOCKED and
    marked as published in the same transaction, and a duplicate publish is
    harmless anyway because delivery claims the row.
    """
    now = timezone.now()
    _recover_stale_sending(now)
    republish_before = now - timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)
    batch = settings.OUTBOX_SWEEP_BATCH
    published = 0
    for _ in range(20):  # bounded: a huge backlog is finished by the next sweeps
        with transaction.atomic():
            ids = list(
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(status=Status.SCHEDULED, send_after__lte=now)
                .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=republish_before))
                .order_by("send_after", "id")
                .values_list("pk", flat=True)[:batch]
            )
            OutboundEmail.objects.filter(pk__in=ids).update(enqueued_at=now)
        if not ids:
            break
        count = _publish(ids)
        published += count
        if count < len(ids) or len(ids) < batch:
            break
    if published:
        logger.info("sweeper published %s email task(s)", published)
    return published


def _recover_stale_sending(now: datetime) -> None:
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS)
    stuck = OutboundEmail.objects.filter(status=Status.SENDING, claimed_at__lt=stale)
    gave_up = stuck.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error=f"Gave up after {settings.OUTBOX_MAX_ATTEMPTS} attempts. {STALE_SENDING}"
    )
    recovered = stuck.update(status=Status.SCHEDULED, send_after=now, enqueued_at=None, last_error=STALE_SENDING)
    if recovered or gave_up:
        logger.warning(
            "sweeper found %s email(s) stuck in sending; %s will be sent again", recovered + gave_up, recovered
        )


def email_retry(*, message: OutboundEmail, by: User) -> OutboundEmail:
    """Put a FAILED message back to SCHEDULED with a fresh set of attempts (an admin's action)."""
    with transaction.atomic():
        message = OutboundEmail.objects.select_for_update().get(pk=message.pk)
        if message.status != Status.FAILED:
            raise ValidationError(CANNOT_RETRY.format(status=message.get_status_display().lower()))
        now = timezone.now()
        message.status = Status.SCHEDULED
        message.attempts = 0
        message.send_after = now
        message.claimed_at = None
        message.enqueued_at = now
        message.save(update_fields=["status", "attempts", "send_after", "claimed_at", "enqueued_at"])
        audit_record(action="email.retry", actor=by, target=message)
        transaction.on_commit(lambda: _publish([message.pk]), robust=True)
    return message


def email_cancel(*, message: OutboundEmail, by: User | None = None, reason: str = "") -> bool:
    """Cancel a message that has not been sent yet. Returns False if it was too late."""
    cancelled = OutboundEmail.objects.filter(pk=message.pk, status=Status.SCHEDULED).update(
        status=Status.CANCELLED, last_error=reason or (CANCELLED_BY_STAFF if by else CANCELLED_NO_LONGER_NEEDED)
    )
    if cancelled and by is not None:
        audit_record(action="email.cancel", actor=by, target=message)
    return bool(cancelled)


def email_cancel_about(*, about: models.Model, reason: str = CANCELLED_NO_LONGER_NEEDED, to: str = "") -> int:
    """Cancel every unsent message about one record (an introduction that ended, a withdrawn request).

    With `to`, only those addressed to it: staff reminders about the same record still go.
    """
    unsent = OutboundEmail.objects.filter(
        about_type=about._meta.label_lower, about_id=str(about.pk), status=Status.SCHEDULED
    )
    if to:
        unsent = unsent.filter(to__iexact=to)
    return unsent.update(status=Status.CANCELLED, last_error=reason)
