"""Inbound email: replies, new emails and bounces. Apps import from here:

from portal.inbound import register, inbound_erase_about, inbound_delete_about
"""

from .registry import register
from .services import (
    inbound_delete_about,
    inbound_erase_about,
    inbound_erase_from,
    inbound_from,
    inbound_prune,
    inbound_read,
    inbound_receive,
)

__all__ = [
    "inbound_delete_about",
    "inbound_erase_about",
    "inbound_erase_from",
    "inbound_from",
    "inbound_prune",
    "inbound_read",
    "inbound_receive",
    "register",
]
