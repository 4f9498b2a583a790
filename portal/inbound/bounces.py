"""Reading a delivery report: which addresses failed, for good or for now, and which of our emails it was.

RFC 3464 reports (`multipart/report; report-type=delivery-status`) say it per
recipient (Action, Status); the many older, non-standard forms are read by
flufl.bounce, GNU Mailman's bounce detectors, which find the failed addresses
and whether the failure is temporary. A report whose recipients were only
delivered, relayed or expanded is no failure at all.

Our Message-IDs are random, so any one of them found anywhere in the report (a
returned message, returned headers in any part, or headers pasted into the text)
names the email it is about; nothing else is trusted to.
"""

import re
from dataclasses import dataclass, field
from email import message_from_string
from email.message import Message

from flufl.bounce import all_failures

PERMANENT = "permanent"
TEMPORARY = "temporary"
DELIVERED = "delivered"  # delivered, relayed or expanded: nothing failed
UNKNOWN = "unknown"  # a report we recognise, with no failure we can place

# Printable ASCII only, with an @: a report's binary attachments are full of other things in angle brackets.
_ID_PART = r"[\x21-\x3b\x3d\x3f\x41-\x7e]"
_MESSAGE_ID = re.compile(rf"<{_ID_PART}{{1,200}}@{_ID_PART}{{1,100}}>")
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_MAX_IDS = 200
_MAX_TEXT = 2_000_000  # characters of a report searched for Message-IDs


@dataclass
class Bounce:
    outcome: str
    status: str = ""  # the first DSN status code, "5.1.1"
    action: str = ""  # the first DSN action, "failed"
    permanent: list[str] = field(default_factory=list)  # addresses that failed for good
    temporary: list[str] = field(default_factory=list)
    mentioned_ids: list[str] = field(default_factory=list)  # every Message-ID in the report, in order

    @property
    def failed(self) -> list[str]:
        return self.permanent + self.temporary


def is_delivery_report(msg: Message) -> bool:
    return msg.get_content_type() == "multipart/report" and (
        str(msg.get_param("report-type", "")).lower() == "delivery-status"
    )


def read_bounce(msg: Message, *, looks_automatic: bool, bounce_like: bool = False) -> Bounce | None:
    """The report in `msg`, or None when it is not one.

    The non-standard forms have no marker of their own, so they are only looked
    for in mail that already looks automatic (a system sender, a null return
    path, an RFC 3834 header or a bounce's subject): a person's email that
    happens to quote a failure is not a bounce. `bounce_like` mail (from the
    mail system, or with a failure's subject) is a report even when nothing in
    it can be placed.
    """
    dsn = _dsn_fields(msg) if is_delivery_report(msg) else []
    if not dsn and not looks_automatic:
        return None
    temporary, permanent = _library_failures(msg)
    if not dsn and not (temporary or permanent):
        if is_delivery_report(msg) or bounce_like:
            return Bounce(outcome=UNKNOWN, mentioned_ids=mentioned_ids(msg))
        return None
    bounce = Bounce(outcome=UNKNOWN, mentioned_ids=mentioned_ids(msg))
    if dsn:
        bounce.action, bounce.status = dsn[0][1], dsn[0][2]
        for address, action, status in dsn:
            if action == "failed":
                (bounce.temporary if status.startswith("4") else bounce.permanent).append(address)
            elif action == "delayed" or (status.startswith("4") and action not in _NOT_FAILED):
                bounce.temporary.append(address)
            elif status.startswith("5") and action not in _NOT_FAILED:
                bounce.permanent.append(address)
        if not bounce.failed and all(action in _NOT_FAILED for _, action, _ in dsn):
            bounce.outcome = DELIVERED
            return bounce
    if not bounce.failed:
        bounce.permanent, bounce.temporary = permanent, temporary
    if not bounce.status:
        found = _STATUS.search(_all_text(msg)[:20_000])
        bounce.status = found.group(0) if found else ""
    if bounce.permanent:
        bounce.outcome = PERMANENT
    elif bounce.temporary:
        bounce.outcome = TEMPORARY
    return bounce


_NOT_FAILED = ("delivered", "relayed", "expanded")


def _dsn_fields(msg: Message) -> list[tuple[str, str, str]]:
    """(recipient, action, status) for each recipient block of the report's delivery-status part."""
    found = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if isinstance(blocks, str):  # some servers send the fields as plain text; read them as headers
            blocks = [message_from_string(chunk) for chunk in re.split(r"\r?\n\r?\n", blocks) if chunk.strip()]
        for block in blocks if isinstance(blocks, list) else []:
            action = " ".join(str(block.get("Action", "")).split()).lower()
            found_status = _STATUS.search(str(block.get("Status", "")))
            status = found_status.group(0) if found_status else ""
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            if action or status:
                found.append((_address(recipient), action.split(" ")[0], status))
        break
    return found


def _address(field_value: str) -> str:
    """`rfc822; Harriet@Example.net` -> `harriet@example.net`."""
    value = field_value.split(";", 1)[-1].strip().strip("<>").strip()
    return value.lower() if "@" in value else ""


def _library_failures(msg: Message) -> tuple[list[str], list[str]]:
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a detector met something it could not read: the report is still a report
        return [], []

    def decoded(addresses) -> list[str]:
        return sorted(
            {a.decode("utf-8", "replace").lower() if isinstance(a, bytes) else str(a).lower() for a in addresses}
        )

    return decoded(temporary), decoded(permanent)


def mentioned_ids(msg: Message) -> list[str]:
    """Every Message-ID the report carries: in returned messages, returned headers, or pasted text."""
    ids = _MESSAGE_ID.findall(_all_text(msg)[:_MAX_TEXT])
    return list(dict.fromkeys(ids))[:_MAX_IDS]


def _all_text(msg: Message) -> str:
    chunks: list[str] = []
    for part in msg.walk():  # into returned messages too: they are parts of the report
        for name in ("Message-ID", "In-Reply-To", "References"):
            if part.get(name):
                chunks.append(str(part.get(name)))
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            chunks.append(payload.decode("utf-8", "replace"))
    return "\n".join(chunks)
