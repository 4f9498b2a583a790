"""Whole-page caching for anonymous readers, with validators for conditional GET.

One mechanism keeps guidance pages: Django's cache (Redis in production; each
process's own memory while Redis is unavailable, portal/cache.py), keyed by the
content version. nginx in front (docs/nginx-portal.conf) keeps a page only as long
as `Cache-Control: s-maxage` allows and then asks again with the page's validators,
which this module answers with a 304 from the same cache.

`public_page` marks a view's response as shareable when the reader is anonymous
(`Cache-Control: public` with a short shared max-age) and as never to be kept when
they are signed in. `PageCacheMiddleware`, placed early in the middleware stack,
stores the finished shareable responses and serves them to later anonymous readers
before sessions, authentication or any view run: one cache read, no database query
on a hit. Every cached page is keyed by a content version (a row in the database,
`ContentVersion`) that `content_changed()` replaces after a publish, so one write
invalidates all pages (and the search index, and kept search results) at once, even
while Redis is unavailable; each process asks for the version at most once a second.
Responses carry an ETag and Last-Modified, so a repeat visit gets 304.

"Anonymous reader" means a GET or HEAD with no session or messages cookie, and
no language chosen but English: anyone signed in has a session cookie, so they
can never be served a shared copy, nobody is served a copy with someone else's
one-off messages, and a reader who chose Welsh never gets the English copy.
"""

import datetime
import hashlib
import time
import uuid
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from .models import ContentVersion

# Pages are stored under this prefix, the content version and a hash of the path; the
# prefix changes whenever the stored entry's shape does, so a deploy never reads old entries.
PAGE_KEY_PREFIX = "leaflet:page:3"
PAGE_TIMEOUT = 24 * 60 * 60
# How long a browser may reuse a page without asking again: not at all, so a reader who
# reloads a page she has open gets a published correction as soon as the shared cache
# has it (a 304 when nothing changed, so asking costs little).
PUBLIC_MAX_AGE = 0
# How long a shared cache (nginx's proxy cache, docs/nginx-portal.conf) may serve a page
# without asking again. A copy refreshed just before a publish lives this long, and the
# next refresh takes a moment more: 50 s keeps a publish visible to every reader within a minute.
SHARED_MAX_AGE = 50
# Only these paths are looked up, so other apps' pages pay nothing for the cache. Search
# pages are never page-cached: each search is counted, and a query may hold someone's
# details (the results of stored queries are kept by `SearchPages`, below).
CACHED_PATH_PREFIXES = ("/guidance/",)
CACHED_PATHS = ("/",)
_NOT_STORED_HEADERS = {"set-cookie", "etag", "last-modified"}


def content_version() -> str:
    """The version cached pages are keyed by, as the database has it now (one query)."""
    version = ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if version is None:  # the migration makes the row; only an emptied table lacks it
        version = ContentVersion.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})[0].token
    return version


class VersionCheck:
    """Which content version this process serves: asked of the database at most once a second.

    Only the version's name is remembered here, never a page: every copy lives in the
    cache. A publish made by another process reaches this one's readers within
    `RECHECK_SECONDS`; the publishing process sees its own at once (`content_changed`).
    """

    RECHECK_SECONDS = 1.0

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        self.version: str | None = None
        self.checked_at = float("-inf")

    def current(self) -> str:
        now = time.monotonic()
        if self.version is None or now - self.checked_at >= self.RECHECK_SECONDS:
            self.version, self.checked_at = content_version(), now
        return self.version


version_check = VersionCheck()


def current_version() -> str:
    return version_check.current()


def versioned_get_or_set(name: str, build, timeout: int = PAGE_TIMEOUT):
    """What `build()` returns for the current content version, kept in the cache under `name`.

    For anything derived from the published content alone (the search index): built
    once per version by whichever process first needs it, then read by every other.
    """
    return cache.get_or_set(f"leaflet:{name}:{current_version()}", build, timeout)


@dataclass(frozen=True)
class KeptSearch:
    found: bool
    search_id: int
    content: bytes


class SearchPages:
    """The rendered results of stored queries, for anonymous readers, in the cache.

    Search pages are never served from the page cache or shared caches (each search must
    be counted, so the view always runs), but a repeated query need not be ranked and
    rendered again. Keyed by a hash of the query and the content version, so a publish
    or a synonym change is seen at once; only queries the counts store (none naming
    anyone) are kept, and only until midnight (the page shows whether reviews are overdue).
    """

    KEY_PREFIX = "leaflet:search:1"

    def _key(self, key: tuple) -> str:
        return f"{self.KEY_PREFIX}:{hashlib.sha256(repr(key).encode()).hexdigest()}"

    def get(self, key: tuple) -> KeptSearch | None:
        return cache.get(self._key(key))

    def keep(self, key: tuple, kept: KeptSearch) -> None:
        cache.set(self._key(key), kept, min(PAGE_TIMEOUT, _seconds_until_midnight()))


search_pages = SearchPages()


def content_changed() -> None:
    """Invalidate every cached page, kept search result and the search index.

    Called in the transaction that changes the published content (by `search.rebuild`), so
    other processes meet the new version together with the new content, never before it.
    """
    ContentVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    version_check.forget()


def is_anonymous_reader(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE
    )


def _seconds_until_midnight() -> int:
    now = timezone.localtime()
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(), now.tzinfo)
    return max(1, int((midnight - now).total_seconds()))


def public_page(view):
    """Let shared caches and the page cache keep this view's pages for anonymous readers only."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if is_anonymous_reader(request) and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE, s_maxage=SHARED_MAX_AGE)
            # Pages say whether a review is overdue, which changes at midnight, not on publish.
            response.leaflet_cache_timeout = min(PAGE_TIMEOUT, _seconds_until_midnight())
        else:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return wrapper


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not (path in CACHED_PATHS or path.startswith(CACHED_PATH_PREFIXES)) or not is_anonymous_reader(request):
            return self.get_response(request)
        # Checks the Host header against ALLOWED_HOSTS (400 if it is not one of ours), which
        # Django otherwise does only when something asks for the host: a cached copy must not
        # answer for any name pointed at the server.
        request.get_host()

        # The query string is ignored, so `?anything` cannot fill the cache with copies of a page.
        key = f"{PAGE_KEY_PREFIX}:{current_version()}:{hashlib.sha256(path.encode()).hexdigest()}"
        entry = cache.get(key)
        # The entry's own expiry as well as the cache's: the page must turn at midnight by this
        # server's clock, whatever Redis's clock says.
        if entry is None or entry["expires_at"] <= time.time():
            response = self.get_response(request)
            timeout = getattr(response, "leaflet_cache_timeout", None)
            if timeout is None or response.streaming:
                return response
            entry = {
                "content": response.content,
                "status": response.status_code,
                "headers": [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED_HEADERS],
                "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
                "last_modified": int(time.time()),
                "expires_at": time.time() + timeout,
            }
            cache.set(key, entry, timeout)

        response = get_conditional_response(request, etag=entry["etag"], last_modified=entry["last_modified"])
        if response is None:
            response = HttpResponse(entry["content"], status=entry["status"])
            for header, value in entry["headers"]:
                response[header] = value
        else:
            for header, value in entry["headers"]:
                if header.lower() in ("cache-control", "vary", "content-security-policy", "x-frame-options"):
                    response[header] = value
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["last_modified"])
        return response
