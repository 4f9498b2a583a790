import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from . import health
from .access import recent_auth_required
from .data_page import readable_sections
from .forms import DeleteAccountForm
from .personal_data import account_erase, personal_data_export
from .roles import user_roles

ACCOUNT_DELETED_MESSAGE = _("Your account has been deleted. Thank you for using the portal.")


@require_safe
@never_cache
def healthz(request):
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(problem is None for problem in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_safe
def privacy(request):
    return render(request, "portal/privacy.html", {"retention": retention_periods()})


def retention_periods() -> dict:
    """How long things are kept, read from the settings the retention jobs use, for the privacy notice."""
    return {
        "enquiries": period_text(settings.HELPLINE_RETENTION_DAYS),
        "peer_support": period_text(settings.PEERS_RETENTION_DAYS),
        "peer_messages": period_text(settings.PEERS_CONVERSATION_RETENTION_DAYS),
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        "staff_idle_minutes": settings.SESSION_IDLE_TIMEOUT_STAFF // 60,
        "session_hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
    }


def period_text(days: int) -> str:
    """730 -> "2 years", 90 -> "3 months", 10 -> "10 days"."""
    if days >= 365 and days % 365 == 0:
        return ngettext("%(count)d year", "%(count)d years", days // 365) % {"count": days // 365}
    if days >= 30 and days % 30 == 0:
        return ngettext("%(count)d month", "%(count)d months", days // 30) % {"count": days // 30}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@require_safe
@login_required
def account(request):
    return render(request, "portal/account.html", {"roles": sorted(user_roles(request.user))})


@require_safe
@recent_auth_required(allow_get=False)
def data_export_json(request):
    data = personal_data_export(user=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@require_safe
@recent_auth_required(allow_get=False)
def data_export_html(request):
    data = personal_data_export(user=request.user, request=request)
    return render(request, "portal/data_export.html", {"sections": readable_sections(data)})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@recent_auth_required(allow_get=True)
def account_delete(request):
    if request.method == "POST":
        form = DeleteAccountForm(request.POST)
        if form.is_valid():
            user = request.user
            account_erase(user=user, by=user, request=request)
            logout(request)
            messages.success(request, ACCOUNT_DELETED_MESSAGE)
            return redirect("/")
    else:
        form = DeleteAccountForm()
    return render(request, "portal/account_delete.html", {"form": form})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be the thing that failed.
    return HttpResponseServerError(render_to_string("500.html", {"site_name": settings.SITE_NAME}))
