"""Sessions end on idle, at an absolute cap, at logout, and when access is withdrawn."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from portal.roles import Role, revoke_role
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ACCOUNT = "/account/"


def signed_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 200
    return client


def is_signed_in(client) -> bool:
    response = client.get(ACCOUNT)
    return response.status_code == 200


def test_a_mother_stays_signed_in_after_29_minutes_idle(client, mother):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, mother)
        clock.shift(timedelta(minutes=29, seconds=59))
        assert is_signed_in(client)


def test_a_mother_is_signed_out_after_30_minutes_and_1_second_idle(client, mother):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, mother)
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(ACCOUNT)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
        # The session itself is gone, not just this one response.
        assert not is_signed_in(client)


def test_a_nurse_is_signed_out_after_15_minutes_and_1_second_idle(client, nurse):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(nurse)
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=14, seconds=59))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=15, seconds=1))
        assert not is_signed_in(client)


def test_an_active_session_ends_12_hours_after_sign_in(client, mother):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, mother)
        for _ in range(12 * 3 - 1):
            clock.shift(timedelta(minutes=20))
            assert is_signed_in(client)
        clock.shift(timedelta(minutes=20, seconds=1))
        assert not is_signed_in(client)


def test_replaying_the_cookie_after_logout_is_anonymous(client, mother):
    signed_in(client, mother)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(ACCOUNT)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_deactivated_user_is_anonymous_on_her_next_request(client, mother):
    signed_in(client, mother)
    mother.is_active = False
    mother.save(update_fields=["is_active"])
    assert not is_signed_in(client)


def test_a_removed_role_takes_effect_on_the_next_request(client, nurse):
    client.force_login(nurse)
    assert client.get("/helpline/").status_code == 200
    revoke_role(nurse, Role.NURSE)
    assert client.get("/helpline/").status_code == 403
    assert client.get(ACCOUNT).context["roles"] == []


def test_the_session_key_changes_at_sign_in(client, mother):
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = before = session.session_key
    signed_in(client, mother)
    after = client.cookies["sessionid"].value
    assert after != before
    assert not session.exists(before)


def test_pages_for_signed_in_people_are_not_cached(client, mother):
    signed_in(client, mother)
    assert "no-store" in client.get(ACCOUNT)["Cache-Control"]
