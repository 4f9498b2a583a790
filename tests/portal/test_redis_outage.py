"""With Redis refusing connections or hung, the pages a mother or nurse uses keep working.

Each test points the cache at a Redis of its own that it can stop or pause (or at a
port nobody listens on), so the shared Redis is never touched. Guidance and search then
come from the database, sessions from the database, rate limits count in the web
process's own memory, and the ask form saves her question.
"""

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from helpline.models import Enquiry
from leaflet import services as leaflet_services
from leaflet.models import Section
from portal.models import OutboundEmail
from tests import workers
from tests.conftest import TEST_PASSWORD
from tests.helpline.test_ask_form import valid
from tests.leaflet.conftest import draft_fields
from tests.security.test_accounts import LOGIN, MFA, current_code

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/guidance/", "/guidance/breastfeeding/", "/guidance/print/", "/search/?q=bone", "/helpline/ask/"]
UNAVAILABLE_LOG = "Redis cache unavailable"


def point_cache_at(settings, url: str) -> None:
    settings.CACHES = {"default": {**settings.CACHES["default"], "BACKEND": "portal.cache.RedisCache", "LOCATION": url}}


@pytest.fixture
def own_redis(tmp_path):
    with workers.redis_server(tmp_path) as server:
        yield server


@pytest.fixture(params=["refusing", "hung"])
def redis_unavailable(request, settings, tmp_path):
    """The cache's Redis refuses connections (nothing listens) or accepts them and never answers."""
    if request.param == "refusing":
        point_cache_at(settings, f"redis://127.0.0.1:{workers.free_port()}/0")
        yield request.param
        return
    with workers.redis_server(tmp_path) as server:
        point_cache_at(settings, server.url)
        cache.set("warm", "a connection is open before it hangs")
        server.pause()
        yield request.param


@pytest.fixture
def guidance(leaflet):
    return leaflet


def back_again() -> None:
    """Redis has answered again and this process's wait before asking it has passed."""
    cache._redis_down_until = float("-inf")


def test_guidance_search_and_the_ask_form_are_served(client, guidance, redis_unavailable):
    for _ in range(2):  # a first visit, then the copy this process kept
        for path in PUBLIC_PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
    assert b"This is a very personal decision." in client.get("/guidance/breastfeeding/").content


def test_her_question_is_saved_and_acknowledged(client, redis_unavailable, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/helpline/ask/", valid())

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.email == "priya@example.net"
    assert OutboundEmail.objects.filter(to="priya@example.net", template__contains="ask_acknowledgement").exists()
    # The thank-you page reads her reference from the session, which lives in the database.
    assert enquiry.reference in client.get(response["Location"]).content.decode()


def test_an_unavailable_redis_is_tried_once_a_while_not_on_every_call(client, guidance, redis_unavailable, caplog):
    """So a hung Redis costs one request one socket timeout, and the log gets one line, not hundreds."""
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        for path in PUBLIC_PAGES:
            assert client.get(path).status_code == 200
        assert client.post("/helpline/ask/", valid()).status_code == 302

    assert [m for m in caplog.messages if m.startswith(UNAVAILABLE_LOG)] == [caplog.messages[0]]
    assert "priya" not in caplog.text.lower()


def test_signed_in_pages_work_from_database_sessions(client, mother, nurse, redis_unavailable):
    response = client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200

    nurse_client = Client()
    assert nurse_client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD}).url == MFA
    assert nurse_client.post(MFA, {"code": current_code(nurse)}).status_code == 302
    assert nurse_client.get("/helpline/").status_code == 200


def test_a_sign_out_while_redis_hangs_stays_signed_out_when_it_returns(client, mother, own_redis, settings):
    point_cache_at(settings, own_redis.url)
    client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD})
    assert client.get("/account/").status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    own_redis.pause()
    assert client.post("/accounts/logout/").status_code == 302
    own_redis.resume()
    back_again()

    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # as if she (or someone) still had the old cookie
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_publish_while_redis_hangs_is_what_readers_see_when_it_returns(
    client, guidance, editor, nurse, own_redis, settings, django_capture_on_commit_callbacks
):
    point_cache_at(settings, own_redis.url)
    breastfeeding = Section.objects.get(slug="breastfeeding")
    url = breastfeeding.get_absolute_url()
    assert b"Fresh words." not in client.get(url).content  # now cached in Redis

    own_redis.pause()
    leaflet_services.section_save_draft(
        section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="Fresh words.")
    )
    leaflet_services.section_submit(section=breastfeeding, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        leaflet_services.section_approve(section=Section.objects.get(pk=breastfeeding.pk), by=nurse)
    own_redis.resume()
    back_again()

    assert b"Fresh words." in client.get(url).content


def test_the_ask_forms_limit_still_holds_per_process(client, redis_unavailable, settings):
    settings.HELPLINE_ASK_LIMIT_PER_IP = 2
    for n in range(2):
        assert client.post("/helpline/ask/", valid(email=f"asker{n}@example.net")).status_code == 302
    assert client.post("/helpline/ask/", valid(email="asker3@example.net")).status_code == 429
    assert Enquiry.objects.count() == 2


def test_failed_sign_ins_are_still_limited(client, mother, redis_unavailable):
    statuses = [
        client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"}).status_code for _ in range(30)
    ]
    assert 429 in statuses
    assert client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD}).status_code == 429
