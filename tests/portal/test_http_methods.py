"""Every page of ours says which HTTP methods it answers; any other method gets 405 before anything else runs."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.decorators.http import require_GET

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

OUR_APPS = ("portal", "leaflet", "peers", "helpline")


def _method_check_codes() -> set:
    """The code objects of the wrapper require_safe/require_POST/require_http_methods put round a view."""

    def sync_view(request):
        pass

    async def async_view(request):
        pass

    return {require_GET(sync_view).__code__, require_GET(async_view).__code__}


def _our_views(patterns=None, prefix="") -> list[tuple[str, object]]:
    views = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":  # Django's own admin views, even those an app's admin.py adds
                continue
            views += _our_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.callback.__module__.split(".")[0] in OUR_APPS:
            views.append((prefix + str(pattern.pattern), pattern.callback))
    return views


def _checks_method(view) -> bool:
    codes = _method_check_codes()
    while view is not None:
        if getattr(view, "__code__", None) in codes:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_view_of_ours_declares_its_http_methods():
    views = _our_views()
    assert len(views) > 50  # the walk found the apps' pages, not just a few
    undeclared = sorted(route for route, view in views if not _checks_method(view))
    assert undeclared == []


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("post", "peers:index", []),
        ("post", "portal:privacy", []),
        ("get", "peers:volunteer-resume", []),
        ("get", "helpline:enquiry-assign", [1]),
        ("put", "helpline:enquiry-edit", [1]),
    ],
)
def test_a_wrong_method_is_refused_with_405(client, method, name, args):
    assert getattr(client, method)(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize("path", ["/healthz", "/", "/guidance/", "/privacy/"])
def test_pages_that_read_answer_head_as_monitors_and_link_checkers_send_it(client, path):
    assert client.head(path).status_code == 200


def test_a_wrong_method_is_refused_even_for_someone_with_access(client):
    client.force_login(make_user("nora@example.org", role="nurse", mfa=True))
    assert client.get(reverse("helpline:enquiry-assign", args=[1])).status_code == 405
