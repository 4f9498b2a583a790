from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

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
            messages.info(request, "Staff accounts must use two-factor authentication. Please set it up to continue.")
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
