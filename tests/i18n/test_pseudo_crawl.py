"""Every page, shown in the pseudo-locale, has no English word that nobody marked for translation.

The crawl walks the URL resolver, fills each pattern's arguments from the sample records
(tests/i18n/samples.py), tries the page as each reader in turn (nobody signed in, a mother,
a volunteer, a nurse, an editor, an admin) until one may see it, and reads its visible text
(tests/i18n/visible_text.py). A pattern it cannot fill fails with "add a sample for <name>",
unless NOT_CRAWLED says why it is no page to read.

Only the apps whose tests/i18n/crawl/<app>.py says CRAWLED = True are crawled: an app is
switched on once all its strings are marked, so the suite stays green while the marking
goes on. To see how far an app is before that: `PSEUDO_CRAWL_APPS=helpline pytest tests/i18n -k helpline`.
"""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from leaflet.models import Section
from tests.i18n.crawl import admin, helpline, leaflet, peers, portal
from tests.i18n.pseudo import PSEUDO_LANGUAGE, untouched_words
from tests.i18n.samples import Samples, samples_create
from tests.i18n.visible_text import visible_text

pytestmark = pytest.mark.django_db

# Each app's part of the crawl (tests/i18n/crawl/<app>.py): whether its pages are all marked
# (CRAWLED), the arguments of its URL patterns (SAMPLES), and those that are no page to read
# (NOT_CRAWLED). "portal" covers the accounts pages (allauth's views with the portal's
# templates); "admin" is Django's admin.
APPS = {"portal": portal, "helpline": helpline, "peers": peers, "leaflet": leaflet, "admin": admin}
SAMPLES = {name: sample for part in APPS.values() for name, sample in part.SAMPLES.items()}
NOT_CRAWLED = {name: reason for part in APPS.values() for name, reason in part.NOT_CRAWLED.items()}


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
            # The admin's pages are the admin's, whichever app's module holds the view (leaflet's history views).
            app = "admin" if name.startswith("admin:") else _app(pattern.callback.__module__)
            found.append(Route(name, app, arguments))
    return found


def crawled_apps() -> list[str]:
    chosen = os.environ.get("PSEUDO_CRAWL_APPS")
    return [app.strip() for app in chosen.split(",")] if chosen else [app for app, part in APPS.items() if part.CRAWLED]


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
    crawled = crawled_apps()
    if app not in crawled:
        pytest.skip(f"{app}'s pages are not all marked yet: set CRAWLED in tests/i18n/crawl/{app}.py when they are")
    routes = [
        route
        for route in _routes(get_resolver().url_patterns)
        if route.app == app and set(APPS[app].NEEDS_APPS.get(route.name, ())) <= set(crawled)
    ]
    problems = [
        problem
        for route in routes
        if route.name not in NOT_CRAWLED and (problem := _visit(client, route, samples)) is not None
    ]
    assert not problems, "English words nobody marked for translation:\n" + "\n".join(problems)


@pytest.mark.parametrize("template", ["400.html", "403.html", "403_csrf.html", "404.html", "429.html", "500.html"])
def test_error_pages_are_translated(template, rf, pseudo_locale):
    request = rf.get("/")
    request.user = AnonymousUser()
    words = untouched_words(visible_text(render_to_string(template, request=request)))
    assert not words, f"{template}: {' '.join(words)}"


def test_the_crawl_reads_pages_in_the_pseudo_locale(client, pseudo_locale, samples):
    """The crawl would catch an unmarked word: a page's own marked text is changed, its stored text is not."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO_LANGUAGE
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="en-XA"' in html
    assert untouched_words("Sign in ⟦Sígn ín⟧") == ["Sign", "in"]


def test_a_section_page_title_leaves_out_only_the_sections_own_title(client, pseudo_locale, samples):
    """<title> cannot take lang: the section's title (its <h1 lang="en">) is left out of it, nothing else."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO_LANGUAGE
    section = Section.objects.order_by("pk").first()
    html = client.get(section.get_absolute_url()).content.decode()
    assert f"<title>{section.title} –" in html
    assert untouched_words(visible_text(html)) == []
    unmarked = html.replace("<title>", "<title>Unmarked ", 1)
    assert untouched_words(visible_text(unmarked)) == ["Unmarked"]
