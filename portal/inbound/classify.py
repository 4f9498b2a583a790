"""What kind of email this is, decided before anything else reads it: a person, or a machine.

Machines are never answered, so two robots cannot start a mail loop, and never
become enquiries. In order:

1. a spam complaint: an RFC 5965 feedback report (ARF) whose feedback type
   says a recipient complained, or the older form Microsoft's JMRP sends (the
   complained-about message attached, its recipient in X-HmXmrOriginalRecipient);
   an authentication-failure or not-spam report is a machine's, not a complaint;
2. a delivery report: RFC 3464, or one of the older forms flufl.bounce reads
   (looked for only in mail that already looks automatic, see `bounces`);
3. an out-of-office or vacation reply: RFC 3834 `Auto-Submitted: auto-replied`
   (comments such as "(vacation)" aside), the X-Autoreply family, a subject in one
   of the languages we see, or an acknowledgement's subject on mail already
   marked automatic;
4. any other automatic mail: RFC 3834 headers, bulk or list mail, a null
   return path, or a system sender (mailer-daemon, postmaster, no-reply);
5. otherwise a person wrote it.
"""

import re
from dataclasses import dataclass, field
from email.message import Message

from .bounces import Bounce, mentioned_ids, read_bounce

HUMAN = "human"
COMPLAINT = "complaint"
BOUNCE = "bounce"
OUT_OF_OFFICE = "out_of_office"
AUTOMATIC = "automatic"

# The local part of an address no person reads.
_SYSTEM_SENDER = re.compile(
    r"^(?:mailer-daemon|mail-daemon|maildaemon|postmaster|mailer|mail\.?delivery(?:\.?system)?|"
    r"no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?(?:[-+.].*)?|auto[-_.]?(?:reply|responder)|"
    r"abuse|fbl|feedback(?:[-_.]?loop)?|complaints?|arf|scomp|staff\+?.*complaints)$",
    re.IGNORECASE,
)
# The mail system itself: what it sends is a delivery report, even one we cannot read.
_MAIL_SYSTEM = re.compile(r"^(?:mailer-daemon|mail-daemon|maildaemon|postmaster|mail\.?delivery(?:\.?system)?)$", re.I)
# Challenge-response systems ask the sender to prove they are a person: a robot all the same.
_CHALLENGE_HEADERS = ("X-Bluebottle-Request", "X-Boxbe-Challenge", "X-Spamarrest-Challenge", "X-Mailinblack")
# Subjects of delivery failures, in the forms mail servers send (English, German, French, Dutch, Spanish...).
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|not (?:be )?delivered|delivery (?:status|failure|notification|problem|has failed)|"
    r"returned mail|failure notice|mail delivery failed|delivery failed|could not send|returned to sender|"
    r"mail system error|nondeliverable|non[- ]?remis|unzustellbar|nicht zustellbar|onbestelbaar|"
    r"no se puede entregar|mensaje no entregado|echec de (?:la )?distribution|warning: message|delayed mail|"
    r"delivery delayed|message delayed|delivery warning|mail error|bounce",
    re.IGNORECASE,
)
# Out-of-office subjects: English, Welsh, Polish, German, French, Spanish, Portuguese, Italian, Dutch,
# Romanian, and the Nordic and Czech forms Outlook and Exchange write.
_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|away from (?:the|my) "
    r"|on (?:annual )?leave|on holiday|on vacation|vacation (?:reply|message|notice)|holiday (?:reply|notice)|"
    r"ateb awtomatig|allan o'?r swyddfa|i ffwrdd o'?r swyddfa|"
    r"odpowied[zź] automatyczna|automatyczna odpowied[zź]|nieobecno[sś][cć]|poza biurem|"
    r"abwesenheit|automatische antwort|nicht im b[uü]ro|au[sß]er haus|"
    r"r[eé]ponse automatique|absence du bureau|message d'absence|"
    r"respuesta autom[aá]tica|fuera de (?:la )?oficina|ausente|"
    r"resposta autom[aá]tica|fora do escrit[oó]rio|aus[eê]ncia|"
    r"risposta automatica|fuori (?:sede|ufficio)|"
    r"automatisch antwoord|afwezig|niet (?:aanwezig|op kantoor)|"
    r"r[aă]spuns automat|absen[tț][aă]|în afara biroului|"
    r"autosvar|automatisk svar|fr[aå]nvar|automatick[aá] odpov[eě]d",
    re.IGNORECASE,
)


# Subjects of autoresponders' acknowledgements, read only on mail already marked automatic
# (Precedence, a null return path...), since a person may thank us too. The phrase is the one of
# the corpus's acknowledgement (tests/portal/mail_corpus/bounceparser/autoreply.msg, "Thank you for
# your e-mail"), with its "contacting us" and "received your message" variants.
_ACKNOWLEDGEMENT_SUBJECT = re.compile(
    r"^\s*thank(?:s| you) for (?:your|contacting)|^\s*(?:we have )?received your (?:e-?mail|message)",
    re.IGNORECASE,
)

# RFC 5965 feedback types by which a recipient tells us she did not want our email
# (RFC 5965 section 7.3 registry: abuse, fraud, other, virus; "opt-out" and
# "opt-out-list" from the ARF drafts some providers still send). "auth-failure"
# (RFC 6591) and "not-spam" (RFC 6430) report no such wish and change nothing.
_COMPLAINT_TYPES = ("abuse", "fraud", "other", "virus", "opt-out", "opt-out-list")
# Microsoft's JMRP/Outlook.com complaint names the complaining address in this header of
# the attached message (or, in its oldest form, of the complaint itself).
_JMRP_RECIPIENT = "X-HmXmrOriginalRecipient"
_JMRP_SUBJECT = re.compile(r"^\s*complaint about message from\b", re.IGNORECASE)


@dataclass
class Complaint:
    """An RFC 5965 feedback report: who complained, about which of our emails."""

    feedback_type: str
    recipients: list[str] = field(default_factory=list)  # the addresses our email went to, as the report says
    mentioned_ids: list[str] = field(default_factory=list)


@dataclass
class Classification:
    kind: str
    reason: str = ""
    bounce: Bounce | None = None
    complaint: Complaint | None = None

    @property
    def automatic(self) -> bool:
        return self.kind != HUMAN


def classify(msg: Message, *, from_address: str, subject: str) -> Classification:
    """`msg` is read with the standard library's compat32 policy, as the bounce detectors expect."""
    complaint = _complaint(msg) or _jmrp_complaint(msg, subject)
    if complaint is not None and complaint.feedback_type in _COMPLAINT_TYPES:
        return Classification(COMPLAINT, "A spam complaint (feedback report).", complaint=complaint)
    if complaint is not None:
        reason = f"A feedback report ({complaint.feedback_type}) that is no recipient's complaint: nothing changed."
        return Classification(AUTOMATIC, reason)
    robot_reason = _robot_reason(msg, from_address)
    # A null return path and no sender in From either: only the mail system itself writes
    # that way (an out-of-office still comes from the person's own address).
    from_the_mail_system = not from_address and _header(msg, "Return-Path").strip() in ("<>", "<<>>")
    bounce_like = bool(
        _BOUNCE_SUBJECT.search(subject)
        or msg.get("X-Failed-Recipients")
        or _MAIL_SYSTEM.match(from_address.rsplit("@", 1)[0])
        or from_the_mail_system
    )
    bounce = read_bounce(
        msg, looks_automatic=bool(robot_reason or bounce_like or not from_address), bounce_like=bounce_like
    )
    if bounce is not None:
        return Classification(BOUNCE, "A delivery report.", bounce=bounce)
    if _is_out_of_office(msg, subject) or (robot_reason and _ACKNOWLEDGEMENT_SUBJECT.search(subject)):
        return Classification(OUT_OF_OFFICE, "An out-of-office or vacation reply.")
    if robot_reason:
        return Classification(AUTOMATIC, robot_reason)
    return Classification(HUMAN)


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    return " ".join(str(value).split()).lower() if value is not None else ""


def _auto_submitted(msg: Message) -> str:
    """The RFC 3834 keyword, without comments or parameters: `auto-replied (vacation)` -> `auto-replied`."""
    value = re.sub(r"\([^()]*\)", " ", _header(msg, "Auto-Submitted"))
    return (value.replace(";", " ").split() or [""])[0]


def _robot_reason(msg: Message, from_address: str) -> str:
    auto_submitted = _auto_submitted(msg)
    if auto_submitted and auto_submitted != "no":
        return f"Sent automatically (Auto-Submitted: {auto_submitted[:40]})."
    precedence = _header(msg, "Precedence")
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Sent automatically (Precedence: {precedence})."
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response"):
        if msg.get(name) is not None:
            return f"Sent automatically ({name})."
    for name in _CHALLENGE_HEADERS:
        if msg.get(name) is not None:
            return "A challenge-response robot asking us to prove we are a person."
    if msg.get("List-Id") is not None or msg.get("List-Unsubscribe") is not None:
        return "Mailing-list or bulk mail."
    if msg.get("Return-Path") is not None and _header(msg, "Return-Path").strip() in ("<>", "", "<<>>"):
        return "Sent with a null return path, as automatic notices are."
    if not from_address:
        return ""
    if _SYSTEM_SENDER.match(from_address.rsplit("@", 1)[0]):
        return "Sent from a system address, not a person's."
    return ""


def _is_out_of_office(msg: Message, subject: str) -> bool:
    if _auto_submitted(msg) == "auto-replied" or _header(msg, "Precedence") == "auto_reply":
        return True
    if msg.get("X-Autoreply") is not None or msg.get("X-Autorespond") is not None:
        return True
    return bool(_OUT_OF_OFFICE_SUBJECT.search(subject))


def _complaint(msg: Message) -> Complaint | None:
    is_report = msg.get_content_type() == "multipart/report" and (
        str(msg.get_param("report-type", "")).lower() == "feedback-report"
    )
    report = next((part for part in msg.walk() if part.get_content_type() == "message/feedback-report"), None)
    if report is None and not is_report:
        return None
    fields: dict[str, list[str]] = {}
    payload = report.get_payload() if report is not None else None
    blocks = payload if isinstance(payload, list) else []
    # The fields as text: a report part read as plain text, or a report whose MIME is broken
    # (a boundary parameter folded without indentation leaves the whole body as one text).
    text = payload if isinstance(payload, str) else ""
    if report is None and not msg.is_multipart():
        body = msg.get_payload(decode=True)
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else ""
    for block in blocks:
        for name, value in block.items():
            fields.setdefault(name.lower(), []).append(str(value).strip())
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    # Original-Rcpt-To is where the report says our email went; Removal-Recipient is who asked to leave.
    named = fields.get("original-rcpt-to", []) + fields.get("removal-recipient", [])
    recipients = list(dict.fromkeys(a for value in named for a in _addresses(value)))
    # The complained-about message's own To: header, where the report includes it.
    for part in msg.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers") and part is not msg:
            inner = part.get_payload()[0] if part.is_multipart() else None
            if inner is not None and inner.get("To"):
                recipients += [a for a in _addresses(str(inner.get("To"))) if a not in recipients]
    feedback_type = (fields.get("feedback-type") or ["abuse"])[0].split()
    return Complaint(
        feedback_type=(feedback_type or ["abuse"])[0][:40].lower(),
        recipients=recipients[:10],
        mentioned_ids=mentioned_ids(msg),
    )


def _jmrp_complaint(msg: Message, subject: str) -> Complaint | None:
    """Microsoft's complaint: not ARF, but the complained-about message carries the complaining address.

    The header on an attached message counts only under JMRP's own subject, so a person
    forwarding a Hotmail message as an attachment is not taken for a complaint.
    """
    for part in msg.walk():
        headers = part
        if part.get_content_type() == "message/rfc822" and part.is_multipart():
            headers = part.get_payload()[0]
        if headers is not msg and not _JMRP_SUBJECT.search(subject):
            continue
        if headers.get(_JMRP_RECIPIENT) is None:
            continue
        recipients = _addresses(str(headers.get(_JMRP_RECIPIENT)))
        if headers.get("To"):
            recipients += [a for a in _addresses(str(headers.get("To"))) if a not in recipients]
        return Complaint(feedback_type="abuse", recipients=recipients[:10], mentioned_ids=mentioned_ids(msg))
    return None


def _addresses(value: str) -> list[str]:
    from email.utils import getaddresses

    return [address.lower() for _, address in getaddresses([value]) if "@" in address]
