from .audit import AuditEntry
from .inbound import InboundAttachment, InboundEmail
from .outbox import EmailBounce, EmailSuppression, OutboundAttachment, OutboundEmail
from .users import User

__all__ = [
    "AuditEntry",
    "EmailBounce",
    "EmailSuppression",
    "InboundAttachment",
    "InboundEmail",
    "OutboundAttachment",
    "OutboundEmail",
    "User",
]
