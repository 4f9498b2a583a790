"""The real URLconf plus views that fail on purpose, to test the error pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

SECRET_DETAIL = "internal-detail-7f3a: database password is hunter2"


def boom(request):
    raise RuntimeError(SECRET_DETAIL)


def suspicious(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def forbidden(request):
    raise PermissionDenied(SECRET_DETAIL)


urlpatterns = [
    path("test-errors/500/", boom),
    path("test-errors/400/", suspicious),
    path("test-errors/403/", forbidden),
    *urlpatterns,
]
