from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from . import health
from .roles import user_roles


@never_cache
def healthz(request):
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(problem is None for problem in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def privacy(request):
    return render(request, "portal/privacy.html")


@login_required
def account(request):
    return render(request, "portal/account.html", {"roles": sorted(user_roles(request.user))})


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
