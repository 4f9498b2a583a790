"""Whole-page caching for anonymous readers, with validators for conditional GET.

An anonymous reader (no session or messages cookie) gets the page from the
Django cache: no database query on a hit. Every cached page is keyed by a
content version that `content_changed()` bumps after a publish, so one cache
write invalidates every page at once. Responses carry an ETag and
Last-Modified, so a repeat visit gets 304, and `Cache-Control: public` with a
short max-age. Signed-in users always get a fresh page that no cache may keep.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, quote_etag

VERSION_KEY = "leaflet:content-version"
PAGE_TIMEOUT = 24 * 60 * 60
# How long a browser or shared cache may reuse a page without asking again.
PUBLIC_MAX_AGE = 300


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, str(time.time_ns()), None)
        version = cache.get(VERSION_KEY)
    return version


def content_changed() -> None:
    """Invalidate every cached page (called after a publish commits)."""
    cache.set(VERSION_KEY, str(time.time_ns()), None)


def _is_anonymous_reader(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(view):
    """Serve a public page from the page cache to anonymous readers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_anonymous_reader(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            return response

        path_key = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"leaflet:page:{content_version()}:{path_key}"
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):
                response.render()
            entry = {
                "content": response.content,
                "content_type": response["Content-Type"],
                "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
                "last_modified": int(time.time()),
            }
            cache.set(key, entry, PAGE_TIMEOUT)

        response = get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"]
        ) or HttpResponse(entry["content"], content_type=entry["content_type"])
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["last_modified"])
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
