"""Web processes hold no state: two gunicorn processes behind one load balancer behave as one site.

Each test starts two real gunicorn processes with production settings on two loopback
ports, against the same PostgreSQL test database and the same Redis, and talks to them
over HTTP the way a load balancer with no session affinity would.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from allauth.account import app_settings as account_settings
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

from tests import workers
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

EMAIL = "alice@example.org"
TOO_MANY_ATTEMPTS = "Too many failed login attempts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Production settings serve hashed static files: collect them once for the module."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env={**production_env(), "STATIC_ROOT": str(root)},
        check=True,
    )
    return root


def production_env() -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "two-web-processes-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": settings.REDIS_URL or "",
    }


class WebProcess:
    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(self, method: str, path: str, *, cookies: dict, form: dict | None = None):
        """One HTTP request; cookies the response sets are stored into `cookies`.

        Both processes see the same Host, as behind a load balancer: allauth keys the
        per-account failed-login counter by host and email.
        """
        headers = {"Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        return response, text


@contextmanager
def web_process(static_root: Path, tmp_path: Path, name: str):
    port = free_port()
    log_path = tmp_path / f"gunicorn-{name}.log"
    env = {**production_env(), **workers.test_database_env(), "STATIC_ROOT": str(static_root)}
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    web = WebProcess(port, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {name} did not start:\n{web.log()[-3000:]}")
                time.sleep(0.1)
        yield web
    finally:
        workers.stop_process(process)


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
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
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
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
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
