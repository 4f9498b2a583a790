"""Reading the inbound mailbox: each message handled exactly once, whatever goes wrong.

One run (`inbound_read`, on beat every minute) lists what is waiting, oldest
first, and for each message:

  1. records it (`InboundEmail`, unique on its key) and everything it causes
     (an enquiry, a timeline event, an alert through the outbox, a bounce
     marked) in one transaction;
  2. after that commits, moves it to the done folder.

Two readers at once both try step 1; the second blocks on the first's
uncommitted unique key and then fails with an IntegrityError, so it only moves
the message on. A crash before the commit rolls step 1 back and leaves the
message waiting; a crash between the steps leaves it waiting too, and the next
read finds its key taken and just moves it. A message the code cannot handle
(a bug, a database refusal) is recorded as rejected with the reason, and the
reader carries on. Work per run is bounded in count and in time.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import InboundAttachment, InboundEmail
from ..storage import private_file_delete_on_commit, private_files
from . import automatic, classify, registry
from .automatic import note_add as _note
from .automatic import record_save as _save
from .mailbox import Waiting, open_mailbox
from .parse import ParsedEmail, parse

logger = logging.getLogger(__name__)
Kind = InboundEmail.Kind

NOT_CONFIGURED = "no inbound mailbox configured (INBOUND_MAIL_URL); nothing read"
NOBODY_TAKES_NEW_MAIL = "No part of the portal takes new email, so it was not handled."
# Messages are fetched in batches of at most this many, or this many bytes, whichever comes first.
FETCH_CHUNK = 50
FETCH_CHUNK_BYTES = 64 * 1024 * 1024


@dataclass
class ReadResult:
    handled: int = 0  # recorded by this run
    duplicates: int = 0  # already recorded by another reader or an earlier run: only moved on
    rejected: int = 0  # recorded, with a reason, as not handled
    left: int = 0  # still waiting when the run's time ran out


def inbound_read(*, url: str | None = None, limit: int | None = None, seconds: float | None = None) -> ReadResult:
    """Read and handle what is waiting in the mailbox, within the run's bounds."""
    url = settings.INBOUND_MAIL_URL if url is None else url
    result = ReadResult()
    if not url:
        logger.info(NOT_CONFIGURED)
        return result
    deadline = time.monotonic() + (settings.INBOUND_RUN_SECONDS if seconds is None else seconds)
    started = timezone.now()
    with open_mailbox(url, done_folder=settings.INBOUND_DONE_FOLDER) as box:
        waiting = box.waiting(limit or settings.INBOUND_BATCH)
        for start, chunk in _chunks(waiting, settings.INBOUND_MAX_MESSAGE_BYTES):
            if time.monotonic() > deadline:
                result.left = len(waiting) - start
                break
            big = {w.ref for w in chunk if w.size > settings.INBOUND_MAX_MESSAGE_BYTES}
            raw = box.fetch([w.ref for w in chunk if w.ref not in big])
            raw |= box.fetch(sorted(big), headers_only=True)
            done = []
            for item in chunk:
                if item.ref not in raw:
                    continue  # gone: another reader took it
                record, fresh = _receive(raw=raw[item.ref], size=item.size, headers_only=item.ref in big)
                if not fresh:
                    result.duplicates += 1
                    if record is not None and record.received_at >= started:
                        continue  # a reader running now recorded it, and moves it: no second copy
                elif record.kind == Kind.REJECTED:
                    result.rejected += 1
                else:
                    result.handled += 1
                done.append(item.ref)
            # Only now, with every row above committed, do the messages leave the inbox.
            box.done(done)
    if result.handled or result.rejected or result.left:
        logger.info(
            "inbound: %s handled, %s rejected, %s already done, %s left for the next run",
            result.handled,
            result.rejected,
            result.duplicates,
            result.left,
        )
    return result


def _chunks(waiting: list[Waiting], max_message: int):
    """(index of the first, batch) pairs; a message too big to download counts only its headers."""
    start, size = 0, 0
    for n, item in enumerate(waiting):
        size += item.size if item.size <= max_message else 0
        if n + 1 - start >= FETCH_CHUNK or size >= FETCH_CHUNK_BYTES or n + 1 == len(waiting):
            yield start, waiting[start : n + 1]
            start, size = n + 1, 0


def inbound_receive(*, raw: bytes, size: int | None = None, headers_only: bool = False) -> InboundEmail | None:
    """Record one message and hand it to the app it belongs to; None if it was already recorded."""
    record, fresh = _receive(raw=raw, size=size, headers_only=headers_only)
    return record if fresh else None


def _receive(*, raw: bytes, size: int | None, headers_only: bool) -> tuple[InboundEmail | None, bool]:
    """(the message's record, whether this call made it); an earlier record when it was already there."""
    parsed = parse(raw, headers_only=headers_only)
    stored: list[str] = []
    try:
        with transaction.atomic():
            record = _record(parsed, size=len(raw) if size is None else size)
            _dispatch(record, parsed, stored)
        return record, True
    except IntegrityError:
        _forget_files(stored)
        existing = InboundEmail.objects.filter(key=parsed.key).first()
        if existing is not None:
            return existing, False
        return _reject(parsed, size, "The database refused it (IntegrityError).")
    except Exception as exc:
        _forget_files(stored)
        logger.error("inbound message could not be handled (%s)", exc.__class__.__name__)
        reason = f"It could not be handled ({exc.__class__.__name__}); a person needs to read it."
        return _reject(parsed, size, reason)


def _record(parsed: ParsedEmail, *, size: int, kind: str = Kind.NEW, note: str = "") -> InboundEmail:
    def clean(text: str) -> str:
        return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL characters

    return InboundEmail.objects.create(
        key=parsed.key,
        kind=kind,
        sent_at=parsed.sent_at,
        from_address=clean(parsed.from_address),
        from_name=clean(parsed.from_name),
        subject=clean(parsed.subject),
        message_id=clean(parsed.message_id[:255]),
        size=size,
        new_text=clean(parsed.new_text),
        body_text=clean(parsed.text),
        note=clean(note or "\n".join(parsed.notes)),
    )


def _reject(parsed: ParsedEmail, size: int | None, reason: str) -> tuple[InboundEmail | None, bool]:
    try:
        with transaction.atomic():
            return _record(parsed, size=size or 0, kind=Kind.REJECTED, note=reason), True
    except IntegrityError:  # another reader recorded it meanwhile
        return InboundEmail.objects.filter(key=parsed.key).first(), False
    except DatabaseError as exc:
        # Even the bare record was refused: say so in the log (ids only) and move on, so one
        # message cannot stop the reader; it stays in the done folder for a person to find.
        logger.error("inbound message %s could not be recorded (%s)", parsed.key[:12], exc.__class__.__name__)
        return InboundEmail(key=parsed.key, kind=Kind.REJECTED, note=reason), True


def _dispatch(record: InboundEmail, parsed: ParsedEmail, stored: list[str]) -> None:
    # Machines first, whatever else is wrong with their mail: none of it is answered or becomes new mail.
    if parsed.category == classify.COMPLAINT:
        automatic.complaint_receive(record, parsed)
    elif parsed.category == classify.BOUNCE:
        automatic.bounce_receive(record, parsed)
    elif parsed.automatic:
        automatic.auto_reply_receive(record, parsed)
    elif parsed.rejection:
        _save(record, kind=Kind.REJECTED, note=_note(record, parsed.rejection))
    else:
        _store_attachments(record, parsed, stored)
        _deliver(record, parsed)


def _deliver(record: InboundEmail, parsed: ParsedEmail) -> None:
    """A reply to one of our emails goes to the app that sent it; anything else is offered as new mail."""
    original = automatic.our_message(parsed.references)
    taken = None
    if original is not None:
        record.in_reply_to = original
        handler = registry.reply_handler(original.about_type)
        if handler is not None and original.about_id:
            taken = handler(record, original.about_id)
            if taken is not None:
                record.kind = Kind.REPLY
    if taken is None:
        # A new-mail handler that finds the record another way (a reference in the subject)
        # sets the kind to REPLY itself.
        for handler in registry.new_mail_handlers():
            taken = handler(record)
            if taken is not None:
                break
    if taken is None:
        _save(record, kind=Kind.REJECTED, in_reply_to=record.in_reply_to, note=_note(record, NOBODY_TAKES_NEW_MAIL))
        return
    _save(
        record,
        kind=record.kind,
        in_reply_to=record.in_reply_to,
        about_type=taken._meta.label_lower,
        about_id=str(taken.pk),
        sender_warning=record.sender_warning,
    )


def _store_attachments(record: InboundEmail, parsed: ParsedEmail, stored: list[str]) -> None:
    """Keep the files we keep; a file we refuse still gets a row, saying why, for the timeline."""
    for attachment in parsed.attachments:
        row = InboundAttachment(email=record, filename=attachment.filename, refused=attachment.refused)
        if not attachment.refused:
            row.content_type = attachment.content_type
            row.size = len(attachment.content)
            row.file.save("attachment", ContentFile(attachment.content), save=False)
            stored.append(row.file.name)
        row.save()


def _forget_files(names: list[str]) -> None:
    """Files written for a transaction that rolled back belong to nothing: remove them."""
    for name in names:
        private_files.delete(name)


# ---------------------------------------------------------------- retention and erasure


def _erase(emails: models.QuerySet[InboundEmail]) -> int:
    """Blank the personal fields of these emails and delete their files; the rows stay for counts."""
    for name in InboundAttachment.objects.filter(email__in=emails).exclude(file="").values_list("file", flat=True):
        private_files.delete(name)
    InboundAttachment.objects.filter(email__in=emails).update(filename="", file="")
    return emails.update(
        from_address="", from_name="", subject="", new_text="", body_text="", note="", sender_warning=""
    )


def inbound_erase_about(*, about: models.Model) -> int:
    """Erase every email attached to one record (an enquiry being anonymised)."""
    return _erase(InboundEmail.objects.filter(about_type=about._meta.label_lower, about_id=str(about.pk)))


def inbound_delete_about(*, about: models.Model) -> int:
    """Delete every email attached to a record that is itself being deleted, files and all."""
    deleted, _ = InboundEmail.objects.filter(about_type=about._meta.label_lower, about_id=str(about.pk)).delete()
    return deleted


def attachment_deleted(sender, instance: InboundAttachment, **kwargs) -> None:
    """Whatever deletes an attachment's row (a cascade, the admin, a shell), its file goes too."""
    private_file_delete_on_commit(instance.file.name)


def inbound_from(addresses: set[str]) -> models.QuerySet[InboundEmail]:
    """Every email that came from one of these addresses, however its sender wrote them."""
    if not addresses:
        return InboundEmail.objects.none()
    return InboundEmail.objects.filter(reduce(or_, (Q(from_address__iexact=a) for a in addresses))).order_by("id")


def inbound_erase_from(*, addresses: set[str]) -> int:
    """Erase every email sent from these addresses (an account being erased)."""
    return _erase(InboundEmail.objects.filter(pk__in=inbound_from(addresses).values("pk")))


def inbound_prune(*, now: datetime | None = None) -> int:
    """Empty emails no record took (automatic replies, bounces, rejected mail) once past retention."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.INBOUND_RETENTION_DAYS)
    due = InboundEmail.objects.filter(about_type="", received_at__lt=cutoff).exclude(
        from_address="", body_text="", subject=""
    )
    return _erase(InboundEmail.objects.filter(pk__in=list(due.values_list("pk", flat=True)[:5000])))
