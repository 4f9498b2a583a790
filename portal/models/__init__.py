from .audit import AuditEntry
from .inbound import InboundAttachment, InboundEmail
from .outbox import EmailBounce, EmailSuppression, OutboundEmail
from .users import User

__all__ = [
    "AuditEntry",
    "EmailBounce",
    "EmailSuppression",
    "InboundAttachment",
    "InboundEmail",
    "OutboundEmail",
    "User",
]
