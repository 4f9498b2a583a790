"""Every page, shown in the pseudo-locale, has no English word that nobody marked for translation.

The crawl walks the URL resolver, fills each pattern's arguments from the sample records
(tests/i18n/samples.py), tries the page as each reader in turn (nobody signed in, a mother,
a volunteer, a nurse, an editor, an admin) until one may see it, and reads its visible text
(tests/i18n/visible_text.py). A pattern it cannot fill fails with "add a sample for <name>",
unless NOT_CRAWLED says why it is no page to read.

Only the apps in CRAWL_APPS are crawled: an app joins the list once all its strings are
marked, so the suite stays green while the marking goes on. To see how far an app is
before adding it: `PSEUDO_CRAWL_APPS=helpline pytest tests/i18n -k helpline`.
"""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.outbox.consent import unsubscribe_token
from tests.i18n.pseudo import PSEUDO_LANGUAGE, untouched_words
from tests.i18n.samples import Samples, samples_create
from tests.i18n.visible_text import visible_text

pytestmark = pytest.mark.django_db

# The apps whose pages are all marked. "portal" covers the accounts pages (allauth's views
# with the portal's templates); "admin" is Django's admin.
CRAWL_APPS: list[str] = []
APPS = ["portal", "helpline", "peers", "leaflet", "admin"]

# URL names that are no page to read, and why.
NOT_CRAWLED = {
    "healthz": "a plain-text health check for the load balancer",
    "portal:language": "POST only: the footer's language choice",
    "portal:email-cancel": "POST only: a nurse cancels a queued email",
    "portal:data-export-json": "a download (JSON)",
    "account_logout": "signs the reader out",
    "account_confirm_email": "needs an emailed key; its page is the sign-up journey's (tests/portal)",
    "account_reset_password_from_key": "needs an emailed key; its page is the reset journey's (tests/portal)",
    "mfa_download_recovery_codes": "a download (plain text)",
    # Steps inside a journey: they redirect unless the journey is under way (allauth's own tests cover them).
    "account_set_password": "only for an account without a password (the crawl's all have one)",
    "account_confirm_login_code": "only while a sign-in by emailed code is under way",
    "mfa_authenticate": "only between the password and the second factor of a sign-in",
    "mfa_activate_totp": "only for an account without TOTP; shown to staff in tests/portal",
    "mfa_deactivate_totp": "only after reauthenticating, for an account with TOTP",
    "mfa_view_recovery_codes": "only for an account with recovery codes",
    "mfa_generate_recovery_codes": "only after reauthenticating",
}

# URL name -> the arguments to reverse it with, from the samples.
SAMPLES = {
    "portal:email-unsubscribe": lambda s: {"token": unsubscribe_token(s.mother.email)},
}


@dataclass(frozen=True)
class Route:
    name: str
    app: str
    arguments: tuple[str, ...]


def _app(module: str) -> str:
    root = module.split(".")[0]
    if root in ("portal", "allauth"):
        return "portal"
    if root in ("helpline", "peers", "leaflet"):
        return root
    return "admin"


def _routes(patterns, namespace: str = "") -> list[Route]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            found += _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(part for part in (namespace, pattern.name or pattern.pattern.describe()) if part)
            arguments = tuple(pattern.pattern.regex.groupindex)
            found.append(Route(name, _app(pattern.callback.__module__), arguments))
    return found


def crawled_apps() -> list[str]:
    chosen = os.environ.get("PSEUDO_CRAWL_APPS")
    return [app.strip() for app in chosen.split(",")] if chosen else CRAWL_APPS


@pytest.fixture
def samples(leaflet) -> Samples:
    return samples_create()


def _visit(client, route: Route, samples: Samples) -> str | None:
    """What is wrong with the page, or None."""
    arguments = SAMPLES[route.name](samples) if route.name in SAMPLES else {}
    if set(route.arguments) - set(arguments):
        return f"add a sample for {route.name} (tests/i18n/test_pseudo_crawl.py SAMPLES)"
    url = reverse(route.name, kwargs=arguments)
    statuses = []
    for reader in samples.readers():
        client.logout()
        if reader is not None:
            client.force_login(reader)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO_LANGUAGE
        response = client.get(url)
        statuses.append(response.status_code)
        if response.status_code != 200:
            continue
        if not response["Content-Type"].startswith("text/html"):
            return f"{url}: not a page ({response['Content-Type']}): list it in NOT_CRAWLED with the reason"
        words = untouched_words(visible_text(response.content.decode()))
        if words:
            return f"{url} (as {reader or 'the public'}): {' '.join(dict.fromkeys(words))}"
        return None
    return f"{url}: nobody gets a page (statuses {statuses}): add a sample, or list it in NOT_CRAWLED with the reason"


@pytest.mark.parametrize("app", APPS)
def test_every_page_is_translated(app, client, pseudo_locale, samples):
    if app not in crawled_apps():
        pytest.skip(f"{app}'s pages are not all marked yet: add it to CRAWL_APPS when they are")
    routes = [route for route in _routes(get_resolver().url_patterns) if route.app == app]
    problems = [
        problem
        for route in routes
        if route.name not in NOT_CRAWLED and (problem := _visit(client, route, samples)) is not None
    ]
    assert not problems, "English words nobody marked for translation:\n" + "\n".join(problems)


def test_the_crawl_reads_pages_in_the_pseudo_locale(client, pseudo_locale, samples):
    """The crawl would catch an unmarked word: a page's own marked text is changed, its stored text is not."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO_LANGUAGE
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="en-XA"' in html
    assert untouched_words("Sign in ⟦Sígn ín⟧") == ["Sign", "in"]
