"""Throughput of the guidance pages against a bare Django view, in process.

    .venv/bin/python bench/leaflet_pages.py                  # --seconds 3
    DATABASE_URL=postgres://... REDIS_URL=redis://.../N .venv/bin/python bench/leaflet_pages.py

Every request goes through the whole middleware stack (sessions, auth, CSP,
staff MFA, history) via Django's test client, so the figures compare views, not
HTTP servers. It migrates the configured database and runs `leaflet_load`
(idempotent). Cases: a bare view returning "ok"; an anonymous section page
from the page cache; the same page revalidated with If-None-Match (304); the
page rendered afresh (cache emptied before each request); a search (never
page-cached: each is counted); and the page for a signed-in reader (never cached). Also counts database queries on a
cache hit.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, include, path  # noqa: E402

from leaflet.cache import version_check  # noqa: E402


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("portal.urls"))]

PAGE = "/guidance/breastfeeding/"


def rate(client: Client, url: str, seconds: float, before=None, **headers) -> tuple[float, int]:
    count, status = 0, None
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        if before:
            before()
        status = client.get(url, **headers).status_code
        count += 1
    return count / (time.perf_counter() - started), status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()
    call_command("migrate", verbosity=0)
    call_command("leaflet_load", stdout=io.StringIO())

    client = Client()
    client.get("/bench/bare/")  # warm up imports and lazy settings
    first = client.get(PAGE)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)

    from portal.models import User

    reader, _ = User.objects.get_or_create(email="bench-reader@example.org")
    signed_in = Client()
    signed_in.force_login(reader)

    print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    print(f"queries on a cache hit: {len(queries)}")

    def empty_the_cache():
        cache.clear()
        version_check.forget()

    cases = [
        ("bare Django view", lambda: rate(client, "/bench/bare/", args.seconds)),
        ("section page, cached (anonymous)", lambda: rate(client, PAGE, args.seconds)),
        ("section page, 304 revalidation", lambda: rate(client, PAGE, args.seconds, HTTP_IF_NONE_MATCH=etag)),
        ("section page, rendered afresh", lambda: rate(client, PAGE, args.seconds, before=empty_the_cache)),
        ("search 'breastfeed'", lambda: rate(client, "/search/?q=breastfeed", args.seconds)),
        ("section page, signed-in reader", lambda: rate(signed_in, PAGE, args.seconds)),
    ]
    # Two rounds, best of each: the machine is shared, so the slower round is mostly noise.
    results: dict[str, tuple[float, int]] = {}
    for _ in range(2):
        for label, run in cases:
            per_second, status = run()
            results[label] = max(results.get(label, (0.0, status)), (per_second, status))
    for label, (per_second, status) in results.items():
        print(f"{label:40s} {per_second:8.0f} req/s  (status {status})")


if __name__ == "__main__":
    main()
