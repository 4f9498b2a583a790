"""What machines' mail does: bounces and complaints reach the outbox, out-of-office replies the app.

None of it is ever answered or offered to an app as new mail: that is what
keeps two robots from writing to each other for ever, and a bounce from
becoming an enquiry.

A report changes something only when it names one of our (random, so
unguessable) Message-IDs, or, failing that, an address we emailed within
BOUNCE_MATCH_DAYS: a forged report about anyone else changes nothing.
"""

from datetime import timedelta

from django.utils import timezone

from ..models import EmailSuppression, InboundEmail, OutboundEmail
from ..models.outbox import mask_address
from ..outbox.bounces import email_bounce_record
from ..outbox.consent import address_hash, suppression_add
from . import bounces, registry
from .classify import OUT_OF_OFFICE
from .parse import ParsedEmail

Kind = InboundEmail.Kind

BOUNCE_MATCH_DAYS = 30
BOUNCE_UNMATCHED = "A delivery failure report about none of our emails: nothing changed."
BOUNCE_DELIVERED = "A delivery report saying it was delivered (or passed on): nothing changed."
BOUNCE_UNREADABLE = (
    "A delivery failure report that names no address we could read: nothing changed. An administrator may read it."
)
COMPLAINT_SUPPRESSED = (
    "A spam complaint ({type}) about our email to {address}: no more follow-up emails will go to that address."
)
COMPLAINT_UNMATCHED = "A spam complaint about none of our emails: nothing changed. An administrator may read it."
AUTO_REPLY_NOTE = "An automatic reply: recorded, never answered."
OUT_OF_OFFICE_NOTE = "An out-of-office reply: recorded, never answered."


def record_save(record: InboundEmail, **fields) -> None:
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=list(fields))


def note_add(record: InboundEmail, line: str) -> str:
    return "\n".join(filter(None, [record.note, line]))


def our_message(ids: list[str], *, lock: bool = False) -> OutboundEmail | None:
    """The first of these Message-IDs that is one of ours, in the order given."""
    if not ids:
        return None
    query = OutboundEmail.objects.filter(message_id__in=ids[:200])
    if lock:
        query = query.select_for_update()
    found = {m.message_id: m for m in query}
    return next((found[i] for i in ids if i in found), None)


def _sent_to(address: str) -> OutboundEmail | None:
    since = timezone.now() - timedelta(days=BOUNCE_MATCH_DAYS)
    return (
        OutboundEmail.objects.select_for_update()
        .filter(to__iexact=address, created_at__gte=since)
        .exclude(status__in=[OutboundEmail.Status.CANCELLED, OutboundEmail.Status.SCHEDULED])
        .order_by("-created_at", "-id")
        .first()
    )


def bounce_receive(record: InboundEmail, parsed: ParsedEmail) -> None:
    bounce = parsed.bounce
    message = our_message(bounce.mentioned_ids, lock=True)
    if bounce.outcome == bounces.DELIVERED:
        record_save(record, kind=Kind.BOUNCE, in_reply_to=message, note=note_add(record, BOUNCE_DELIVERED))
        return
    if bounce.outcome == bounces.UNKNOWN:
        record_save(record, kind=Kind.BOUNCE, in_reply_to=message, note=note_add(record, BOUNCE_UNREADABLE))
        return
    permanent = bounce.outcome == bounces.PERMANENT
    failed = bounce.permanent if permanent else bounce.temporary
    if message is None:
        message = next((m for m in map(_sent_to, failed[:5]) if m is not None), None)
    if message is None:
        record_save(record, kind=Kind.BOUNCE, note=note_add(record, BOUNCE_UNMATCHED))
        return
    result = email_bounce_record(
        message=message,
        address=message.to,
        permanent=permanent,
        status=bounce.status,
        action=bounce.action,
        source=record,
    )
    record_save(
        record,
        kind=Kind.BOUNCE,
        in_reply_to=message,
        about_type=message.about_type,
        about_id=message.about_id,
        note=note_add(record, result.note),
    )
    handler = registry.bounce_handler(message.about_type)
    if handler is not None and message.about_id:
        handler(message, message.about_id, permanent=result.permanent, note=result.note)


def complaint_receive(record: InboundEmail, parsed: ParsedEmail) -> None:
    """Stop non-essential email to whoever complained; shown to administrators, never on an enquiry."""
    complaint = parsed.complaint
    message = our_message(complaint.mentioned_ids)
    address = message.to if message is not None and message.to else ""
    if not address:
        sent = next((m for m in (_sent_to(a) for a in complaint.recipients[:5]) if m is not None), None)
        address = sent.to if sent is not None else ""
    if not address:
        record_save(record, kind=Kind.COMPLAINT, in_reply_to=message, note=note_add(record, COMPLAINT_UNMATCHED))
        return
    suppression_add(
        address_hash=address_hash(address),
        reason=EmailSuppression.Reason.COMPLAINED,
        address=address,
        detail=f"feedback type {complaint.feedback_type}",
        source=record,
    )
    note = COMPLAINT_SUPPRESSED.format(type=complaint.feedback_type, address=mask_address(address))
    record_save(record, kind=Kind.COMPLAINT, in_reply_to=message, note=note_add(record, note))


def auto_reply_receive(record: InboundEmail, parsed: ParsedEmail) -> None:
    """Recorded, never answered; an out-of-office about one of our emails is noted where the app shows it."""
    if parsed.category != OUT_OF_OFFICE:
        record_save(record, kind=Kind.AUTO_REPLY, note=note_add(record, parsed.reason or AUTO_REPLY_NOTE))
        return
    message = our_message(parsed.references)
    fields = {"kind": Kind.AUTO_REPLY, "in_reply_to": message, "note": note_add(record, OUT_OF_OFFICE_NOTE)}
    handler = registry.auto_reply_handler(message.about_type) if message is not None else None
    if handler is not None and message.about_id:
        handler(record, message.about_id)
        fields |= {"about_type": message.about_type, "about_id": message.about_id}
    record_save(record, **fields)
