"""Benchmark: suggestions for one peer request against 10,000 volunteers (target under 100 ms).

Run against PostgreSQL (it creates and drops its own throwaway database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/peer_suggestions.py

Measures what the nurse's request page calls: `best_suggestions` (the best ten, pre-ranked in
SQL so that only the volunteers who can make the top ten are scored in Python), and for
comparison `suggestions` (every eligible volunteer scored, as the page's "show all" does).
Prints the median and worst of 30 timed runs after 3 warm-up runs, and the load average,
since a busy machine inflates wall-clock figures.
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

VOLUNTEERS = 10_000
RUNS = 30


def populate() -> None:
    from peers.models import FractureKind, PeerRequest, Region, Timing, Topic, VolunteerProfile
    from portal.models import User

    rng = random.Random(42)  # the same data every run
    today = timezone.localdate()
    users = User.objects.bulk_create(
        [User(email=f"bench{n}@example.org", password="!") for n in range(VOLUNTEERS)], batch_size=2000
    )
    topics = [t.value for t in Topic]
    profiles = []
    for n, user in enumerate(users):
        capacity = rng.randint(1, 3)
        profiles.append(
            VolunteerProfile(
                user=user,
                first_name=f"V{n}",
                status=VolunteerProfile.Status.APPROVED if rng.random() < 0.9 else VolunteerProfile.Status.APPLIED,
                fracture_kind=rng.choice(FractureKind.values),
                timing=rng.choice(Timing.values),
                breastfed=rng.choice([True, False, None]),
                heparin=rng.choice([True, False, None]),
                later_pregnancies=rng.choice([True, False, None]),
                topics=rng.sample(topics, rng.randint(1, 4)),
                region=rng.choice(Region.values),
                languages=["English"] + (["Welsh"] if rng.random() < 0.1 else []),
                capacity=capacity,
                active_count=rng.randint(0, capacity),
                paused=rng.random() < 0.05,
                briefing_completed_on=today - timedelta(days=100),
                briefing_expires_on=today + timedelta(days=rng.randint(-30, 365)),
            )
        )
    VolunteerProfile.objects.bulk_create(profiles, batch_size=2000)
    PeerRequest.objects.create(
        first_name="Bench",
        contact_email="bench-mother@example.org",
        fracture_kind=FractureKind.SPINAL,
        timing=Timing.WEEKS_AFTER,
        breastfed=True,
        topics=["pain", "new_baby", "emotional"],
        region=Region.WALES,
        languages=["Welsh"],
        consent_nurses_read=True,
        consent_share_details=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the figure is meant for PostgreSQL.")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from peers.models import PeerRequest
        from peers.selectors import best_suggestions, suggestions
        from peers.views import SUGGESTIONS_SHOWN

        populate()
        request = PeerRequest.objects.get()
        ranked = suggestions(request)
        best = best_suggestions(request, SUGGESTIONS_SHOWN)
        assert best == (ranked[:SUGGESTIONS_SHOWN], len(ranked)), "the pre-ranked best differ from ranking everyone"
        print(f"volunteers: {VOLUNTEERS}, eligible for this request: {len(ranked)}")
        print(f"best suggestion: score {ranked[0].score}: {'; '.join(ranked[0].reasons)}")
        for name, call in (
            (
                f"best_suggestions (the page's {SUGGESTIONS_SHOWN})",
                lambda: best_suggestions(request, SUGGESTIONS_SHOWN),
            ),
            ("suggestions (all ranked)", lambda: suggestions(request)),
        ):
            for _ in range(3):
                call()
            timings, cpu = [], []
            for _ in range(RUNS):
                start, start_cpu = time.perf_counter(), time.process_time()
                call()
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            print(f"{name}: median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms over {RUNS} runs")
            # CPU time of this process only (excludes PostgreSQL's side and waiting for a busy CPU).
            print(f"  python cpu per run: median {statistics.median(cpu):.1f} ms")
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
