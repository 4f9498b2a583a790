from .audit import AuditEntry
from .inbound import InboundAttachment, InboundEmail
from .outbox import EmailSuppression, OutboundEmail
from .users import User

__all__ = ["AuditEntry", "EmailSuppression", "InboundAttachment", "InboundEmail", "OutboundEmail", "User"]
