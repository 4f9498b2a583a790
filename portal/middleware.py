import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from .roles import needs_second_factor


class StaffMFARequiredMiddleware:
    """Send staff without a second factor to set one up before they can see anything else.

    allauth has no per-group MFA setting, so this enforces it: nurses, editors
    and admins reach only the account pages (to set up TOTP or sign out) until
    an authenticator exists. Checked on every request, so removing MFA later
    locks the pages again at once.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and needs_second_factor(user)
            and not _has_authenticator(user)
        ):
            messages.info(
                request, _("Staff accounts must use two-factor authentication. Please set it up to continue.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# Session keys written at sign-in and on every request; epoch seconds.
SESSION_LOGIN_AT = "portal_login_at"
SESSION_SEEN_AT = "portal_seen_at"

# Last activity is rewritten at most once a minute: idle limits stay accurate to the
# minute without a session write on every request.
SEEN_AT_RESOLUTION = 60

TIMED_OUT_MESSAGE = _("You were signed out because you had been away for a while. Please sign in again.")


def session_timeouts_for(user) -> tuple[int, int]:
    """(idle, absolute) limits in seconds: staff get the shorter idle window."""
    idle = settings.SESSION_IDLE_TIMEOUT_STAFF if needs_second_factor(user) else settings.SESSION_IDLE_TIMEOUT
    return idle, settings.SESSION_ABSOLUTE_TIMEOUT


def session_start(request) -> None:
    """Called at sign-in: the absolute limit counts from here."""
    now = int(time.time())
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """End a signed-in session after too long idle, or too long since sign-in.

    Django has only one cookie age; this adds an idle limit (30 minutes for
    members, 15 for staff) and an absolute cap (12 hours) kept in the
    server-side session, so nothing the browser sends can extend them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(SESSION_LOGIN_AT)
            seen_at = request.session.get(SESSION_SEEN_AT)
            if login_at is None or seen_at is None:
                # A session from before this middleware existed: start counting now.
                session_start(request)
            else:
                idle, absolute = session_timeouts_for(user)
                if now - seen_at > idle or now - login_at > absolute:
                    logout(request)
                    messages.info(request, TIMED_OUT_MESSAGE)
                    return redirect_to_login(request.get_full_path())
                if now - seen_at >= SEEN_AT_RESOLUTION:
                    request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Tell browsers and proxies not to keep pages shown to a signed-in person.

    A page that sets its own Cache-Control (e.g. never_cache) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class RateLimitStatusMiddleware:
    """Answer 429 when allauth refuses a sign-in or a code because of its rate limit.

    allauth re-shows the form with a "too many attempts" error and status 200;
    clients and monitoring should see the standard 429 instead. The page and
    the message stay the same.
    """

    CODES = {"too_many_login_attempts"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.is_bound:
            codes = {error.code for errors in form.errors.as_data().values() for error in errors}
            if codes & self.CODES:
                response.status_code = 429
        return response
