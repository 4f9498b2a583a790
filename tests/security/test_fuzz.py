"""Bad input never crashes the portal: Hypothesis posts random and hostile values to every form.

The forms are found, not listed: every page each role may open (from the access
matrix) is fetched and every <form> on it is parsed for its action, method and
field names. Hypothesis then submits random and hostile values (very long
strings, control characters, Unicode oddities, HTML and script, SQL fragments,
wrong types, missing and extra fields) as that role. No response may be a 500.

Volume: FUZZ_EXAMPLES submissions in total (5,000 in CI, where
PORTAL_REQUIRE_SERVICES=1; 300 by default so the everyday run stays fast).
"""

import os
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import access_matrix as m
from .test_access_matrix import cases, clients_for, world

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 5000 if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1" else 300))

# Forms not fuzzed, and why: each ends the session or erases the data the rest of the run needs,
# or is Django's own admin.
SKIP_ACTIONS = ("/accounts/logout/", "/account/delete/", "/peers/my-data/delete/", "/admin/")

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "1; DROP TABLE portal_user; --",
    "\x00",
    "a\x00b",
    "\r\nBcc: victim@example.org",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "\u202eevil\u202c",
    "\ufeff",
    "Z\u0351\u0360\u0362a\u035c\u0353l\u0355go",
    "👩‍👧‍👦" * 50,
    "ｓｃｒｉｐｔ",
    "NaN",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "2026-02-30",
    "9999-12-31T23:59:59",
    "0000-00-00",
    "true",
    "on",
    "",
    " ",
    "x" * 100_000,
    "é" * 5000,
    "@",
    "a@b",
    "not-an-email@",
    "+44 (0)7700 900123",
]

# No lone surrogates: a browser cannot send them either (the client would fail to encode them).
_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
value = st.one_of(
    st.sampled_from(HOSTILE),
    _text,
    st.integers().map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.tuples(st.sampled_from([h for h in HOSTILE if len(h) < 100]), st.integers(1, 2000)).map(lambda t: t[0] * t[1]),
)
values = st.one_of(value, st.lists(value, min_size=2, max_size=4))


@dataclass(frozen=True)
class Target:
    role: str
    method: str
    url: str
    fields: tuple[str, ...]


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").upper()})
            self.forms[-1]["fields"] = []
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].append(attrs["name"])


def discover_targets(personas, clients) -> list[Target]:
    found = set()
    for route, url, role, allowed in list(cases(personas)):
        if not allowed or route.group == "admin":
            continue
        response = clients[role].get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlsplit(urljoin(url, form["action"])).path
            if action.startswith(SKIP_ACTIONS) or not form["fields"]:
                continue
            fields = tuple(sorted(set(form["fields"]) - {"csrfmiddlewaretoken"}))
            found.add(Target(role, form["method"], action, fields))
    return sorted(found, key=lambda t: (t.url, t.role, t.method))


def payload_for(fields):
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(fields, values))
    extra = st.dictionaries(st.sampled_from(["is_staff", "status", "owner", "user", "id", "pk", "consent"]), values)
    return st.tuples(known, extra).map(lambda kv: {**kv[1], **kv[0]})


def test_random_and_hostile_input_never_gets_a_500():
    personas = world()
    # Errors come back as 500 responses to count, not exceptions for Hypothesis to shrink.
    clients = clients_for(personas, raise_errors=False)
    targets = discover_targets(personas, clients)
    # Every app's forms were found (a broken discovery would make this test pass vacuously).
    assert {t.url.split("/")[1] for t in targets} >= {"helpline", "peers", "accounts", "editor", "search"}
    submissions = []
    crashes = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def submit(data):
        target = data.draw(st.sampled_from(targets))
        payload = data.draw(payload_for(target.fields))
        cache.clear()  # rate limits would otherwise turn most submissions into 429s
        client = clients[target.role]
        send = client.post if target.method == "POST" else client.get
        response = send(target.url, payload)
        submissions.append(target)
        if response.status_code >= 500:
            crashes.append((target, {k: str(v)[:80] for k, v in payload.items()}))
        if target.role != m.ANONYMOUS and not client.session.get("_auth_user_id"):
            client.force_login(personas[target.role])  # a form that signs her out (password change)

    submit()
    print(f"{len(submissions)} submissions to {len(targets)} forms")
    assert len(submissions) >= FUZZ_EXAMPLES
    assert crashes == []
