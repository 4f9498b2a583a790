"""Turning the raw bytes of an inbound email into what the portal needs from it.

Nothing here raises on bad mail: malformed MIME, unknown charsets, HTML-only
bodies and odd headers all give a `ParsedEmail`, with `notes` saying what was
odd and `rejection` set when there is nothing usable. Only the standard
library's `email` package reads MIME; mail-parser-reply separates the new
words from the quoted history and the signature; nh3 turns HTML into text.
"""

import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from django.conf import settings
from django.utils import timezone

from . import classify as classify_mod
from . import reply_text
from .bounces import Bounce
from .classify import Complaint

logger = logging.getLogger(__name__)

# What we keep, by what the file's first bytes say it is (never by its name or declared type).
KEPT_FILE_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_ATTACHMENTS = 20
MAX_TEXT_CHARS = 100_000
NOT_A_KEPT_TYPE = "Not kept: only PDF, JPEG and PNG files are kept."
TOO_BIG_FILE = "Not kept: larger than {mb} MB."
TOO_MANY_FILES = f"Not kept: only the first {MAX_ATTACHMENTS} files of a message are looked at."
EMPTY_FILE = "Not kept: the file is empty."

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/li|/tr|/h[1-6]|/blockquote|/table|/ul|/ol)\s*>")


@dataclass
class Attachment:
    filename: str
    content: bytes = b""
    content_type: str = ""  # set only for a file we keep
    refused: str = ""


@dataclass
class ParsedEmail:
    key: str
    message_id: str = ""
    references: list[str] = field(default_factory=list)  # In-Reply-To and References, newest first
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    sent_at: datetime | None = None
    text: str = ""
    new_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    category: str = classify_mod.HUMAN  # see portal.inbound.classify
    reason: str = ""  # why it was taken for automatic mail
    bounce: Bounce | None = None
    complaint: Complaint | None = None
    notes: list[str] = field(default_factory=list)
    rejection: str = ""

    @property
    def automatic(self) -> bool:
        return self.category != classify_mod.HUMAN


def parse(raw: bytes, *, headers_only: bool = False) -> ParsedEmail:
    """Read one message. With `headers_only` (a message too big to download) only headers are there."""
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        parsed = _parse(msg, raw)
    except Exception as exc:  # the parser met something it could not survive: keep going without it
        logger.warning("inbound message could not be parsed (%s)", exc.__class__.__name__)
        return ParsedEmail(
            key=_hash("raw", hashlib.sha256(raw).hexdigest()),
            rejection=f"The message could not be read ({exc.__class__.__name__}).",
        )
    if headers_only:
        parsed.text = parsed.new_text = ""
        parsed.attachments = []
        limit = settings.INBOUND_MAX_MESSAGE_BYTES // (1024 * 1024)
        parsed.rejection = f"Too large to read (over {limit} MB): only its headers were looked at."
    return parsed


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _header(msg: EmailMessage, name: str, notes: list[str]) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header so malformed that even decoding it fails
        notes.append(f"The {name} header could not be read.")
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _parse(msg: EmailMessage, raw: bytes) -> ParsedEmail:
    notes: list[str] = []
    message_id = (_MESSAGE_ID.findall(_header(msg, "Message-ID", notes)) or [""])[0]
    from_name, from_address = _sender(_header(msg, "From", notes))
    # The same message read twice (two readers, or a crash before it was moved) has the same
    # Message-ID and sender; a message without a Message-ID is known by its exact bytes.
    key = _hash("mid", message_id, from_address) if message_id else _hash("raw", hashlib.sha256(raw).hexdigest())
    references = _MESSAGE_ID.findall(_header(msg, "In-Reply-To", notes))
    references += [r for r in reversed(_MESSAGE_ID.findall(_header(msg, "References", notes))) if r not in references]
    parsed = ParsedEmail(
        key=key,
        message_id=message_id,
        references=references,
        subject=_header(msg, "Subject", notes)[:200],
        from_address=from_address,
        from_name=from_name,
        sent_at=_date(_header(msg, "Date", notes)),
        notes=notes,
    )
    if msg.defects:
        notes.append("The message is not well-formed MIME; it was read as far as possible.")
    found = classify_mod.classify(message_from_bytes(raw), from_address=from_address, subject=parsed.subject)
    parsed.category, parsed.reason = found.kind, found.reason
    parsed.bounce, parsed.complaint = found.bounce, found.complaint
    if found.kind not in (classify_mod.BOUNCE, classify_mod.COMPLAINT):
        body = _body_part(msg)
        parsed.text = _text_of(body, notes)[:MAX_TEXT_CHARS] if body is not None else ""
        parsed.new_text = _reply_words(body, parsed.text)
        parsed.attachments = _attachments(msg, body)
    if not from_address and not parsed.automatic:
        # A delivery report may come from no one (a null sender): it is still read for what it reports.
        parsed.rejection = "It has no sender address we can read."
    return parsed


def _sender(value: str) -> tuple[str, str]:
    pairs = [(name, address) for name, address in getaddresses([value]) if "@" in address]
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return " ".join(name.split())[:200], address.strip()[:254]


def _date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if timezone.is_aware(moment) else None


def _body_part(msg: EmailMessage):
    try:
        return msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None


def _decoded(part, notes: list[str]) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        charset = part.get_content_charset() or "unknown"
        notes.append(f"Written in a character set we do not know ({charset[:40]}); odd characters were replaced.")
        return (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")


def _text_of(part, notes: list[str]) -> str:
    text = _decoded(part, notes)
    if not isinstance(text, str):
        return ""
    if part.get_content_type() == "text/html":
        notes.append("Sent as HTML only: shown here as plain text.")
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _reply_words(body, text: str) -> str:
    """Her new words; from HTML mail, with the marked quoted history cut before it becomes text."""
    if body is not None and body.get_content_type() == "text/html" and text:
        try:
            markup = body.get_content()
        except Exception:
            markup = ""
        if isinstance(markup, str) and markup:
            text = html_to_text(reply_text.html_without_quotes(markup)) or text
    return reply_text.new_words(reply_text.cut_outlook_header(text))


def html_to_text(markup: str) -> str:
    """Safe plain text from an HTML body: every tag removed (scripts and styles with their content)."""
    marked = _BLOCK_END.sub("\n", markup)
    text = html.unescape(nh3.clean(marked, tags=set(), clean_content_tags={"script", "style", "title", "head"}))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _attachments(msg: EmailMessage, body) -> list[Attachment]:
    found: list[Attachment] = []
    for part in msg.walk():
        if part is body or part.is_multipart() or part.get_content_maintype() == "message":
            continue
        disposition = part.get_content_disposition()
        filename = _safe_filename(part)
        if disposition != "attachment" and not filename and part.get_content_maintype() == "text":
            continue  # the other half of a plain/HTML pair, not a file
        if len(found) >= MAX_ATTACHMENTS:
            found.append(Attachment(filename=filename or "file", refused=TOO_MANY_FILES))
            continue
        found.append(_attachment(part, filename or "file"))
    return found


def _attachment(part, filename: str) -> Attachment:
    try:
        content = part.get_payload(decode=True) or b""
    except Exception:
        content = b""
    if not content:
        return Attachment(filename=filename, refused=EMPTY_FILE)
    if len(content) > settings.INBOUND_MAX_ATTACHMENT_BYTES:
        return Attachment(
            filename=filename, refused=TOO_BIG_FILE.format(mb=settings.INBOUND_MAX_ATTACHMENT_BYTES >> 20)
        )
    for magic, content_type in KEPT_FILE_TYPES:
        if content.startswith(magic):
            return Attachment(filename=filename, content=content, content_type=content_type)
    return Attachment(filename=filename, refused=NOT_A_KEPT_TYPE)


def _safe_filename(part) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        return ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip(" .")
    return name[:150]
