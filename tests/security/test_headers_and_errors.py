"""Security headers on every response, no caching of signed-in pages, and error pages that reveal nothing."""

import pytest
from django.test import Client

from portal.roles import Role
from tests.conftest import make_user

from .urls_errors import SECRET_DETAIL

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/privacy/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/no-such-page/",
]
SIGNED_IN_PAGES = [
    "/account/",
    "/account/data/",
    "/account/delete/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/sessions/",
]
LEAK_WORDS = ("Traceback", "RuntimeError", "SuspiciousOperation", "PermissionDenied", SECRET_DETAIL, "portal/", ".py")


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_content_security_policy_is_strict(client):
    directives = csp_directives(client.get("/"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["script-src"][0] == "'self'"
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]


def check_headers(response) -> list[str]:
    problems = []
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name}={response.get(name)!r}")
    if "Content-Security-Policy" not in response:
        problems.append("no CSP")
    return problems


def test_every_page_carries_the_security_headers(client, mother):
    failures = []
    for path in PUBLIC_PAGES:
        failures += [f"{path}: {p}" for p in check_headers(client.get(path))]
    client.force_login(mother)
    for path in SIGNED_IN_PAGES:
        failures += [f"{path} (signed in): {p}" for p in check_headers(client.get(path))]
    assert failures == []


def test_pages_shown_to_a_signed_in_person_are_never_stored(client, mother, nurse):
    for user in (mother, nurse):
        client.force_login(user)
        for path in [*SIGNED_IN_PAGES, "/", "/privacy/", "/no-such-page/"]:
            response = client.get(path)
            assert "no-store" in response.get("Cache-Control", ""), (user, path)


def test_a_page_that_sets_its_own_cache_control_keeps_it(client, mother):
    client.force_login(mother)
    assert client.get("/healthz")["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_public_pages_for_visitors_are_not_marked_no_store(client):
    assert "no-store" not in client.get("/privacy/").get("Cache-Control", "")


@pytest.fixture
def error_client(settings):
    settings.ROOT_URLCONF = "tests.security.urls_errors"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/test-errors/400/", 400, "Sorry, we could not understand that request"),
        ("/test-errors/403/", 403, "You do not have permission to see this page"),
        ("/no-such-page/", 404, "Page not found"),
        ("/test-errors/500/", 500, "Sorry, something went wrong"),
    ],
)
def test_error_pages_are_friendly_and_reveal_nothing(error_client, path, status, heading):
    response = error_client.get(path)
    assert response.status_code == status
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert [word for word in LEAK_WORDS if word in body] == []


def test_the_429_page_is_friendly(client, mother):
    for _ in range(6):
        response = client.post("/accounts/login/", {"login": mother.email, "password": "wrong-password-123"})
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()


def test_allauth_s_429_uses_the_portal_page(client, settings):
    from allauth.core.ratelimit import respond_429
    from django.test import RequestFactory

    response = respond_429(RequestFactory().get("/"))
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()


def test_a_csrf_failure_shows_the_expired_form_page(mother):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": mother.email, "password": "x"})
    assert response.status_code == 403
    assert "<h1>Your form has expired</h1>" in response.content.decode()


def test_a_bad_host_header_gets_the_400_page(error_client):
    response = error_client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "evil.example.com" not in response.content.decode()


def test_a_nurse_without_mfa_reaches_no_page_outside_the_account_area(client):
    nurse = make_user("mfa-less@example.org", role=Role.NURSE)
    client.force_login(nurse)
    for path in ["/", "/privacy/", "/account/", "/account/data/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/accounts/2fa/totp/activate/", path
