"""Outbox benchmark: delivery rate of one worker, and what email_queue adds to a business action.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/1 \
        .venv/bin/python bench/outbox_delivery.py [--messages 10000] [--actions 2000] [--concurrency 2]

Uses its own database (the DATABASE_URL name + "_bench", created and migrated
here) and empties the Celery queue in the Redis db of REDIS_URL. Mail goes to a
local aiosmtpd sink process. Not a test: it prints figures (also written to
bench/results/outbox_delivery.json) for bench/README.md.
"""

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import stop  # noqa: E402


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def process(command: list[str], env: dict, log_path: Path, ready: str | None = None):
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while ready and ready not in log_path.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[2:5]} did not start:\n" + log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.1)
        yield proc
    finally:
        stop(proc)


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def per_action_ms(action, count: int) -> tuple[float, float]:
    """Mean and 95th percentile of one committed business action, in milliseconds."""
    from django.db import transaction

    timings = []
    for i in range(count):
        started = time.perf_counter()
        with transaction.atomic():
            action(i)
        timings.append((time.perf_counter() - started) * 1000)  # includes the on-commit publish
    timings.sort()
    return statistics.fmean(timings), timings[int(len(timings) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    db_url = bench_database_url(os.environ["DATABASE_URL"])
    ensure_database(db_url)
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    from portal.audit import audit_record
    from portal.celery import app
    from portal.models import OutboundEmail
    from portal.outbox import email_queue, services

    call_command("migrate", verbosity=0)
    OutboundEmail.objects.all().delete()
    app.control.purge()
    results: dict = {
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
        "messages": args.messages,
        "worker_concurrency": args.concurrency,
    }

    # 1. Overhead per business action. The action writes one audit row; the second
    #    variant also queues one email (render three templates, insert the row,
    #    publish the task to Redis after commit). No worker is running.
    def plain(i):
        audit_record(action="bench.action", detail_n=i)

    def with_email(i):
        audit_record(action="bench.action", detail_n=i)
        email_queue(to=f"mum{i}@example.org", template="portal/email/test_message")

    per_action_ms(with_email, 50)  # warm up templates and connections
    base_mean, base_p95 = per_action_ms(plain, args.actions)
    email_mean, email_p95 = per_action_ms(with_email, args.actions)
    results["action_ms"] = {"mean": round(base_mean, 3), "p95": round(base_p95, 3)}
    results["action_with_email_ms"] = {"mean": round(email_mean, 3), "p95": round(email_p95, 3)}
    results["email_queue_overhead_ms"] = round(email_mean - base_mean, 3)

    # 1b. The same with the broker unreachable: the first action pays for the failed
    #     publish, the rest skip the broker for a few seconds and wait for the sweeper.
    original = app.conf.broker_url
    app.conf.broker_url, app._pool, app.amqp._producer_pool = "redis://127.0.0.1:9/0", None, None
    services._broker_down_until = 0.0
    down_mean, down_p95 = per_action_ms(with_email, 200)
    app.conf.broker_url, app._pool, app.amqp._producer_pool = original, None, None
    services._broker_down_until = 0.0
    results["action_with_email_broker_down_ms"] = {"mean": round(down_mean, 3), "p95": round(down_p95, 3)}

    # 2. Delivery rate: queue N messages (published on commit, 100 per transaction),
    #    then time one worker sending them all to a local SMTP sink.
    OutboundEmail.objects.all().delete()
    app.control.purge()
    from django.db import transaction

    started = time.perf_counter()
    for start in range(0, args.messages, 100):
        with transaction.atomic():
            for i in range(start, min(start + 100, args.messages)):
                email_queue(to=f"mum{i}@example.org", template="portal/email/test_message")
    results["queue_rate_per_s"] = round(args.messages / (time.perf_counter() - started), 1)

    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    sink = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    worker = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", str(args.concurrency),
              "-l", "warning", "-n", "bench@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    with process(sink, env, results_dir / "smtp-sink.log"):
        wait_for_port(port)
        started = time.perf_counter()
        with process(worker, env, results_dir / "worker.log"):
            sent = 0
            while sent < args.messages:
                time.sleep(0.25)
                sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
                if time.perf_counter() - started > 1800:
                    sys.exit(f"gave up: {sent} sent after 30 minutes")
            elapsed = time.perf_counter() - started
    from django.db.models import Max, Min

    span = OutboundEmail.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    sending = (span["last"] - span["first"]).total_seconds()
    results["wall_seconds_including_worker_start"] = round(elapsed, 1)
    results["first_to_last_sent_seconds"] = round(sending, 1)
    results["delivery_rate_per_s"] = round(args.messages / sending, 1)
    results["not_sent"] = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).count()
    results["attempts_above_one"] = OutboundEmail.objects.filter(attempts__gt=1).count()
    (results_dir / "outbox_delivery.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
