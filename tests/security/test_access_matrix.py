"""Every URL against every role, as declared in access_matrix.py: 0 leaks.

1. Coverage: every pattern in the URLconf has a row (or belongs to the allauth or admin group).
2. GET and POST as each role: allowed roles get in, others are sent to sign in (anonymous,
   deactivated) or refused with 403/404; another user's object is 404.
3. CSRF: a POST without a token is refused with 403, for every URL and role.
4. The GET sweep changes no data.
"""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.models import AuditEntry
from portal.roles import Role
from tests.conftest import make_user

from . import access_matrix as m

pytestmark = pytest.mark.django_db

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
SIGNS_OUT = {"account_logout", "admin:logout"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    module: str

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def group(self) -> str:
        if self.route.startswith("admin/"):
            return "admin"
        if self.module.startswith("allauth."):
            return "allauth"
        return "portal"


def all_routes(patterns=None, prefix="", namespace=None) -> list[Route]:
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes += all_routes(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            routes.append(Route(prefix + str(pattern.pattern), name, pattern.callback.__module__))
    return routes


def world() -> dict:
    personas = {
        m.MOTHER: make_user("alice@example.org", role=Role.MOTHER, first_name="Alice"),
        m.OTHER_MOTHER: make_user("bea@example.org", role=Role.MOTHER, first_name="Bea"),
        m.VOLUNTEER: make_user("vicky@example.org", role=Role.VOLUNTEER),
        m.NURSE: make_user("nora@example.org", role=Role.NURSE, mfa=True),
        m.EDITOR: make_user("eddie@example.org", role=Role.EDITOR, mfa=True),
        m.ADMIN: make_user("root-admin@example.org", mfa=True, is_staff=True, is_superuser=True),
        m.OUTSIDER: make_user("olive@example.org"),
        m.INACTIVE: make_user("ina@example.org", role=Role.MOTHER, is_active=False),
    }
    return personas


def clients_for(personas: dict, *, csrf: bool = False, raise_errors: bool = True) -> dict[str, Client]:
    """One signed-in client per role, reused across URLs (no URL in the sweep signs anyone out)."""
    clients = {}
    for role in m.ROLES:
        clients[role] = Client(enforce_csrf_checks=csrf, raise_request_exception=raise_errors)
        if role != m.ANONYMOUS:
            clients[role].force_login(personas[role])
    return clients


def rule_for(route: Route) -> m.Rule | None:
    if route.group == "admin":
        return m.Rule(m.ADMIN_ONLY)
    if route.group == "allauth":
        return m.Rule(
            m.PUBLIC if route.name in m.ALLAUTH_PUBLIC else m.SIGNED_IN, kwargs=m.ALLAUTH_KWARGS.get(route.name, {})
        )
    return m.MATRIX.get(route.key)


def url_for(route: Route, kwargs: dict) -> str:
    if route.name and (kwargs or not re.search(r"[<(]", route.route)):
        return reverse(route.name, kwargs=kwargs)
    # Admin patterns with an object id: any id will do, the point is who gets in.
    path = re.sub(r"<[^>]+>|\([^)]*\)", "1", route.route)
    return "/" + path.replace("^", "").replace("$", "")


def cases(personas: dict):
    """(route, url, role, allowed) for every URL and role, objects built once."""
    for route in all_routes():
        rule = rule_for(route)
        assert rule is not None, route
        roles = m.ADMIN_SWEEP_ROLES if route.group == "admin" else m.ROLES
        if rule.objects is None:
            url = url_for(route, rule.kwargs)
            for role in roles:
                yield route, url, role, role in rule.allowed
        else:
            owners, kwargs = rule.objects(personas)
            url = url_for(route, kwargs)
            for role in roles:
                # Members see only their own objects (another mother's is 404); staff roles
                # listed in `allowed` see every object of the kind.
                yield route, url, role, role in owners or (role in rule.allowed and role not in m.MEMBERS)


def problem(route: Route, role: str, allowed: bool, response) -> str | None:
    status = response.status_code
    to_login = status == 302 and response.url.split("?")[0] in LOGIN_PATHS
    if status >= 500:
        return f"{status}"
    if route.group in ("allauth", "admin") and allowed:
        return None  # their own flows and permissions: anything but a crash
    if route.group == "admin":
        return None if status >= 300 else f"leak ({status})"
    if allowed:
        if status in (403, 404) or (to_login and role not in (m.ANONYMOUS, m.INACTIVE)):
            return f"refused an allowed role ({status})"
        return None
    if role in (m.ANONYMOUS, m.INACTIVE):
        return None if to_login or status == 405 else f"leak to an anonymous visitor ({status})"
    return None if status in (403, 404, 405) or to_login else f"leak ({status})"


def test_every_url_pattern_has_a_rule_in_the_matrix():
    missing = [r.key for r in all_routes() if rule_for(r) is None]
    assert missing == [], "add these to tests/security/access_matrix.py"


def test_the_matrix_has_no_rows_for_urls_that_no_longer_exist():
    keys = {r.key for r in all_routes()}
    assert sorted(set(m.MATRIX) - keys) == []


def test_get_as_every_role_matches_the_matrix_and_changes_no_data():
    personas = world()
    clients = clients_for(personas)
    sweep = list(cases(personas))  # builds the objects first
    before = row_counts()
    failures = []
    for route, url, role, allowed in sweep:
        response = clients[role].get(url)
        if (why := problem(route, role, allowed, response)) is not None:
            failures.append(f"GET {url} as {role}: {why}")
    assert failures == [], "\n".join(failures)
    assert row_counts() == before


def test_post_as_every_role_matches_the_matrix():
    personas = world()
    clients = clients_for(personas)
    failures = []
    for route, url, role, allowed in list(cases(personas)):
        if route.name in SIGNS_OUT:
            continue  # ends her session: nothing to leak, and later requests need it
        response = clients[role].post(url, {})
        if (why := problem(route, role, allowed, response)) is not None:
            failures.append(f"POST {url} as {role}: {why}")
    assert failures == [], "\n".join(failures)


def test_a_post_without_a_csrf_token_is_refused_everywhere():
    personas = world()
    clients = clients_for(personas, csrf=True)
    failures = []
    for route, url, role, _allowed in list(cases(personas)):
        if route.key in m.CSRF_EXEMPT:
            continue
        status = clients[role].post(url, {}).status_code
        if status != 403:
            failures.append(f"POST {url} as {role} without a token: {status}")
    assert failures == [], "\n".join(failures)


def row_counts() -> dict[str, int]:
    ignored = {"portal.auditentry", "sessions.session", "usersessions.usersession"}
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in ignored and not model._meta.proxy
    }


def test_a_deactivated_user_is_never_signed_in():
    personas = world()
    client = clients_for(personas)[m.INACTIVE]
    assert client.get(reverse("portal:account")).status_code == 302
    assert not AuditEntry.objects.filter(actor=personas[m.INACTIVE], action="data.exported").exists()
