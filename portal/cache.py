"""Django's Redis cache backend, without building a new Redis client object for every call.

Django's RedisCacheClient.get_client() returns `redis.Redis(connection_pool=pool)`
each time it is called, i.e. on every cache get, set or add; with redis-py 8 that
constructor sets up some 170 response callbacks, about 0.2 ms of CPU, paid several
times per request (session, page cache, rate limits). The client object is
thread-safe and holds no connection of its own, so one per connection pool is enough.
"""

import functools

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One client per connection pool (the pool is the cache key): same behaviour, built once.
        self._client = functools.cache(self._client)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
