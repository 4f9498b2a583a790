#!/usr/bin/env python3
"""The two-node drill: two web nodes behind nginx, sharing PostgreSQL, Redis and the object store.

    .venv/bin/python bench/two_nodes.py                 # the whole drill, about two minutes
    .venv/bin/python bench/two_nodes.py --load-seconds 20

It starts, all on loopback: moto_server (an S3-compatible object store), two gunicorn nodes with
production settings (PORTAL_NODE_NAME=web-1 and web-2, so every response names its node), one
Celery worker, one beat and nginx (docs/nginx-portal.conf, round robin over the two nodes). The
database is its own (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/drill), created
afresh, and so is the Redis database (REDIS_URL, default redis://127.0.0.1:6379/8), emptied.

1. A walk through the site as the demo accounts (demo/accounts.py, as `manage.py demo_start`
   makes them), each step expected on the other node from the one before: the public question;
   her email with a file attached (the public form takes no file: files come by email, read by
   the worker and stored in the bucket); the demo nurse signs in with her password and
   authenticator code, opens the emailed enquiry and downloads the file, and sends a reply; the
   demo mother signs in and opens her account page.
2. Steady load: questions through "Ask a nurse", each with its own words, while one node is
   stopped mid-run (SIGTERM), started again, and then the other killed (SIGKILL).
It prints the figures and exits non-zero if any question answered as sent is missing or doubled
in the database, any step failed, or any 5xx came after the balancer noticed a node was gone.
"""

import argparse
import http.cookiejar
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from email.message import EmailMessage
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import PUBLIC_HOST, WORK_DIR, collectstatic, free_port, process, production_env, stop  # noqa: E402

DRILL_DIR = WORK_DIR / "two_nodes"
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/drill")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
NURSE, MOTHER = "nurse@example.org", "mother@example.org"  # demo accounts (demo/accounts.py)
THANKS = "/helpline/ask/thank-you/"


def drill_env(store: dict) -> dict:
    return {
        **production_env(),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        **store,
        "PORTAL_MULTI_NODE": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "INBOUND_MAIL_URL": "maildir://" + str(DRILL_DIR / "inbound"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(DRILL_DIR / "mail"),
    }


# ---------------------------------------------------------------- setting up


def fresh_database() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def make_people() -> str:
    """The demo accounts (`manage.py demo_start`'s): returns the demo nurse's TOTP secret."""
    from demo.accounts import demo_accounts_create

    return demo_accounts_create()[NURSE]


@contextmanager
def background(command: list[str], *, env: dict, name: str, ready: str):
    """A Celery process until the block ends; waits until its log says `ready`."""
    log = WORK_DIR / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=BASE_DIR, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while ready not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{name} did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        stop(proc)


def alive(pid: int) -> bool:
    """The process runs (not gone, and not a zombie waiting for its parent to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Node:
    """One gunicorn web node on its own loopback port, which can be stopped and started again."""

    def __init__(self, name: str, env: dict):
        self.name, self.port, self.env = name, free_port(), {**os.environ, **env, "PORTAL_NODE_NAME": name}
        self.proc = None
        self._stack = ExitStack()

    def start(self) -> None:
        command = [
            # As the systemd unit runs it: the config loads the language detector before a worker's first request.
            sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "30",
            "--workers", "2", "--worker-class", "sync", "--graceful-timeout", "10", "--log-level", "warning",
            "--forwarded-allow-ips", "127.0.0.1",
        ]  # fmt: skip
        self._stack = ExitStack()
        self.proc = self._stack.enter_context(process(command, env=self.env, name=self.name, port=self.port))

    def stop(self, sig: int) -> None:
        """SIGTERM: gunicorn's graceful stop. SIGKILL: the node dies at once, its workers with it (a lost machine)."""
        pid = self.proc.pid
        workers = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        self.proc.send_signal(sig)
        if sig == signal.SIGKILL:
            for worker in workers:
                os.kill(worker, signal.SIGKILL)
        self.proc.wait(timeout=30)
        for worker in workers:  # gone before the node counts as gone
            while alive(worker):
                time.sleep(0.05)
        self._stack.close()  # its SIGTERM finds the process gone


# ---------------------------------------------------------------- talking to the site


class Browser:
    """One person's browser: cookies, no redirects followed, the balancer's self-signed certificate."""

    nodes: list[str | None] = []  # the node behind every response any browser had, in order

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            NoRedirect,
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=ssl._create_unverified_context()),
        )

    def request(self, path: str, form: dict | None = None):
        """Returns (status, node, location, body)."""
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        # As a visitor on the public name and port 443 would: nginx passes the name on, without a port.
        headers = {"Host": PUBLIC_HOST, **({"Origin": f"https://{PUBLIC_HOST}"} if data else {})}
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as response:
                status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, body = error.code, error.headers, error.read()
        self.nodes.append(head.get("X-Portal-Node"))
        return status, head.get("X-Portal-Node"), head.get("Location", ""), body

    def csrf(self, path: str) -> str:
        status, node, _, body = self.request(path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not found:
            raise LookupError(f"no form in the page: HTTP {status} from {node}")
        return found.group(1).decode()


def question_form(token: str, words: str) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "name": "",
        "email": "",
        "phone": "07700 900123",
        "topics": "other",
        "question": words,
        "consent": "on",
        "website": "",
    }


class Walk:
    """The steps of the walk, each checked for its answer and for the node: not the one of the request before."""

    def __init__(self):
        self.steps, self.ok = [], True

    def step(self, what: str, status: int, node: str | None, expect: int) -> None:
        history = Browser.nodes
        alternated = node is not None and (len(history) < 2 or history[-2] != node)
        good = status == expect
        self.ok &= good and alternated
        self.steps.append(f"   [{'ok' if good and alternated else 'FAILED'}] {what}: HTTP {status} from {node}")


def walk_through(base: str, secret: str) -> Walk:
    from demo.accounts import DEMO_PASSWORD as PASSWORD
    from demo.totp import totp_code
    from helpline.models import Enquiry
    from portal.celery import app

    walk = Walk()
    mother = Browser(base)
    token = mother.csrf("/helpline/ask/")
    words = f"Drill question {uuid.uuid4().hex}: is it safe to lift my baby with a fractured vertebra?"
    status, node, location, _ = mother.request("/helpline/ask/", question_form(token, words))
    walk.step("the public question", status, node, 302 if location.startswith(THANKS) else 0)
    status, node, _, _ = mother.request(THANKS)
    walk.step("the thank-you page", status, node, 200)

    # Her photo of the hospital letter, emailed in: the worker reads it and stores it in the bucket.
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"Amy <{MOTHER}>", "helpline@localhost", "My scan letter"
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@drill.example.org>"
    mail.set_content("Here is the letter from the fracture clinic.")
    attachment = b"%PDF-1.4\n% drill letter " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="letter.pdf")
    (DRILL_DIR / "inbound" / "new" / f"{uuid.uuid4().hex}.eml").write_bytes(mail.as_bytes())
    app.send_task("portal.inbound_read")  # what beat does every minute
    deadline = time.monotonic() + 60
    while not (emailed := Enquiry.objects.filter(email=MOTHER, channel="email").first()):
        if time.monotonic() > deadline:
            sys.exit("the worker did not read the email in 60 s: see var/bench/worker.log")
        time.sleep(0.5)

    nurse = Browser(base)
    token = nurse.csrf("/accounts/login/")
    status, node, location, _ = nurse.request(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "login": NURSE, "password": PASSWORD}
    )
    walk.step("the nurse's password", status, node, 302)
    token = nurse.csrf(location)
    code, left = totp_code(secret, period=30, now=time.time())
    if left < 3:
        time.sleep(left + 0.5)
        code, _ = totp_code(secret, period=30, now=time.time())
    status, node, _, _ = nurse.request(location, {"csrfmiddlewaretoken": token, "code": code})
    walk.step("her authenticator code", status, node, 302)
    status, node, _, _ = nurse.request("/helpline/")
    walk.step("the queue", status, node, 200)
    page = f"/helpline/enquiries/{emailed.pk}/"
    status, node, _, body = nurse.request(page)
    walk.step("the emailed enquiry", status, node, 200)
    download = re.search(rb'href="(/helpline/enquiries/\d+/attachments/\d+/)"', body)
    status, node, _, file = nurse.request(download.group(1).decode() if download else page + "attachments/0/")
    walk.step("its attachment, from the bucket", status, node, 200 if file == attachment else 0)
    token = nurse.csrf(page)
    reply = {
        "csrfmiddlewaretoken": token,
        "subject": "Your letter",
        "body": "Thank you, we will call you.",
        "action": "send",
    }
    status, node, _, _ = nurse.request(f"{page}reply/", reply)
    walk.step("her reply", status, node, 302)

    mother = Browser(base)
    token = mother.csrf("/accounts/login/")
    status, node, _, _ = mother.request(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "login": MOTHER, "password": PASSWORD}
    )
    walk.step("the mother signs in", status, node, 302)
    status, node, _, _ = mother.request("/account/")
    walk.step("her account page", status, node, 200)
    return walk


# ---------------------------------------------------------------- steady load


class Load:
    """Questions through "Ask a nurse", one after another per thread, each with its own words."""

    def __init__(self, base: str, threads: int):
        self.base, self.threads = base, threads
        self.sent, self.failed, self.statuses = [], [], []  # statuses: (started, answered, status), monotonic
        self.errors: Counter = Counter()  # requests with no answer, by what went wrong
        self.lock = threading.Lock()
        self.running = threading.Event()

    def run(self) -> None:
        browser = Browser(self.base)
        while self.running.is_set():
            words = f"Load question {uuid.uuid4().hex}"
            started = time.monotonic()
            try:
                token = browser.csrf("/helpline/ask/")
                status, _, location, _ = browser.request("/helpline/ask/", question_form(token, words))
            except (OSError, LookupError) as error:
                status, location = 0, ""
                with self.lock:
                    self.errors[type(error).__name__ + ": " + str(error)[:80]] += 1
            with self.lock:
                self.statuses.append((started, time.monotonic(), status))
                (self.sent if status == 302 and location.startswith(THANKS) else self.failed).append(words)

    def __enter__(self):
        self.running.set()
        self.workers = [threading.Thread(target=self.run) for _ in range(self.threads)]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.running.clear()
        for worker in self.workers:
            worker.join()

    def failures(
        self, *, started_from: float = 0, started_before: float = float("inf"), answered_from: float = 0
    ) -> int:
        """5xx or no answer, for the questions begun and answered in these spans."""
        with self.lock:
            return sum(
                1
                for started, answered, status in self.statuses
                if started_from <= started < started_before
                and answered >= answered_from
                and (status >= 500 or status == 0)
            )


def stop_mid_run(load: Load, node: Node, sig: int, seconds: float) -> dict:
    time.sleep(seconds / 3)
    stopped_at = time.monotonic()
    node.stop(sig)
    # From the moment its process has gone, every connection to it is refused: the balancer takes it
    # out at the first (max_fails=1) and sends that request to the other node, so no one should see it.
    gone = time.monotonic()
    time.sleep(seconds / 3)
    # By when the question was begun: one in a node's hands as it died may be answered (502) just
    # after it has gone, and nginx rightly does not send it again. Those begun after should all succeed.
    going_down = load.failures(started_before=gone, answered_from=stopped_at)
    after = load.failures(started_from=gone)
    node.start()
    time.sleep(seconds / 3)
    return {"going_down": going_down, "after_gone": after, "shutdown_seconds": gone - stopped_at}


def questions_in_database() -> dict[str, int]:
    """How many enquiries hold each load question's words."""
    from helpline.models import Enquiry

    found: dict[str, int] = {}
    for text in Enquiry.objects.filter(summary__startswith="Load question ").values_list("summary", flat=True):
        found[text] = found.get(text, 0) + 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load-seconds", type=float, default=15, help="seconds of load around each stop")
    parser.add_argument("--threads", type=int, default=4, help="people sending questions at once")
    args = parser.parse_args()

    import shutil

    import redis

    shutil.rmtree(DRILL_DIR, ignore_errors=True)
    for folder in ("new", "cur", "tmp"):
        (DRILL_DIR / "inbound" / folder).mkdir(parents=True)
    redis.Redis.from_url(REDIS_URL).flushdb()
    fresh_database()

    from tests.objectstore import MotoServer  # the same S3-compatible server the storage tests start

    with ExitStack() as stack:
        moto = MotoServer(WORK_DIR / "moto.log")
        moto.start()
        stack.callback(moto.stop)
        bucket = moto.new_bucket()
        env = drill_env(moto.env(bucket))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=BASE_DIR,
            env={**os.environ, **env},
            check=True,
        )
        collectstatic()
        setup_django(env)
        secret = make_people()

        celery = [sys.executable, "-m", "celery", "-A", "portal"]
        stack.enter_context(
            background(
                [
                    *celery,
                    "worker",
                    "-Q",
                    "default,email",
                    "-c",
                    "2",
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env=env,
                name="worker",
                ready="ready.",
            )
        )
        stack.enter_context(background([*celery, "beat", "-l", "info"], env=env, name="beat", ready="Acquired lock"))
        nodes = [Node("web-1", env), Node("web-2", env)]
        for node in nodes:
            node.start()
            stack.callback(lambda node=node: node.proc.poll() is None and node.stop(signal.SIGTERM))

        from bench.nginx import running_nginx

        base = stack.enter_context(running_nginx(upstream_ports=[n.port for n in nodes], work_dir=WORK_DIR))
        print("== two-node drill: nginx round robin over web-1 and web-2; PostgreSQL, Redis and S3 (moto) shared")
        walk = walk_through(base, secret)
        print("\n".join(walk.steps))

        with Load(base, args.threads) as load:
            first = stop_mid_run(load, nodes[0], signal.SIGTERM, args.load_seconds)
            second = stop_mid_run(load, nodes[1], signal.SIGKILL, args.load_seconds)
        found = questions_in_database()

    sent = load.sent
    lost = [w for w in sent if w not in found]
    doubled = [w for w, n in found.items() if n > 1]
    stored_though_failed = [w for w in load.failed if w in found]
    print(
        f"   questions answered as sent: {len(sent)}; in the database: {len(found)}; lost {len(lost)}; doubled {len(doubled)}"
    )
    answers = Counter(status for _, _, status in load.statuses if status != 302)
    print(
        f"   questions that failed: {len(load.failed)} {dict(answers)} (0: no answer);"
        f" saved all the same: {len(stored_though_failed)}"
    )
    for error, count in load.errors.most_common(3):
        print(f"   no answer, {count} times: {error}")
    for label, figures in (("web-1 SIGTERM", first), ("web-2 SIGKILL", second)):
        print(
            f"   {label}: errors (5xx or no answer) while it went down ({figures['shutdown_seconds']:.1f} s)"
            f" {figures['going_down']}, once it was gone {figures['after_gone']}"
        )
    ok = walk.ok and not lost and not doubled and first["after_gone"] == 0 and second["after_gone"] == 0
    print(
        f"   [{'met' if ok else 'MISSED'}] every step alternated nodes, 0 lost, 0 doubled, 0 errors after the balancer noticed"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
