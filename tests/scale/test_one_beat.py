"""Celery beat sends each scheduled task once, however many machines start a beat.

Two real `celery -A portal beat` processes run against the test Redis with the production
scheduler (celery-redbeat: the schedule and a lock in Redis), a schedule of one entry due every
second (tests/scale/beat_settings.py), and a short lock so that a takeover fits in the test.
Nothing consumes the queue, so every message left in it is one send.
"""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime

import pytest
import redis
from django.conf import settings

from tests.workers import stop_process

pytestmark = pytest.mark.redis

MAX_INTERVAL = 1  # seconds a beat sleeps at most between two looks at the schedule (and at the lock)
LOCK_TIMEOUT = 3  # seconds the lock outlives a holder that stopped extending it
SEND = re.compile(r"^\[(?P<at>[\d-]+ [\d:,]+): INFO/MainProcess\] Scheduler: Sending due task test-tick", re.M)


class Beat:
    def __init__(self, process: subprocess.Popen, log_path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sends(self) -> list[datetime]:
        return [datetime.strptime(m["at"], "%Y-%m-%d %H:%M:%S,%f") for m in SEND.finditer(self.log())]

    def wait_for(self, words: str, timeout: float) -> float:
        """Seconds until `words` appear in the log."""
        started = time.monotonic()
        while words not in self.log():
            if self.process.poll() is not None or time.monotonic() - started > timeout:
                raise AssertionError(f"beat never logged {words!r}:\n{self.log()[-3000:]}")
            time.sleep(0.05)
        return time.monotonic() - started


@contextmanager
def running_beat(tmp_path, name: str):
    log_path = tmp_path / f"beat-{name}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale.beat_settings",
        "REDIS_URL": settings.REDIS_URL,
        "BEAT_MAX_LOOP_INTERVAL": str(MAX_INTERVAL),
        "BEAT_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "info"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Beat(process, log_path)
    finally:
        stop_process(process)


def queued_sends(client: redis.Redis) -> int:
    return sum(client.llen(key) for key in client.scan_iter(_type="list"))


def assert_each_tick_sent_once(sends: list[datetime]) -> None:
    # One sender sends every second; a second sender would add a send beside one of them.
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(sends, sends[1:], strict=False)]
    assert min(gaps) >= 0.5, f"two sends of one tick, {min(gaps):.3f} s apart: {sends}"


def test_two_beats_send_each_tick_once_and_the_second_takes_over_when_the_first_is_killed(tmp_path):
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    with ExitStack() as stack:
        first = stack.enter_context(running_beat(tmp_path, "first"))
        first.wait_for("beat: Acquired lock", timeout=20)
        second = stack.enter_context(running_beat(tmp_path, "second"))
        second.wait_for("beat: Starting...", timeout=20)

        time.sleep(4)  # both beats up, the second waiting for the lock
        assert second.sends() == [], "the beat without the lock sent a task"
        assert "beat: Acquired lock" not in second.log()
        sends_before_kill = first.sends()
        assert len(sends_before_kill) >= 3, first.log()[-3000:]
        assert queued_sends(client) == len(sends_before_kill)
        assert_each_tick_sent_once(sends_before_kill)

        first.process.send_signal(signal.SIGKILL)  # no chance to release its lock
        first.process.wait()
        waited = second.wait_for("Scheduler: Sending due task test-tick", timeout=LOCK_TIMEOUT + 10)
        # The lock lapses LOCK_TIMEOUT after the killed beat last extended it; the second looks every MAX_INTERVAL.
        assert waited <= LOCK_TIMEOUT + MAX_INTERVAL + 1, f"took {waited:.1f} s to take over"

        time.sleep(2)  # the second beat sends on its own
        sends = first.sends() + second.sends()
        assert len(second.sends()) >= 2
        assert queued_sends(client) == len(sends)
        assert_each_tick_sent_once(sends)
    client.flushdb()
