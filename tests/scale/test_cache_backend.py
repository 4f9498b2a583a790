"""The portal's Redis cache behaves as Django's while Redis is up."""

import pytest
from django.conf import settings
from django.core.cache import caches

from portal.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-backend"})
    yield backend
    backend.clear()


def test_the_portal_uses_it_when_redis_is_configured():
    assert isinstance(caches["default"], RedisCache)


def test_it_stores_adds_counts_and_forgets_like_djangos_backend(redis_cache):
    redis_cache.set("page", {"content": b"<h1>Hello</h1>"}, 60)
    assert redis_cache.get("page") == {"content": b"<h1>Hello</h1>"}

    assert redis_cache.add("marker", 1, 60) is True
    assert redis_cache.add("marker", 2, 60) is False
    assert redis_cache.incr("marker") == 2

    assert redis_cache.get_many(["page", "missing"]) == {"page": {"content": b"<h1>Hello</h1>"}}
    redis_cache.delete("page")
    assert redis_cache.get("page") is None
