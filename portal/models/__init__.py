from .audit import AuditEntry
from .outbox import OutboundEmail
from .users import User

__all__ = ["AuditEntry", "OutboundEmail", "User"]
