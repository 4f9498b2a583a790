"""Outbox pages: one-click unsubscribe (public) and cancelling a scheduled email (nurses)."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..access import role_required
from ..models import OutboundEmail
from ..roles import Role
from .consent import hash_from_token, suppression_add
from .services import email_cancel

CANCELLED = _("The email was cancelled; it will not be sent.")
TOO_LATE = _("That email could not be cancelled: it is already {status}.")


def get_email_for_user(request, pk: int) -> OutboundEmail:
    """The message a member of staff may act on, or 404.

    Nurses handle every enquiry and introduction, so any message is theirs to
    see; `role_required` on the view has already kept everyone else out.
    """
    return get_object_or_404(OutboundEmail, pk=pk)


def _safe_next(request, fallback: str = "/") -> str:
    # A path on this site only: anything else (a bare word included, which `redirect` would
    # try to reverse as a view name) goes to the fallback.
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@role_required(Role.NURSE)
def email_cancel_view(request, pk: int):
    message = get_email_for_user(request, pk)
    if email_cancel(message=message, by=request.user):
        messages.success(request, CANCELLED)
    else:
        message.refresh_from_db()
        messages.error(request, TOO_LATE.format(status=message.get_status_display().lower()))
    return HttpResponseRedirect(_safe_next(request))


# Deliberately public: the signed token in the URL is the only credential, so no
# login and no CSRF token (mail clients send RFC 8058 one-click POSTs without
# one). A forged cross-site POST would need the token, and could only do what
# its holder may do anyway: stop follow-up mail to that one address.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request, token: str):
    address_hash = hash_from_token(token)
    if address_hash is None:
        raise Http404("not a valid unsubscribe link")
    if request.method == "POST":
        suppression_add(address_hash=address_hash, request=request)
        # Answered directly, not redirected: one-click clients expect a 2xx, and a repeat is harmless.
        return render(request, "portal/unsubscribe.html", {"done": True})
    return render(request, "portal/unsubscribe.html", {"done": False})
