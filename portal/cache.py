"""Django's Redis cache backend, made to carry on when Redis is unavailable.

Redis holds only what is safe to lose (page copies, rate-limit counters, markers),
so an outage must never become an error page. When Redis refuses a connection or
does not answer within the short socket timeouts (CACHES OPTIONS in settings), the
call is answered by this process's own memory instead, and Redis is left alone for
`RETRY_SECONDS`: a hung Redis then costs one request per process one timeout per
window, not every request every call. One warning line is logged per failure, naming
the operation and the error class only (keys and values may be derived from personal
data).

What this means for each use, during an outage only:
- page copies and markers: kept per process, as if each process had its own cache;
- rate limits (allauth sign-in, signup and password reset; the ask form): counted per
  process. That is deliberately neither failing closed (nobody could sign in or ask a
  question) nor failing open (unlimited password guessing while Redis is down): each
  limit still holds, only multiplied by the number of web processes, a bounded cost;
- TOTP codes: a used code is remembered by the process that accepted it, so it could
  be replayed on another process within its 30 seconds, and only with the password.
"""

import logging
import time

import redis
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# Long enough that a hung Redis costs each process one socket timeout per window,
# short enough that the shared counters and pages are back within seconds.
RETRY_SECONDS = 5.0
STAND_IN_MAX_ENTRIES = 500
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError)


def _or_stand_in(name: str):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                result = getattr(django_redis.RedisCache, name)(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                self._redis_down_until = time.monotonic() + RETRY_SECONDS
                logger.warning(
                    "Redis cache unavailable (%s during %s); this process uses its own memory for %ss",
                    exc.__class__.__name__,
                    name,
                    RETRY_SECONDS,
                )
            else:
                if self._stand_in_used:
                    # Redis is back: what this process kept meanwhile must not outlive the outage.
                    self._stand_in_used = False
                    self._stand_in.clear()
                    logger.warning("Redis cache available again")
                return result
        self._stand_in_used = True
        return getattr(self._stand_in, name)(*args, **kwargs)

    method.__name__ = name
    return method


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._stand_in = LocMemCache(f"redis-stand-in:{server}", {"OPTIONS": {"MAX_ENTRIES": STAND_IN_MAX_ENTRIES}})
        self._stand_in_used = False
        self._redis_down_until = float("-inf")

    # Every operation Django's Redis backend implements (the rest of the cache API,
    # decr and the async methods included, is built on these).
    add = _or_stand_in("add")
    get = _or_stand_in("get")
    set = _or_stand_in("set")
    touch = _or_stand_in("touch")
    delete = _or_stand_in("delete")
    get_many = _or_stand_in("get_many")
    has_key = _or_stand_in("has_key")
    incr = _or_stand_in("incr")
    set_many = _or_stand_in("set_many")
    delete_many = _or_stand_in("delete_many")
    clear = _or_stand_in("clear")
