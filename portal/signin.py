"""Failed sign-in limits that slow a guesser without letting a stranger lock anyone out.

allauth counts failed sign-ins per account (and per host name, so each name in
ALLOWED_HOSTS added five more guesses). Counted only per account, five wrong passwords
from anywhere, renewed every five minutes, keep a nurse out of the helpline. Instead:

- per account *and address* (`login_failed`, 5 per 5 minutes): one guesser's address is
  stopped without touching the account's owner anywhere else;
- per account from every address (`login_failed_account`, 100 an hour, ASVS 2.2.1's
  ceiling): bounds a guess spread over many addresses;
- once either limit is reached, the sign-in form also asks for the code from the
  account's authenticator app, and the right password *with* a valid code still signs in.
  A wrong password and a wrong code get the same refusal, so past the limit the form
  says nothing about the password unless the code is right too, and codes can only be
  tried with the right password (allauth's own limit on wrong codes then applies).
  Every nurse, editor and admin has a second factor (StaffMFARequiredMiddleware), so
  nobody can shut them out; an account without one can reset its password, which clears
  both counters.
"""

from allauth.core.internal import ratelimit
from allauth.mfa.base.internal.flows import check_rate_limit, post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate

# Set on the request when the sign-in form carried a valid code, so the separate code step is skipped.
CODE_CHECKED_ATTR = "portal_second_factor_user_id"


def limit_keys(email: str, address: str) -> list[tuple[str, str]]:
    """(action, key) pairs counted for a failed sign-in: per account and address, then per account.

    Keyed by the address alone, never by the host name the request used.
    """
    account = email.lower()
    return [("login_failed", f"{account} {address}"), ("login_failed_account", account)]


def consume_attempt(request, email: str, address: str) -> list | None:
    """Count one attempt against both limits; their usages (to roll back on success), or None if one is spent."""
    usages = []
    for action, key in limit_keys(email, address):
        usage = ratelimit.consume(request, app="allauth.account", action=action, key=key)
        if not usage:
            return None
        usages.append(usage)
    return usages


def clear_attempts(request, email: str, address: str) -> None:
    for action, key in limit_keys(email, address):
        ratelimit.clear(request, app="allauth.account", action=action, key=key)


def password_and_code_accepted(request, credentials: dict) -> bool:
    """Past a limit: True only for the right password together with a valid authenticator code."""
    code = (request.POST.get("code") or "").strip()
    if not code:
        return False
    user = authenticate(request, **credentials)
    authenticator = user and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if not authenticator:
        return False
    clear_code_limit = check_rate_limit(user)
    if not TOTP(authenticator).validate_code(code):
        return False
    clear_code_limit()
    post_authentication(request, authenticator)
    setattr(request, CODE_CHECKED_ATTR, user.pk)
    return True


class CodeCheckedAuthenticateStage(AuthenticateStage):
    """allauth's code step, skipped when the sign-in form itself carried a valid code."""

    def _should_handle(self, request) -> bool:
        if getattr(request, CODE_CHECKED_ATTR, None) == getattr(self.login.user, "pk", None):
            return False
        return super()._should_handle(request)
