"""The client's address, decided once for the audit log, rate limits and the record of where someone is signed in."""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The address of whoever sent the request, or None when it cannot be told.

    Behind TRUSTED_PROXY_COUNT proxies, each appending the address it saw to
    X-Forwarded-For, the client is the entry that many places from the end: every
    entry before it was written by the client and may be forged. With no proxy
    (development, tests) or no header (someone reaching the app directly), REMOTE_ADDR.
    """
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("x-forwarded-for", "")
    if count and forwarded:
        entries = forwarded.split(",")
        if len(entries) < count:
            # Fewer entries than proxies: one of them is not setting the header, so no entry can be believed.
            logger.warning("X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT")
            return None
        return _valid(entries[-count])
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
