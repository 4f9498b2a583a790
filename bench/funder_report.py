"""Benchmark: the quarterly funder report on the seeded database (target under 2 s).

Run against the database `seed_demo` filled (bench/README.md), for the last complete quarter:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf .venv/bin/python bench/funder_report.py   # --quarter 2026-Q3

Times three things, each as an administrator's request would run them: the figures alone
(`funder_report` and `publish`), the printable page (the view, charts and template), and
the CSV. Prints the queries each takes, the median and worst of 10 timed runs after 2 warm-up
runs (wall clock, and the Python CPU time, which leaves out PostgreSQL's), and the load average, since a busy machine inflates wall-clock figures. It writes one
audit entry per page and CSV run (as a real request does) and creates a superuser
`bench-admin@example.org` (no usable password) if there is none of that name.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from helpline import funder_views  # noqa: E402
from helpline.funder_report import funder_report, last_complete_quarter, publish, quarter_parse  # noqa: E402
from helpline.models import Enquiry  # noqa: E402
from portal.models import User  # noqa: E402

RUNS = 10
TARGET_SECONDS = 2.0


def timed(what, *, runs: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and this process's CPU seconds per run (CPU leaves out PostgreSQL's share), and the queries."""
    for _ in range(2):
        what()
    with CaptureQueriesContext(connection) as queries:
        what()
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        what()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return times, cpu, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarter", help="like 2026-Q3 (default: the last complete quarter)")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    today = timezone.localdate()
    quarter = quarter_parse(args.quarter, today=today) if args.quarter else last_complete_quarter(today)
    start, end = quarter.bounds()
    total = Enquiry.objects.count()
    in_quarter = Enquiry.objects.filter(created_at__gte=start, created_at__lt=end).count()
    print(f"{total:,} enquiries, {in_quarter:,} of them in {quarter.code}")

    admin = User.objects.filter(email="bench-admin@example.org").first()
    if admin is None:
        admin = User.objects.create_user("bench-admin@example.org", None, is_staff=True, is_superuser=True)
    factory = RequestFactory()

    def view(fn):
        def run():
            request = factory.get("/", {"quarter": quarter.code})
            request.user = admin
            response = fn(request)
            assert response.status_code == 200, response.status_code
            return response

        return run

    missed = False
    for name, what in (
        ("figures (funder_report + publish)", lambda: publish(funder_report(quarter=quarter))),
        ("printable page (view + charts + template)", view(funder_views.funder_report_page)),
        ("CSV download (view)", view(funder_views.funder_report_csv)),
    ):
        times, cpu, queries = timed(what, runs=args.runs)
        median, worst = statistics.median(times), max(times)
        verdict = "met" if worst < TARGET_SECONDS else "MISSED"
        missed |= verdict == "MISSED"
        print(
            f"{name}: {queries} queries; median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms "
            f"(Python CPU median {statistics.median(cpu) * 1000:.0f} ms) ({verdict})"
        )
    print("load average:", " ".join(f"{n:.2f}" for n in os.getloadavg()))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
