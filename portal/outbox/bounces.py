"""What a delivery failure does to the outbox: the email marked, retried or the address suppressed.

- permanent (5.x.x): the email is BOUNCED and the address suppressed for every email;
- temporary (4.x.x) after her server gave up: the email is sent again a day later,
  a few times; an address that keeps failing on several different days is
  suppressed as if it had bounced for good (OUTBOX_SOFT_BOUNCE_*);
- "delayed" (her server is still trying): recorded only.
Every failure is kept as an `EmailBounce` row, which the temporary rule counts.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import EmailBounce, EmailSuppression, InboundEmail, OutboundEmail
from .consent import address_hash, suppression_add

Status = OutboundEmail.Status

BOUNCED_PERMANENT = (
    "Bounced: her mail server refused it for good (status {status}). No more emails will go to this address."
)
BOUNCED_TEMPORARY_RETRY = "Her mail server could not deliver it for now (status {status}); the outbox sends it again after {when:%d %b %H:%M}."
BOUNCED_TEMPORARY = "Her mail server could not deliver it for now (status {status})."
BOUNCED_DELAYED = "Her mail server is still trying to deliver it (status {status})."
BOUNCING_SUPPRESSED = "Delivery to this address has failed on {days} different days: no more emails will go to it."


@dataclass
class BounceResult:
    note: str  # what happened, for the inbound record and the app's timeline
    permanent: bool  # her address no longer takes email


def email_bounce_record(
    *, message: OutboundEmail | None, address: str, permanent: bool, status: str, action: str, source: InboundEmail
) -> BounceResult:
    """Record one failure for `message` (or, for a report matched by address only, for `address`).

    Called inside the inbound reader's transaction; `message`, when given, is locked.
    """
    address = message.to if message is not None and message.to else address
    status = status or ("5.0.0" if permanent else "4.0.0")
    key = address_hash(address)
    EmailBounce.objects.create(
        address_hash=key, permanent=permanent, status=status[:20], message=message, source=source
    )
    if permanent:
        note = BOUNCED_PERMANENT.format(status=status)
        if message is not None:
            OutboundEmail.objects.filter(pk=message.pk).update(status=Status.BOUNCED, last_error=note)
        suppression_add(
            address_hash=key,
            reason=EmailSuppression.Reason.BOUNCED,
            address=address,
            detail=f"status {status}",
            source=source,
        )
        return BounceResult(note=note, permanent=True)
    note = (BOUNCED_DELAYED if action == "delayed" else BOUNCED_TEMPORARY).format(status=status)
    if message is not None and action != "delayed":
        note = _retry(message, status) or note
    days = _failing_days(key)
    if days >= settings.OUTBOX_SOFT_BOUNCE_DAYS:
        suppression_add(
            address_hash=key,
            reason=EmailSuppression.Reason.BOUNCING,
            address=address,
            detail=f"status {status}, failing on {days} days",
            source=source,
        )
        return BounceResult(note=f"{note} {BOUNCING_SUPPRESSED.format(days=days)}", permanent=True)
    if message is not None:
        OutboundEmail.objects.filter(pk=message.pk).exclude(status=Status.SCHEDULED).update(last_error=note)
    return BounceResult(note=note, permanent=False)


def _retry(message: OutboundEmail, status: str) -> str:
    """Send it again later, if it was sent and has not been retried this way too often; the note, or ""."""
    retried = EmailBounce.objects.filter(message=message, permanent=False).count() - 1
    if message.status != Status.SENT or retried >= settings.OUTBOX_SOFT_BOUNCE_RETRIES:
        return ""
    when = timezone.now() + timedelta(hours=settings.OUTBOX_SOFT_BOUNCE_RETRY_HOURS)
    note = BOUNCED_TEMPORARY_RETRY.format(status=status, when=timezone.localtime(when))
    # Same row, same Message-ID: a later report about the retry still finds it. The send-time
    # check stops it if the address has been suppressed meanwhile.
    OutboundEmail.objects.filter(pk=message.pk, status=Status.SENT).update(
        status=Status.SCHEDULED, send_after=when, enqueued_at=None, attempts=0, last_error=note
    )
    return note


def _failing_days(key: str) -> int:
    since = timezone.now() - timedelta(days=settings.OUTBOX_SOFT_BOUNCE_WINDOW_DAYS)
    return (
        EmailBounce.objects.filter(address_hash=key, permanent=False, at__gte=since)
        .annotate(day=TruncDate("at"))
        .values("day")
        .distinct()
        .count()
    )
