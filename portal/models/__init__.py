from .audit import AuditEntry
from .outbox import EmailSuppression, OutboundEmail
from .users import User

__all__ = ["AuditEntry", "EmailSuppression", "OutboundEmail", "User"]
