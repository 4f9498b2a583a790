"""Sign-in defences: rate limits, password policy, TOTP, session fixation and step-up re-authentication."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from portal.models import AuditEntry, User
from tests.conftest import TEST_PASSWORD, make_user, totp_secret

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"


def current_code(user) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(totp_secret(user), counter))


def wrong_code(user) -> str:
    right = current_code(user)
    return "000000" if right != "000000" else "111111"


def per_hour(rate: str) -> float:
    amount, period = rate.split("/")[:2]
    match = re.fullmatch(r"(\d*)([smhd])", period)
    seconds = (int(match.group(1)) if match.group(1) else 1) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return int(amount) * 3600 / seconds


def test_the_failed_login_limit_per_account_is_pinned_at_no_more_than_100_an_hour():
    per_address = [per_hour(r) for r in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",") if r.endswith("/key")]
    per_account = [per_hour(r) for r in settings.ACCOUNT_RATE_LIMITS["login_failed_account"].split(",")]
    assert (per_address, per_account) == ([60], [100])


def test_the_failed_login_limit_is_per_account_whatever_the_host_name(client, mother):
    for host in ("127.0.0.1", "localhost", "testserver", "127.0.0.1", "localhost"):
        response = client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"}, HTTP_HOST=host)
        assert response.status_code == 200
    response = client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"}, HTTP_HOST="testserver")
    assert response.status_code == 429


def fail_from(address: str, user, times: int = 5) -> None:
    stranger = Client()
    for _ in range(times):
        stranger.post(LOGIN, {"login": user.email, "password": "guessing-123"}, REMOTE_ADDR=address)


def test_a_stranger_cannot_lock_a_nurse_out(client, nurse):
    fail_from("203.0.113.9", nurse, times=6)
    refused = Client().post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429  # the guesser's own address is stopped

    response = client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert response.url == MFA
    assert client.post(MFA, {"code": current_code(nurse)}, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert client.get("/helpline/").status_code == 200


@pytest.fixture
def small_account_ceiling(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "10/h/key"}


def test_past_the_account_ceiling_the_password_with_a_valid_code_still_signs_in(client, nurse, small_account_ceiling):
    fail_from("203.0.113.1", nurse)
    fail_from("203.0.113.2", nurse)  # 10 failures from two addresses: the account's ceiling

    alone = client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD})
    assert alone.status_code == 429
    assert "Code from your authenticator app" in alone.content.decode()
    with time_machine.travel(timezone.now(), tick=False):
        code = current_code(nurse)
        wrong_password = client.post(LOGIN, {"login": nurse.email, "password": "guessing-123", "code": code})
        wrong_code_ = client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD, "code": wrong_code(nurse)})
        # The same refusal whichever was wrong: past the limit the form says nothing about the password.
        assert wrong_password.status_code == wrong_code_.status_code == 429
        assert strip_tokens(wrong_password) == strip_tokens(wrong_code_)

        response = client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD, "code": code})
    assert response.status_code == 302 and response.url != MFA  # no second code step: it was just given
    assert client.get("/helpline/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", actor=nurse).count() == 1


def test_past_the_account_ceiling_an_account_without_a_second_factor_waits(client, mother, small_account_ceiling):
    fail_from("203.0.113.1", mother)
    fail_from("203.0.113.2", mother)
    assert client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD}).status_code == 429
    assert client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD, "code": "123456"}).status_code == 429


def strip_tokens(response) -> str:
    """The page without its CSRF token and the code typed back into its box."""
    return re.sub(r'name="(csrfmiddlewaretoken|code)"( [^>]*)? value="[^"]+"', "", response.content.decode())


def test_the_sixth_failed_login_for_one_account_in_5_minutes_gets_429(client, mother):
    for _ in range(5):
        response = client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"})
    assert response.status_code == 429
    assert b"Too many failed login attempts" in response.content
    # Even the right password is refused while the limit holds.
    assert client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD}).status_code == 429


def test_the_failed_login_limit_resets_after_5_minutes(client, mother):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(6):
            client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"})
        clock.shift(timedelta(minutes=5, seconds=1))
        assert client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD}).status_code == 302


def test_the_sixth_wrong_mfa_code_gets_429(client, nurse):
    assert client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD}).url == MFA
    for _ in range(5):
        assert client.post(MFA, {"code": wrong_code(nurse)}).status_code == 200
    response = client.post(MFA, {"code": wrong_code(nurse)})
    assert response.status_code == 429
    assert client.get("/account/").status_code == 302  # still not signed in


def test_a_totp_code_cannot_be_used_twice(client, nurse):
    with time_machine.travel(timezone.now(), tick=False):
        code = current_code(nurse)
        client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD})
        assert client.post(MFA, {"code": code}).status_code == 302
        assert client.get("/account/").status_code == 200
        client.post("/accounts/logout/")

        client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD})
        response = client.post(MFA, {"code": code})
        assert response.status_code == 200
        assert b"Incorrect code" in response.content
        assert client.get("/account/").status_code == 302


def test_the_insecure_totp_bypass_code_is_not_set():
    assert mfa_settings.TOTP_INSECURE_BYPASS_CODE is None
    assert mfa_settings.TOTP_TOLERANCE == 0
    assert mfa_settings.TOTP_PERIOD == 30
    assert settings.MFA_TRUST_ENABLED is False


def test_the_session_key_changes_when_a_nurse_completes_mfa(client, nurse):
    client.get(LOGIN)
    session = client.session
    session.save()
    client.cookies["sessionid"] = first = session.session_key
    # Time stands still, so the code cannot expire between reading and typing it on a slow machine.
    with time_machine.travel(timezone.now(), tick=False):
        client.post(LOGIN, {"login": nurse.email, "password": TEST_PASSWORD})
        after_password = client.cookies["sessionid"].value
        client.post(MFA, {"code": current_code(nurse)})
        after_mfa = client.cookies["sessionid"].value
    assert first != after_mfa
    assert after_password != after_mfa
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("elevenchars", False),
        ("twelve chars", True),
        ("correct horse battery staple " * 2 + "abcdef", True),  # 64, all lower case: no composition rules
        ("p" + "assphrase-with-no-rules " * 5 + "x" * 7, True),  # 128
        ("password1234", False),  # common
        ("123456789012", False),  # all digits
    ],
)
def test_the_password_policy(password, accepted):
    assert len(password) in (11, 12, 64, 128)
    if accepted:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_signup_refuses_an_11_character_password_and_accepts_12(client):
    response = client.post(
        LOGIN.replace("login", "signup"),
        {"email": "n@example.org", "password1": "x7!kq2pz9lm", "password2": "x7!kq2pz9lm"},
    )
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    response = client.post(
        LOGIN.replace("login", "signup"),
        {"email": "n@example.org", "password1": "x7!kq2pz9lmw", "password2": "x7!kq2pz9lmw"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="n@example.org").exists()


def test_a_long_password_is_not_truncated(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    password = "a" * 100 + "correct-horse-battery-staple"
    user = make_user("long@example.org")
    user.set_password(password)
    user.save()
    for wrong in (password + "x", password[:72], password[:-1]):
        assert client.post(LOGIN, {"login": user.email, "password": wrong}).status_code == 200
    assert client.post(LOGIN, {"login": user.email, "password": password}).status_code == 302


def test_no_template_blocks_pasting():
    offenders = [
        str(path)
        for path in settings.BASE_DIR.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "onpaste" in path.read_text()
    ]
    assert offenders == []


def test_a_sensitive_page_asks_for_the_password_again_after_5_minutes(client, mother):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(LOGIN, {"login": mother.email, "password": TEST_PASSWORD})
        assert client.get("/account/data/").status_code == 200
        clock.shift(timedelta(seconds=301))
        response = client.get("/account/data/")
        assert response.status_code == 302
        assert response.url.startswith("/accounts/reauthenticate/")
        response = client.post(response.url, {"password": TEST_PASSWORD})
        assert response.status_code == 302
        assert response.url == "/account/data/"
        assert client.get("/account/data/").status_code == 200


def test_a_sensitive_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/account/data/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_failed_logins_are_audited_without_the_typed_address(client, mother):
    client.post(LOGIN, {"login": mother.email, "password": "not-her-password-1"})
    client.post(LOGIN, {"login": "nobody@example.org", "password": "not-her-password-1"})
    failures = list(AuditEntry.objects.filter(action="auth.login_failed").order_by("id"))
    assert [(f.target_id, f.ip) for f in failures] == [(str(mother.pk), "127.0.0.1"), ("", "127.0.0.1")]
    assert "nobody" not in str([f.detail for f in failures])


def signup_page(email: str) -> str:
    """The page a visitor ends on after signing up with this address, with the address itself blanked."""
    response = Client().post(
        "/accounts/signup/", {"email": email, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain == [("/accounts/confirm-email/", 302)]
    return strip_tokens(response).replace(email, "ADDRESS")


def test_signing_up_shows_the_same_page_whether_or_not_the_address_has_an_account(mother, nurse):
    new = signup_page("new-person@example.org")
    assert "Check your email" in new
    assert signup_page(mother.email) == new
    assert signup_page(nurse.email) == new
    assert signup_page(mother.email.upper()) == new
    assert signup_page("new-person@example.org") == new  # signed up twice
