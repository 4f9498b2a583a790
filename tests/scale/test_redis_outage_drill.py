"""The Redis outage drill: 200 questions through "Ask a nurse" while Redis is down, then while it hangs.

A Redis of the test's own (the cache and the broker, as in production), a real gunicorn
with production settings and a real Celery worker against it. Redis is stopped (or paused:
connections accepted, nothing answered) for 60 s while 200 mothers each open the form,
send a question and read the thank-you page, and readers open guidance pages. Then Redis
comes back and the outbox sweeper runs, as beat runs it every minute. Every question must
be saved, every acknowledgement delivered exactly once, and no request may fail.

Run with `-s` to see the drill's figures (bench/README.md records them).
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import redis

from helpline.models import Enquiry
from leaflet.loader import content_load
from portal.tasks import emails_sweep_task
from tests import workers
from tests.helpline.test_ask_form import valid
from tests.webprocess import csrf_token, web_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

QUESTIONS = 200
OUTAGE_SECONDS = 60
READER_PAGES = ["/", "/guidance/", "/guidance/breastfeeding/", "/guidance/print/", "/search/?q=calcium"]


@pytest.fixture(scope="module")
def site(django_db_setup, static_root, tmp_path_factory):
    """Own Redis, a gunicorn with 2 processes and a worker: what the outside test ran."""
    tmp_path = tmp_path_factory.mktemp("drill")
    with workers.redis_server(tmp_path) as own_redis:
        # Enough for the drill's 200 posts from one address; the limit itself still counts.
        env = {"REDIS_URL": own_redis.url, "HELPLINE_ASK_LIMIT_PER_IP": str(QUESTIONS * 2)}
        with (
            web_process(static_root, tmp_path, "drill", env=env, processes=2) as web,
            workers.running_worker(tmp_path, concurrency=2, env={"REDIS_URL": own_redis.url}) as worker,
        ):
            yield web, worker, own_redis


@dataclass
class Figures:
    outage: str
    sent: int = 0
    statuses: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses.append(status)
            self.seconds.append(seconds)

    def question_sent(self) -> None:
        with self.lock:
            self.sent += 1


def timed(figures: Figures, web, method: str, path: str, cookies: dict, form: dict | None = None):
    start = time.monotonic()
    response, page = web.request(method, path, cookies=cookies, form=form)
    figures.record(response.status, time.monotonic() - start)
    return response, page


def ask(web, figures: Figures, n: int) -> None:
    """One mother: open the form, send her question, read the thank-you page."""
    cookies: dict = {}
    figures.question_sent()
    response, page = timed(figures, web, "GET", "/helpline/ask/", cookies)
    if response.status != 200:
        return
    form = {**valid(email=f"mother{n}@{figures.outage}.drill.example"), "csrfmiddlewaretoken": csrf_token(page)}
    response, _ = timed(figures, web, "POST", "/helpline/ask/", cookies, form)
    if response.status == 302:
        timed(figures, web, "GET", response.headers["Location"], cookies)
    if n % 10 == 0:
        timed(figures, web, "GET", READER_PAGES[(n // 10) % len(READER_PAGES)], {})


def send_questions_spread_over_the_outage(web, figures: Figures) -> None:
    start = time.monotonic()
    interval = OUTAGE_SECONDS / QUESTIONS

    def one(n: int) -> None:
        time.sleep(max(0.0, start + n * interval - time.monotonic()))
        ask(web, figures, n)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(QUESTIONS)))
    time.sleep(max(0.0, start + OUTAGE_SECONDS - time.monotonic()))


def broker_idle(url: str) -> bool:
    client = redis.Redis.from_url(url)
    return not (client.llen("email") or client.llen("default") or client.hlen("unacked"))


def run_drill(site, outage: str) -> dict:
    web, worker, own_redis = site
    content_load()
    figures = Figures(outage)
    for path in READER_PAGES:  # with Redis up: pages cached in Redis and in each process
        assert timed(figures, web, "GET", path, {})[0].status == 200

    if outage == "down":
        own_redis.stop()
        send_questions_spread_over_the_outage(web, figures)
        own_redis.start()
    else:
        own_redis.pause()
        send_questions_spread_over_the_outage(web, figures)
        own_redis.resume()
    back = time.monotonic()

    # What beat does every minute: the sweeper publishes the mail written during the outage.
    with workers.publishing_to(own_redis.url):
        emails_sweep_task.delay()
    addresses = {f"mother{n}@{outage}.drill.example" for n in range(QUESTIONS)}

    def delivered_to() -> list[str]:
        return [m["To"] for m in worker.sent_mail() if m["To"] in addresses]

    # Bounded waits that do not raise: a failed drill still reports all its figures.
    if workers.eventually(lambda: len(set(delivered_to())) == QUESTIONS, timeout=120):
        workers.eventually(lambda: broker_idle(own_redis.url), timeout=60)  # any duplicate task has run too
    delivered_within = time.monotonic() - back
    sent_to = delivered_to()
    result = {
        "sent": figures.sent,
        "saved": Enquiry.objects.filter(email__in=addresses).count(),
        "delivered": len(set(sent_to)),
        "duplicated": len(sent_to) - len(set(sent_to)),
        "http_500": sum(status >= 500 for status in figures.statuses),
        "other_failures": sum(status not in (200, 302) and status < 500 for status in figures.statuses),
        "requests": len(figures.statuses),
        "all_delivered_after_s": round(delivered_within, 1),
        "median_request_s": round(statistics.median(figures.seconds), 3),
        "slowest_request_s": round(max(figures.seconds), 2),
    }
    print(f"\nRedis {outage} for {OUTAGE_SECONDS} s: {result}")
    return result


EXPECTED = {
    "sent": QUESTIONS,
    "saved": QUESTIONS,
    "delivered": QUESTIONS,
    "duplicated": 0,
    "http_500": 0,
    "other_failures": 0,
}


def test_questions_sent_while_redis_is_down_are_all_saved_and_acknowledged_once(site):
    result = run_drill(site, "down")
    assert {key: result[key] for key in EXPECTED} == EXPECTED


def test_questions_sent_while_redis_hangs_are_all_saved_and_acknowledged_once(site):
    result = run_drill(site, "hung")
    assert {key: result[key] for key in EXPECTED} == EXPECTED


def test_a_host_name_that_is_not_ours_gets_400_not_a_cached_page(site):
    web, _, _ = site
    content_load()
    assert web.request("GET", "/", cookies={})[0].status == 200  # now cached

    response, _ = web.request("GET", "/", cookies={}, host="evil.example")
    assert response.status == 400
