"""The benchmarks: which portal pages to load, as whom, and the targets from the issue."""

import time

from bench.run import PUBLIC_HOST, Load, benchmark, fetch


def signed_in(role: str | None = None) -> dict:
    """A Cookie header for a new session of a benchmark user holding `role`.

    The session is made the way a login makes it (user id, backend, password hash), in
    the same database and cache the web processes use. Staff get a TOTP device, as the
    portal requires of them.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from portal.models import User
    from portal.roles import grant_role, needs_second_factor

    email = f"bench-{role or 'user'}@example.org"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            grant_role(user, role)
    if needs_second_factor(user) and not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    return session_of(user)


def session_of(user) -> dict:
    """A Cookie header for a new session of this user, made as a login makes it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


@benchmark(name="home", describe="the portal's home page, anonymous (the harness's own check)")
def home_loads():
    return [Load("home", "/")]


@benchmark(name="account", describe="the signed-in account page (the fixed cost of a signed-in page)")
def account_loads():
    return [
        Load("account (mother)", "/account/", signed_in("mother")),
        Load("account (nurse)", "/account/", signed_in("nurse")),
    ]


@benchmark(name="home-nginx", describe="the home page through nginx (docs/nginx-portal.conf)", via_nginx=True)
def home_nginx_loads():
    return [Load("home via nginx", "/")]


# ---------------------------------------------------------------- leaflet


def cache_lifetimes(cache_control: str) -> dict:
    """{'max-age': 300, 's-maxage': 60, 'public': None, ...} from a Cache-Control header."""
    directives = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = int(value) if value.isdigit() else None
    return directives


def shared_lifetime(cache_control: str) -> int | None:
    directives = cache_lifetimes(cache_control)
    return directives.get("s-maxage", directives.get("max-age"))


def published_section_paths() -> list[str]:
    from leaflet.selectors import published_sections

    return [section.get_absolute_url() for section in published_sections().order_by("order")]


def leaflet_section_checks(base: str, loads: list) -> list:
    path = loads[0].path
    status, headers, _ = fetch(base + path)
    cache_control = headers.get("Cache-Control", "")
    directives = cache_lifetimes(cache_control)
    repeat, _, _ = fetch(base + path, {"If-None-Match": headers.get("ETag", "")})
    return [
        (f"anonymous {path} answers 200 with an ETag", status == 200 and bool(headers.get("ETag"))),
        (f"If-None-Match with that ETag answers {repeat} (want 304)", repeat == 304),
        (
            f"Cache-Control {cache_control!r} lets a shared cache keep it",
            "public" in directives and "private" not in directives and bool(shared_lifetime(cache_control)),
        ),
        ("no Set-Cookie on the anonymous page", "Set-Cookie" not in headers),
    ]


@benchmark(
    name="leaflet",
    describe="a leaflet section page, anonymous (target: >= 0.6x bare, 304 on If-None-Match, shared-cacheable)",
    min_ratio=0.6,
    checks=leaflet_section_checks,
)
def leaflet_loads():
    paths = published_section_paths()
    return [Load("section page (one)", paths[0]), Load("section pages (all, in turn)", paths[0], paths=paths)]


def nginx_checks(base: str, loads: list) -> list:
    """The page comes from nginx's cache, signed-in requests bypass it, and a publish shows within a minute."""
    path, host = loads[0].path, loads[0].headers
    fetch(base + path, host)
    _, headers, _ = fetch(base + path, host)
    cache_control = headers.get("Cache-Control", "")
    lifetime = shared_lifetime(cache_control)
    checks = [
        (f"repeat anonymous request: X-Cache-Status {headers.get('X-Cache-Status')} (want HIT)",
         headers.get("X-Cache-Status") == "HIT"),
        (f"shared-cache lifetime {lifetime} s from {cache_control!r} (want <= 60 s)",
         lifetime is not None and lifetime <= 60),
    ]  # fmt: skip
    _, headers, _ = fetch(base + path, {**host, **signed_in("mother")})
    checks.append(
        (
            f"signed-in request: X-Cache-Status {headers.get('X-Cache-Status')} (want BYPASS), "
            f"Cache-Control {headers.get('Cache-Control')!r}",
            headers.get("X-Cache-Status") == "BYPASS" and "private" in headers.get("Cache-Control", ""),
        )
    )
    seconds = seconds_until_a_publish_shows(base, path, host)
    checks.append(
        (f"a publish showed through nginx after {seconds} s (want <= 60 s)", seconds is not None and seconds <= 60)
    )
    return checks


def seconds_until_a_publish_shows(base: str, path: str, headers: dict, limit: int = 120) -> int | None:
    """Change the section's title as a publish would (new text, then content_changed on commit), poll nginx."""
    from django.db import transaction

    from leaflet.cache import content_changed
    from leaflet.models import Section

    section = Section.objects.get(slug=path.strip("/").split("/")[-1])
    original = section.title
    marker = f"{original} (updated {int(time.time())})"
    try:
        with transaction.atomic():
            Section.objects.filter(pk=section.pk).update(title=marker)
            transaction.on_commit(content_changed)
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if marker.encode() in fetch(base + path, headers)[2]:
                return round(time.monotonic() - start)
            time.sleep(1)
        return None
    finally:
        with transaction.atomic():
            Section.objects.filter(pk=section.pk).update(title=original)
            transaction.on_commit(content_changed)


@benchmark(
    name="nginx",
    describe="leaflet section pages from nginx's proxy cache (target: >= 10x bare; a publish shows within a minute)",
    min_ratio=10.0,
    checks=nginx_checks,
    via_nginx=True,
)
def nginx_loads():
    paths = published_section_paths()
    return [
        Load("section page via nginx", paths[0], {"Host": PUBLIC_HOST}),
        Load("all sections via nginx", paths[0], {"Host": PUBLIC_HOST}, paths=paths),
    ]


@benchmark(name="search", describe="site search, anonymous (target: p95 < 30 ms)", max_p95_ms=30)
def search_loads():
    terms = [
        "calcium",
        "vitamin+d",
        "breastfeeding",
        "bone+density+scan",
        "back+pain",
        "exercise",
        "next+pregnancy",
        "fracture+spine",
    ]
    paths = [f"/search/?q={term}" for term in terms]
    # As mothers type them: extra words, lay terms, a misspelling (spelling correction runs).
    questions = [
        "should+I+stop+breastfeeding",
        "calcium+tablets",
        "does+pregnancy+weaken+your+bones",
        "osteoperosis+after+my+baby",
    ]
    lay = [f"/search/?q={q}" for q in questions]
    return [
        Load("search (8 queries in turn)", paths[0], paths=paths),
        Load("search (4 lay questions in turn)", lay[0], paths=lay),
    ]


# ---------------------------------------------------------------- signed-in pages: query counts and plans


def page_queries(path: str, headers: dict) -> tuple[int, list[str]]:
    """Render `path` in this process (same settings, database, cache) and return (status, its SQL)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    name, _, value = headers["Cookie"].partition("=")
    client.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, [q["sql"] for q in queries.captured_queries]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def query_checks(paths: list[str], headers: dict, *, explain_tables: tuple[str, ...], name: str) -> list:
    """Every path costs the same number of queries; EXPLAIN ANALYZE of the ones on `explain_tables`."""
    from bench.run import WORK_DIR

    counts, plans = {}, []
    for path in paths:
        # Counted on the second request: the first may carry the once-a-minute session
        # save and the five-minutely "last seen" update, which belong to no page.
        page_queries(path, headers)
        status, queries = page_queries(path, headers)
        counts[path] = len(queries)
        print(f"   {path}: HTTP {status}, {len(queries)} SQL queries")
        if path in paths[:2]:
            plans += [
                f"-- {path}\n{sql}\n\n{explain(sql)}\n"
                for sql in queries
                if any(f'FROM "{table}"' in sql for table in explain_tables)
            ]
    out = WORK_DIR / f"explain-{name}.txt"
    out.write_text("\n".join(plans))
    print(f"   EXPLAIN ANALYZE of the main queries: {out}")
    return [
        (
            f"the same number of SQL queries on every page: {sorted(set(counts.values()))}",
            len(set(counts.values())) == 1,
        )
    ]


def nurse_queue_checks(base: str, loads: list) -> list:
    paths = [
        *(load.path for load in loads),
        "/helpline/?page=2",
        "/helpline/?status=closed",
        "/helpline/?status=closed&page=500",
    ]
    return query_checks(paths, loads[0].headers, explain_tables=("helpline_enquiry",), name="queue")


@benchmark(
    name="queue",
    describe="the nurses' triage queue at 200,000 enquiries (target: p95 < 100 ms at 4 connections, constant queries)",
    max_p95_ms=100,
    checks=nurse_queue_checks,
)
def queue_loads():
    nurse = signed_in("nurse")
    return [
        Load("queue, first page", "/helpline/", nurse),
        Load("queue, topic filter", "/helpline/?topic=pain", nurse),
        Load("queue, targets in opening hours", f"/helpline/?page={first_opening_hours_page()}", nurse),
    ]


def first_opening_hours_page() -> int:
    """The first queue page past the emergency and crisis enquiries, whose rows' time left counts opening hours.

    The first page's rows are mostly clock-time targets; this one makes every row work
    out the opening time left before its due time.
    """
    from helpline.models import OPEN_STATUSES, Enquiry, Urgency
    from helpline.views import QUEUE_PAGE_SIZE

    alarms = Enquiry.objects.filter(status__in=OPEN_STATUSES, urgency__lte=Urgency.CRISIS).count()
    return alarms // QUEUE_PAGE_SIZE + 2


def ask_form_post(question: str, *, consent: bool = True) -> tuple[dict, str]:
    """Headers and an urlencoded body posting the "Ask a nurse" form, with a valid CSRF cookie and token."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    fields = {
        "csrfmiddlewaretoken": _mask_cipher_secret(secret),
        "name": "",
        "email": "",
        "phone": "07700 900123",
        "topics": "other",
        "question": question,
        "website": "",
    }
    if consent:
        fields["consent"] = "on"
    headers = {
        "Cookie": f"{settings.CSRF_COOKIE_NAME}={secret}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return headers, urlencode(fields)


@benchmark(
    name="ask",
    describe="the public \u201cAsk a nurse\u201d form: the page, and questions sent through it, triaged "
    "(rules and language detection), saved and alerted (target: p95 < 300 ms)",
    max_p95_ms=300,
)
def ask_loads():
    calm = ask_form_post("Can I take alendronate while breastfeeding? My back aches a bit at the end of the day.")
    polish = ask_form_post("Bardzo boli mnie głowa i widzę błyski przed oczami, jestem w 34 tygodniu ciąży")
    refused = ask_form_post("I'm 10 days after the birth and soaking a pad every hour, feel faint", consent=False)
    return [
        Load("ask form (GET)", "/helpline/ask/"),
        Load("ask: calm question sent", "/helpline/ask/", calm[0], body=calm[1]),
        Load("ask: Polish emergency sent, alert", "/helpline/ask/", polish[0], body=polish[1]),
        Load("ask: emergency with a form error", "/helpline/ask/", refused[0], body=refused[1]),
    ]


def waiting_request_paths(count: int = 20) -> list[str]:
    from peers.models import PeerRequest

    ids = (
        PeerRequest.objects.filter(status=PeerRequest.Status.WAITING)
        .order_by("-created_at")
        .values_list("pk", flat=True)[:count]
    )
    return [f"/peers/nurse/requests/{pk}/" for pk in ids]


def suggestion_checks(base: str, loads: list) -> list:
    from peers.models import VolunteerProfile

    print(f"   {VolunteerProfile.objects.count():,} volunteers")
    return query_checks(
        loads[0].paths[:4], loads[0].headers, explain_tables=("peers_volunteerprofile",), name="suggestions"
    )


@benchmark(
    name="suggestions",
    describe="a waiting peer request with its suggested volunteers, among 10,000 (target: p95 < 100 ms)",
    max_p95_ms=100,
    checks=suggestion_checks,
)
def suggestion_loads():
    paths = waiting_request_paths()
    return [Load(f"request page ({len(paths)} requests in turn)", paths[0], signed_in("nurse"), paths=paths)]


# ---------------------------------------------------------------- peer conversations


def live_conversations(count: int = 20) -> list:
    from peers.models import Introduction, TalkBy

    return list(
        Introduction.objects.filter(status=Introduction.Status.ACCEPTED, talk_by=TalkBy.PORTAL, messages__isnull=False)
        .distinct()
        .select_related("peer_request__mother")
        .order_by("-pk")[:count]
    )


@benchmark(
    name="conversation",
    describe="a peer conversation page among 2,000 live conversations and 200,000 messages, and its poll for "
    "new messages (target: p95 < 150 ms; seed_demo --conversations 2000 --conversation-messages 200000)",
    max_p95_ms=150,
)
def conversation_loads():
    intros = live_conversations()
    paths = [f"/peers/conversations/{intro.pk}/" for intro in intros]
    hers = intros[0]
    last = hers.messages.order_by("-id").values_list("id", flat=True).first()
    mother = session_of(hers.peer_request.mother)
    return [
        Load(f"her conversation ({hers.messages.count()} messages)", paths[0], mother),
        Load("her page's poll, nothing new", f"{paths[0]}messages/?after={last}", mother),
        Load(
            f"a nurse reads conversations ({len(paths)} in turn, each audited)",
            paths[0],
            signed_in("nurse"),
            paths=paths,
        ),
    ]
