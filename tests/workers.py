"""Start a real Celery worker process against the test database and the real Redis.

Used by tests whose behaviour depends on the broker and a worker (delivery,
retries, races). The worker writes sent mail as files so a test can read it.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import redis
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app


def test_database_env() -> dict[str, str]:
    """The test database for a worker or web process, as the runtime role when there is one, as in production."""
    db = connection.settings_dict
    user, password = db["USER"], db["PASSWORD"]
    if settings.DATABASE_RUNTIME_ROLE:
        runtime = urlsplit(settings.DATABASE_URL)
        user, password = unquote(runtime.username or ""), unquote(runtime.password or "")
    auth = quote(user) + (f":{quote(password)}" if password else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {"DATABASE_URL": url, "DATABASE_MIGRATE_URL": ""}


class Worker:
    def __init__(self, process: subprocess.Popen, mail_dir: Path, log_path: Path):
        self.process = process
        self.mail_dir = mail_dir
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_pids(self) -> list[int]:
        """The prefork pool's child processes (the ones that run tasks)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def sent_mail(self) -> list:
        """Every message the worker has sent, parsed, oldest first."""
        messages = []
        # File names only have whole seconds (then an object id), so order by write time.
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(message_from_bytes(raw.strip()))
        return messages

    def idle(self) -> bool:
        """Every task this worker has received has finished: succeeded, failed, been retried or lost."""
        log = self.log()
        ended = ("] succeeded in", "] raised unexpected:", "] retry:", "Task handler raised error: WorkerLostError")
        return log.count("] received") == sum(log.count(words) for words in ended)

    def wait_for_mail(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mail = self.sent_mail()
            if len(mail) >= count:
                return mail
            time.sleep(0.1)
        raise AssertionError(f"expected {count} emails, got {len(self.sent_mail())}\n{self.log()[-3000:]}")


def broker_idle() -> bool:
    """No task waits in a queue of the test broker, and none is held by a worker unacknowledged."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    waiting = sum(client.llen(key) for key in client.scan_iter(_type="list"))
    return waiting == 0 and client.hlen("unacked") == 0


def wait_until_idle(*workers: Worker, timeout: float = 30.0) -> None:
    """Wait until nothing is left for the workers to do: the queues are empty and every task taken has ended.

    Where a test must show something did NOT happen (no duplicate email), this is the moment it
    would have: every task published so far has run. Checked twice, a moment apart, to cover a
    task between leaving its queue and being logged as received.
    """

    def idle() -> bool:
        return broker_idle() and all(worker.idle() for worker in workers)

    def settled() -> bool:
        if not idle():
            return False
        time.sleep(0.2)
        return idle()

    if not eventually(settled, timeout):
        raise AssertionError("workers still busy:\n" + "\n".join(w.log()[-2000:] for w in workers))


def stop_process(process: subprocess.Popen) -> None:
    """Ask a child process to finish (SIGTERM), and kill it if it has not within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_worker(tmp_path: Path, *, concurrency: int = 1, env: dict | None = None, name: str = "w"):
    """Run `celery -A portal worker` until the block ends; the test process publishes to Redis."""
    mail_dir = tmp_path / f"mail-{name}"
    mail_dir.mkdir(exist_ok=True)
    log_path = tmp_path / f"worker-{name}.log"
    worker_env = {
        **os.environ,
        **test_database_env(),
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
        stop_process(process)


@contextmanager
def publishing_to_broker():
    """Let the test process really publish tasks to Redis instead of running them eagerly."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True


def broker_unreachable(url: str = "redis://127.0.0.1:9/0"):
    """Point this process's publishing at a port with nothing on it, as if Redis were down."""
    return publishing_to(url)


@contextmanager
def publishing_to(url: str):
    """Let the test process really publish tasks, to the broker at `url`."""
    original, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    _switch_broker(url)
    try:
        yield
    finally:
        _switch_broker(original)
        celery_app.conf.task_always_eager = eager


def _switch_broker(url: str) -> None:
    # Drop the cached connection and producer pools so the next publish connects to `url`.
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class SmtpSink:
    """A real SMTP server on localhost that answers DATA from a script, then with 250.

    `replies` such as ["451 4.3.0 Try again later"] or ["550 5.1.1 No such user"];
    every accepted message is kept, parsed, in `messages`.
    """

    def __init__(self, replies=(), first_delay: float = 0.0):
        self.replies = list(replies)
        self.messages: list = []
        self.answered: list[str] = []
        self.first_delay = first_delay  # hold the first DATA this long (to crash a worker mid-send)
        self.receiving = threading.Event()  # set once the first message's content has arrived
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            reply = self.replies.pop(0) if self.replies else "250 2.0.0 Accepted"
            self.answered.append(reply)
            if reply.startswith("250"):
                self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        self.receiving.set()
        # Like a server that has stored the message but is slow to say so.
        delay, self.first_delay = self.first_delay, 0.0
        if delay:
            await asyncio.sleep(delay)
        return reply

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} emails at the SMTP sink, got {len(self.messages)}")
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink(replies=(), first_delay: float = 0.0):
    """Run an aiosmtpd server in a thread; yields (sink, port)."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(replies, first_delay)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


def eventually(condition, timeout: float = 20.0) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def wait_until(condition, timeout: float = 20.0, message: str = "condition not met") -> None:
    if not eventually(condition, timeout):
        raise AssertionError(message)


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop, restart or pause.

    Kept to disk like the production broker (append-only file), so a restart keeps its queues.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
            "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        wait_until(lambda: self._answers(client), timeout=10, message="own redis-server did not start")

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        """Shut it down: connections are refused until `start()`."""
        stop_process(self.process)

    def pause(self) -> None:
        """Hang it: connections are accepted by the kernel but nothing answers until `resume()`."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@contextmanager
def redis_server(directory: Path):
    if shutil.which("redis-server") is None:
        from tests.conftest import service_missing

        service_missing("needs redis-server installed")
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.resume()
        server.stop()
