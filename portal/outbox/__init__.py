"""The email outbox. Other apps import from here:

from portal.outbox import email_queue, email_render, email_cancel, email_cancel_about, emails_about, register_veto
"""

from .consent import is_suppressed, suppression_add, suppression_erase, unsubscribe_url
from .selectors import emails_about
from .services import (
    email_cancel,
    email_cancel_about,
    email_deliver,
    email_queue,
    email_record,
    email_render,
    email_retry,
    emails_sweep,
)
from .vetoes import register_veto

__all__ = [
    "email_cancel",
    "email_cancel_about",
    "email_deliver",
    "email_queue",
    "email_record",
    "email_render",
    "email_retry",
    "emails_about",
    "emails_sweep",
    "is_suppressed",
    "register_veto",
    "suppression_add",
    "suppression_erase",
    "unsubscribe_url",
]
