"""What every browser test needs: an accessibility audit, a network budget, screenshots, mail.

`Browsing` wraps a Playwright page: after each page a journey reaches it calls
`check()`, which runs axe-core at WCAG 2.2 AA and, for public pages, asserts the
page transferred under 100 KB (images excluded) with no third-party requests.
"""

import re
import time
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
PAGE_BUDGET_BYTES = 100 * 1024

_axe = Axe()


def axe_check(page) -> None:
    """Fail with every WCAG 2.2 A/AA violation axe-core finds on the page, each with its selectors."""
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        lines = [f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    at {' '.join(str(part) for part in node['target'])}: {node['html'][:200]}")
        report = "\n".join(lines)
        print(report)
        raise AssertionError(report)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class NetworkRecorder:
    """Every request a page makes, so a test can weigh it and spot third parties.

    Routing all requests through Playwright also turns off the HTTP cache, so
    each page is weighed as on a first visit. Third-party requests are aborted
    (tests never reach the internet) but still recorded, and fail the check.
    """

    def __init__(self, page, site_url: str):
        self.origin = origin(site_url)
        self.requests = []
        page.on("request", self._record)
        page.route("**/*", self._route)

    def _record(self, request):
        self.requests.append(request)

    def _route(self, route):
        if (
            route.request.url.startswith(("http:", "https:", "ws:", "wss:"))
            and origin(route.request.url) != self.origin
        ):
            route.abort()
        else:
            route.continue_()

    def reset(self) -> None:
        self.requests.clear()

    def third_party(self) -> list[str]:
        return [
            r.url
            for r in self.requests
            if r.url.startswith(("http:", "https:", "ws:")) and origin(r.url) != self.origin
        ]

    def transferred_bytes(self) -> tuple[int, list[tuple[int, str]]]:
        """Bytes transferred (headers and bodies) by everything but images, and the parts."""
        parts = []
        for request in self.requests:
            # A request cut short (the page moved on before it finished) transferred next to nothing.
            if request.resource_type == "image" or not request.url.startswith("http") or request.failure:
                continue
            sizes = request.sizes()
            parts.append((sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0), request.url))
        return sum(size for size, _ in parts), parts

    def assert_within_public_budget(self, page) -> int:
        third_party = self.third_party()
        assert not third_party, f"{page.url} made third-party requests: {third_party}"
        total, parts = self.transferred_bytes()
        assert total < PAGE_BUDGET_BYTES, f"{page.url} transferred {total} bytes (limit {PAGE_BUDGET_BYTES}): {parts}"
        return total


class Browsing:
    """One person's browser tab, checked on every page they reach."""

    def __init__(self, page, site_url: str, *, javascript: bool = True):
        self.page = page
        # axe-core is JavaScript: with scripts off it cannot run (and never settles).
        # Those pages are the same ones the JavaScript journeys audit.
        self.javascript = javascript
        page.set_default_timeout(10_000)
        self.site_url = site_url
        self.network = NetworkRecorder(page, site_url)
        self.weights: dict[str, int] = {}

    def goto(self, path: str):
        self.network.reset()
        return self.page.goto(self.site_url + path)

    def check(self, *, public: bool = True) -> None:
        """Audit the page now showing: axe at WCAG 2.2 AA, and the budget when it is public."""
        self.page.wait_for_load_state("load")
        if self.javascript:
            axe_check(self.page)
        if public:
            self.weights[urlsplit(self.page.url).path] = self.network.assert_within_public_budget(self.page)
        self.network.reset()

    def focused_has_visible_indicator(self) -> bool:
        style = self.page.evaluate(
            """() => {
                const s = getComputedStyle(document.activeElement);
                return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow, bg: s.backgroundColor};
            }"""
        )
        outline = style["outline"] != "none" and style["width"] not in ("0px", "")
        return outline or style["shadow"] != "none"


def screenshot(page, name: str) -> None:
    """Save the page at desktop and phone widths under test-artifacts/, for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=ARTIFACTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(original)


class Mail:
    def __init__(self, to: list[str], subject: str, text: str, message_id: str = ""):
        self.to = to
        self.subject = subject
        self.text = text
        self.message_id = message_id  # what her mail client puts in In-Reply-To when she answers

    @property
    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"')]+", self.text)

    def link(self, containing: str) -> str:
        matches = [link for link in self.links if containing in link]
        assert matches, f"no link containing {containing!r} in the email {self.subject!r}:\n{self.text}"
        return matches[0]

    def __repr__(self):
        return f"<Mail to={self.to} subject={self.subject!r}>"


def _from_django(message) -> Mail:
    return Mail(list(message.to), message.subject, message.body, message.extra_headers.get("Message-ID", ""))


def _from_file(message) -> Mail:
    text = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            break
    to = [address.strip() for address in str(message["To"]).split(",")]
    subject = str(make_header(decode_header(message["Subject"])))
    return Mail(to, subject, text, str(message["Message-ID"] or ""))


class Mailbox:
    """Mail sent during the test: by requests (mail.outbox) and, with Redis, by the Celery worker."""

    def __init__(self, outbox: list, worker=None):
        self.outbox = outbox
        self.worker = worker

    def all(self) -> list[Mail]:
        mail = [_from_django(message) for message in self.outbox]
        if self.worker is not None:
            mail += [_from_file(message) for message in self.worker.sent_mail()]
        return mail

    def wait_for(self, *, to: str, subject: str = "", timeout: float = 20.0) -> Mail:
        """The newest email to `to` whose subject contains `subject`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.all() if to in m.to and subject.lower() in m.subject.lower()]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                log = self.worker.log()[-3000:] if self.worker else ""
                raise AssertionError(f"no email to {to} about {subject!r}; have {self.all()}\n{log}")
            time.sleep(0.1)


_used_codes: set[tuple[str, int]] = set()


def totp_code(secret: str) -> str:
    """The authenticator app's current code, as a person would type it.

    Codes are single-use and valid for one 30-second window (no tolerance), so
    this waits for a fresh window when the current one's code was used already
    or is about to expire before the page could submit it.
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    while True:
        remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
        counter = next(yield_hotp_counters_from_time())
        if remaining > 5 and (secret, counter) not in _used_codes:
            break
        time.sleep(min(remaining, 1.0) + 0.05)
    _used_codes.add((secret, counter))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(tab: Browsing, email: str, password: str, *, totp_secret: str | None = None, public: bool = True) -> None:
    """Sign in through the pages as a person does, checking each page on the way."""
    page = tab.page
    tab.goto("/accounts/login/")
    tab.check(public=public)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        page.get_by_role("heading", name="Enter your security code").wait_for()
        tab.check(public=public)
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def nurse_previews_reply(tab: Browsing, enquiry, *, subject: str, body: str, link_title: str) -> str:
    """On the enquiry's page, write a reply with one guidance link and open its preview; return the text version."""
    page = tab.page
    tab.goto(f"/helpline/enquiries/{enquiry.pk}/")
    page.get_by_role("heading", level=1, name=f"Enquiry {enquiry.reference}").wait_for()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Your reply").fill(body)
    page.locator("summary", has_text="Links to guidance").click()
    page.get_by_label(link_title, exact=True).first.check()
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", level=1, name="Preview your reply").wait_for()
    tab.check(public=False)
    return page.locator(".reply-preview__text").inner_text()


def nurse_sends_reply(tab: Browsing, *, subject: str, body: str) -> None:
    """From the enquiry page already open, send a reply straight away (no preview)."""
    tab.page.get_by_label("Subject").fill(subject)
    tab.page.get_by_label("Your reply").fill(body)
    tab.page.get_by_role("button", name="Send reply").click()
    tab.check(public=False)


def mother_opens_her_enquiry(tab: Browsing, email: str, password: str, reference: str) -> None:
    """Sign in as the mother and open her question from her account page."""
    sign_in(tab, email, password)
    tab.goto("/account/")
    tab.page.get_by_role("link", name="Read the nurses' answers and reply").click()
    tab.check(public=False)
    tab.page.get_by_role("link", name=reference).click()
    tab.page.get_by_role("heading", level=1, name=f"Your question {reference}").wait_for()
    tab.check(public=False)
