"""A signed-in page does not write the session's "last seen" times on every request."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return UserSession.objects.get(user=user)


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]


def test_the_sign_in_records_the_session(client, mother):
    session = sign_in(client, mother)

    assert session.session_key == client.session.session_key


def test_pages_within_five_minutes_of_each_other_write_nothing_about_the_session(client, mother):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, mother)
        client.get("/account/")
    with time_machine.travel(start + timedelta(minutes=4), tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get("/account/")

    assert response.status_code == 200
    assert not [sql for sql in writes(queries) if "usersessions" in sql]


def test_the_first_page_after_five_minutes_updates_last_seen(client, mother):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        session = sign_in(client, mother)
        client.get("/account/")
    # The marker expires after five minutes; Redis keeps its own clock, so expire it here.
    cache.clear()
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        client.get("/account/")

    session.refresh_from_db()
    assert session.last_seen_at == start + timedelta(minutes=6)


def test_an_anonymous_page_records_nothing(client):
    client.get("/privacy/")

    assert not UserSession.objects.exists()


def test_pages_within_a_minute_of_each_other_do_not_save_the_session(client, mother):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, mother)
        client.get("/account/")
    with time_machine.travel(start + timedelta(seconds=59), tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get("/account/")

    assert response.status_code == 200
    assert not [sql for sql in writes(queries) if "django_session" in sql]


def test_the_idle_clock_still_moves_on_with_each_minute_of_use(client, mother):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, mother)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert client.get("/account/").status_code == 200
    # 40 minutes after signing in, but only 20 since she was last seen: still signed in.
    with time_machine.travel(start + timedelta(minutes=40), tick=False):
        assert client.get("/account/").status_code == 200
