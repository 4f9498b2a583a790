"""The portal's settings with one fast entry as beat's whole schedule, for tests/scale/test_one_beat.py."""

from portal.settings import *  # noqa: F403

# Sent every second, to a task no worker consumes: each message left in the queue is one send.
CELERY_BEAT_SCHEDULE = {"test-tick": {"task": "tests.beat_tick", "schedule": 1.0}}
