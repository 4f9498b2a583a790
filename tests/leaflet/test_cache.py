import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from leaflet import services
from leaflet.cache import PAGE_KEY_PREFIX, PUBLIC_MAX_AGE, SHARED_MAX_AGE, VersionCheck, content_version, version_check
from leaflet.models import ContentVersion

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

URL = "/guidance/breastfeeding/"


def test_anonymous_pages_are_public_with_validators(client, leaflet):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"]
    assert f"max-age={PUBLIC_MAX_AGE}" in response["Cache-Control"]
    assert f"s-maxage={SHARED_MAX_AGE}" in response["Cache-Control"]


def test_a_reader_with_the_page_open_sees_a_correction_within_a_minute(client, leaflet):
    """Her browser asks again before reusing the page (max-age=0), and a shared cache keeps
    it under a minute, so a published correction reaches her on her next reload."""
    directives = dict((part.strip().split("=") + [""])[:2] for part in client.get(URL)["Cache-Control"].split(","))
    assert directives["max-age"] == "0"
    assert int(directives["max-age"]) + int(directives["s-maxage"]) < 60


def test_a_repeat_visit_gets_304(client, leaflet):
    first = client.get(URL)
    by_etag = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_date.status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_cache_hit_needs_no_database(client, leaflet, django_assert_num_queries):
    client.get(URL)
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200
    assert b"This is a very personal decision." in response.content


def test_publishing_invalidates_the_cached_page(
    client, breastfeeding, editor, nurse, django_capture_on_commit_callbacks
):
    before = client.get(URL)
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="Fresh words."))
    services.section_submit(section=breastfeeding, by=editor)
    assert client.get(URL).content == before.content  # a draft changes nothing public

    with django_capture_on_commit_callbacks(execute=True):
        services.section_approve(section=breastfeeding, by=nurse)

    after = client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert b"Fresh words." in after.content
    assert after["ETag"] != before["ETag"]
    contents = client.get(reverse("leaflet:contents"))
    assert contents.status_code == 200


def test_signed_in_users_get_pages_no_cache_may_keep(client, leaflet, mother):
    client.get(URL)  # fill the anonymous cache
    client.force_login(mother)
    response = client.get(URL)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert b"Your account" in response.content  # rendered for her, not the anonymous copy


def test_a_cached_copy_keeps_the_security_headers(client, leaflet):
    first = client.get(URL)
    hit = client.get(URL)
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Cache-Control"):
        assert hit[header] == first[header], header
    assert "Cookie" in hit["Vary"]
    assert "Set-Cookie" not in hit
    assert hit.content == first.content


def _page_key(path):
    return f"{PAGE_KEY_PREFIX}:{content_version()}:{hashlib.sha256(path.encode()).hexdigest()}"


def test_only_guidance_pages_are_page_cached(client, leaflet):
    client.get("/privacy/")
    client.get(URL)
    assert cache.get(_page_key("/privacy/")) is None
    assert cache.get(_page_key(URL)) is not None


def test_a_hit_is_one_read_of_the_shared_cache_and_no_copy_is_kept_in_the_process(client, breastfeeding, monkeypatch):
    """Every web process serves the same copy: after a publish none can answer from an old one of its own."""
    client.get(URL)
    asked = []
    original_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: asked.append(key) or original_get(key, *a, **kw))
    response = client.get(URL)
    assert response.status_code == 200
    assert b"This is a very personal decision." in response.content
    assert asked == [_page_key(URL)]

    type(breastfeeding).objects.filter(pk=breastfeeding.pk).update(body_html="<p>Rendered again.</p>")
    cache.clear()  # the copy every process reads is gone: rendered afresh, not served from this one's memory
    assert b"Rendered again." in client.get(URL).content


def test_a_publish_by_another_process_reaches_readers_within_a_second(client, breastfeeding):
    client.get(URL)
    Section = type(breastfeeding)
    Section.objects.filter(pk=breastfeeding.pk).update(body_html="<p>Published elsewhere.</p>")
    ContentVersion.objects.update(token="bumped-by-another-process")
    assert b"Published elsewhere." not in client.get(URL).content  # this process has not asked yet

    version_check.checked_at -= VersionCheck.RECHECK_SECONDS  # a second later
    assert b"Published elsewhere." in client.get(URL).content


def test_pages_are_cached_only_until_midnight(client, leaflet, monkeypatch):
    """A page says whether its review is overdue, which can change at midnight."""
    timeouts = {}
    original_set = cache.set

    def recording_set(key, value, timeout=None):
        timeouts[key] = timeout
        return original_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", recording_set)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 18, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        client.get(URL)
    assert timeouts[_page_key(URL)] == 6 * 60 * 60


def test_search_pages_are_never_page_cached_nor_kept_by_browsers_or_nginx(client, leaflet, monkeypatch):
    """A search is counted each time, and a query may hold someone's details."""
    keys = []
    original_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, *args, **kwargs: keys.append(key) or original_set(key, *args, **kwargs)
    )
    response = client.get("/search/?q=bone")
    client.get(URL)
    assert "no-store" in response["Cache-Control"]
    assert _page_key("/search/") not in keys
    assert _page_key(URL) in keys


def test_a_query_string_does_not_make_a_new_copy_of_a_guidance_page(client, leaflet, django_assert_num_queries):
    client.get(URL)
    with django_assert_num_queries(0):
        assert client.get(URL + "?utm_source=leaflet").status_code == 200
    assert cache.get(_page_key(URL + "?utm_source=leaflet")) is None


def test_a_cached_page_is_not_served_for_a_host_name_that_is_not_ours(client, leaflet, settings):
    settings.ALLOWED_HOSTS = ["portal.example.org.uk"]
    home = client.get("/", HTTP_HOST="portal.example.org.uk")  # now cached
    assert home.status_code == 200

    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.content != home.content
