"""Web processes hold no state: two gunicorn processes behind one load balancer behave as one site.

Each test starts two real gunicorn processes with production settings on two loopback
ports, against the same PostgreSQL test database and the same Redis, and talks to them
over HTTP the way a load balancer with no session affinity would.
"""

from contextlib import ExitStack

import pytest
from allauth.account import app_settings as account_settings
from allauth.core.internal.ratelimit import parse_rates
from django.contrib.auth.hashers import Argon2PasswordHasher

from tests.conftest import TEST_PASSWORD, make_user
from tests.webprocess import WebProcess, csrf_token, web_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

EMAIL = "alice@example.org"
TOO_MANY_ATTEMPTS = "Too many failed login attempts"


@pytest.fixture
def two_web_processes(static_root, tmp_path):
    with ExitStack() as stack:
        yield [stack.enter_context(web_process(static_root, tmp_path, name)) for name in ("a", "b")]


@pytest.fixture
def alice(db):
    # The test settings hash with MD5 for speed; the web processes only accept Argon2.
    user = make_user(EMAIL)
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(TEST_PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def post_login(web: WebProcess, cookies: dict, password: str, email: str = EMAIL):
    _, page = web.request("GET", "/accounts/login/", cookies=cookies)
    token = csrf_token(page)
    return web.request(
        "POST",
        "/accounts/login/",
        cookies=cookies,
        form={"csrfmiddlewaretoken": token, "login": email, "password": password},
    )


def test_a_login_made_through_one_process_is_valid_on_the_other(two_web_processes, alice):
    first, second = two_web_processes
    cookies: dict = {}

    response, _ = second.request("GET", "/account/", cookies=cookies)
    assert response.status == 302
    assert response.headers["Location"].startswith("/accounts/login/")

    response, _ = post_login(first, cookies, TEST_PASSWORD)
    assert response.status == 302, first.log()[-2000:]
    assert response.headers["Location"] == "/account/"
    assert "__Host-sessionid" in cookies

    response, page = second.request("GET", "/account/", cookies=cookies)
    assert response.status == 200, second.log()[-2000:]
    assert f"You are signed in as {EMAIL}." in page


def test_a_sign_out_through_one_process_ends_the_session_on_the_other(two_web_processes, alice):
    first, second = two_web_processes
    cookies: dict = {}
    post_login(first, cookies, TEST_PASSWORD)
    session_cookie = cookies["__Host-sessionid"]

    _, page = second.request("GET", "/accounts/logout/", cookies=cookies)
    token = csrf_token(page)
    response, _ = second.request("POST", "/accounts/logout/", cookies=cookies, form={"csrfmiddlewaretoken": token})
    assert response.status == 302

    response, _ = first.request("GET", "/account/", cookies={**cookies, "__Host-sessionid": session_cookie})
    assert response.status == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_failed_logins_for_one_account_count_across_both_processes(two_web_processes, alice):
    """The per-account limit on failed sign-ins is shared: failures split between the two add up."""
    first, second = two_web_processes
    per_account = next(rate for rate in parse_rates(account_settings.RATE_LIMITS["login_failed"]) if rate.per == "key")
    cookies: dict = {}
    for attempt in range(per_account.amount):
        web = first if attempt % 2 == 0 else second
        response, page = post_login(web, cookies, "a-wrong-password")
        assert response.status == 200, f"attempt {attempt + 1} of {per_account.amount}"
        assert TOO_MANY_ATTEMPTS not in page

    # Even the right password is refused now, on either process.
    for web in (first, second):
        response, page = post_login(web, cookies, TEST_PASSWORD)
        assert response.status == 429
        assert TOO_MANY_ATTEMPTS in page
        assert "__Host-sessionid" not in cookies


def test_failed_logins_from_one_address_hit_429_across_both_processes(two_web_processes, alice):
    """The per-address limit is shared too: failures for different accounts, split between the two."""
    first, second = two_web_processes
    per_ip = next(rate for rate in parse_rates(account_settings.RATE_LIMITS["login_failed"]) if rate.per == "ip")
    cookies: dict = {}
    for attempt in range(per_ip.amount):
        web = first if attempt % 2 == 0 else second
        response, _ = post_login(web, cookies, "a-wrong-password", email=f"someone{attempt}@example.org")
        assert response.status == 200, f"attempt {attempt + 1} of {per_ip.amount}"

    for web in (first, second):
        response, page = post_login(web, cookies, TEST_PASSWORD)
        assert response.status == 429
        assert TOO_MANY_ATTEMPTS in page
