"""Start a real Celery worker process against the test database and the real Redis.

Used by tests whose behaviour depends on the broker and a worker (delivery,
retries, races). The worker writes sent mail as files so a test can read it.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app


def test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, process: subprocess.Popen, mail_dir: Path, log_path: Path):
        self.process = process
        self.mail_dir = mail_dir
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sent_mail(self) -> list:
        """Every message the worker has sent, parsed, oldest first."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(message_from_bytes(raw.strip()))
        return messages

    def wait_for_mail(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mail = self.sent_mail()
            if len(mail) >= count:
                return mail
            time.sleep(0.1)
        raise AssertionError(f"expected {count} emails, got {len(self.sent_mail())}\n{self.log()[-3000:]}")


@contextmanager
def running_worker(tmp_path: Path, *, concurrency: int = 1, env: dict | None = None, name: str = "w"):
    """Run `celery -A portal worker` until the block ends; the test process publishes to Redis."""
    mail_dir = tmp_path / f"mail-{name}"
    mail_dir.mkdir(exist_ok=True)
    log_path = tmp_path / f"worker-{name}.log"
    worker_env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "-P", "prefork", "-c", str(concurrency), "-Q", "default,email", "-l", "info",
        "-n", f"test-{name}-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=worker_env, stdout=log, stderr=subprocess.STDOUT)
    worker = Worker(process, mail_dir, log_path)
    try:
        deadline = time.monotonic() + 30
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + worker.log()[-3000:])
            time.sleep(0.1)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def publishing_to_broker():
    """Let the test process really publish tasks to Redis instead of running them eagerly."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True
