"""Real-browser tests: Playwright drives Debian's Chromium against a live server.

Every test here is marked `e2e` and uses `live_server` with a transactional
database. Without /usr/bin/chromium the tests skip (and say so at the end of the
run); with PORTAL_REQUIRE_SERVICES=1, as in CI, they fail instead.
"""

from pathlib import Path

import pytest

from tests.conftest import service_missing

from .browsing import DESKTOP, Browsing, Mailbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _is_browser_test(item) -> bool:
    return Path(__file__).parent in Path(item.fspath).parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests last, after pytest-django has ordered the rest.

    Once Playwright has started, its event loop stays current in the test thread
    for the rest of the session, and Django refuses synchronous ORM calls while
    an event loop runs unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Setting that only
    for the browser tests, and running them last, keeps it out of every other
    test (and of the subprocesses they start, such as `check --deploy`).
    """
    for item in items:
        if _is_browser_test(item):
            assert item.get_closest_marker("e2e"), f"{item.nodeid} must be marked e2e"
    items.sort(key=_is_browser_test)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if CHROMIUM_MISSING in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {len(skipped)} browser tests were skipped: {CHROMIUM_MISSING}.", yellow=True, bold=True
        )


@pytest.fixture(scope="session", autouse=True)
def _sync_orm_beside_playwright():
    # The tests' own ORM calls (fixtures, database flushes, checks on rows) run in
    # the thread where Playwright's event loop is current; they are synchronous
    # all the same. Session-scoped so it outlives every test's database teardown.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def _roles(db):
    # The transactional tests before this one emptied every table, and with them
    # the role groups a data migration made.
    from django.contrib.auth.models import Group

    from portal.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        service_missing(CHROMIUM_MISSING)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def site_url(live_server, settings):
    """The live server's address, also used for the absolute links in emails."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def mailbox(site_url, tmp_path, mailoutbox):
    """Where this test's emails arrive.

    With Redis, a real Celery worker process delivers the portal's queued mail
    (as in production); without it, tasks run eagerly in the live server's
    thread. Mail sent during a request (allauth's) lands in `mail.outbox`.
    """
    from django.conf import settings

    if settings.REDIS_URL:
        from tests.workers import publishing_to_broker, running_worker

        with publishing_to_broker(), running_worker(tmp_path, env={"SITE_URL": site_url}) as worker:
            yield Mailbox(mailoutbox, worker)
    else:
        yield Mailbox(mailoutbox, None)


@pytest.fixture
def browse(page, site_url):
    """The test's first browser tab, at desktop width."""
    return Browsing(page, site_url)


@pytest.fixture
def open_tab(browser, browser_context_args, site_url):
    """Another person's browser (its own cookies): `open_tab(viewport=PHONE, java_script_enabled=False)`."""
    contexts = []

    def _open(**context_args):
        contexts.append(browser.new_context(**{**browser_context_args, **context_args}))
        return Browsing(contexts[-1].new_page(), site_url, javascript=context_args.get("java_script_enabled", True))

    yield _open
    for context in contexts:
        context.close()
