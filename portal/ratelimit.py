"""Fixed-window rate limits for public forms, kept in the shared cache (Redis in production).

Keys hold a hash of the IP or address, never the address itself, because the
cache is not a place for personal data.

While Redis is unavailable the cache counts in each web process's memory
(portal/cache.py), so these limits still hold per process: a flood costs at most
the limit times the number of web processes, and nothing anyone sends is lost
because Redis is down.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, value: str, window: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one use; return False once `limit` uses have been made in this window."""
    key = _key(scope, value, window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first use of a new window.
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
