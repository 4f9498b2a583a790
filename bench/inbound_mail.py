"""Inbound mail benchmark: 1,000 messages in a real IMAP mailbox, read in one run, each exactly once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/inbound_mail.py [--messages 1000]

Starts a throw-away Dovecot (as the tests do; needs dovecot-imapd), uses its own
database (the DATABASE_URL name + "_bench", created and migrated here), fills the
mailbox with a mix like a helpline's day (new questions, replies to our emails,
automatic replies, delivery failure reports), then times one `inbound_read`.
Prints how long the run took and, for every email that reached a timeline, the
time from its arrival in the mailbox to its timeline event. Not a test.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.outbox_delivery import bench_database_url, ensure_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database")
    url = bench_database_url(os.environ["DATABASE_URL"])
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # the outbox's publishes are not what is measured here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.STORAGES["private"]["OPTIONS"]["location"] = str(ROOT / "var" / "bench-private")
    # No broker here: the acknowledgements and alerts stay queued in the outbox, as they would
    # while Redis is down; publishing them is the outbox's own benchmark.
    from portal.outbox import services as outbox

    outbox._broker_down_until = float("inf")

    from helpline.models import Enquiry, EnquiryEvent
    from portal.inbound import inbound_read
    from portal.models import InboundEmail, OutboundEmail
    from tests.mailboxes import Dovecot, make_email
    from tests.portal.test_inbound_parse import dsn

    InboundEmail.objects.all().delete()
    EnquiryEvent.objects.all().delete()
    Enquiry.objects.all().delete()
    OutboundEmail.objects.all().delete()

    total = args.messages
    replies, robots, bounces = total // 5, total // 20, total // 20
    new = total - replies - robots - bounces
    ours = []
    for n in range(replies):
        enquiry = Enquiry.objects.create(summary="[bench]", email=f"r{n}@example.net", consent_email=True)
        ours.append(
            OutboundEmail.objects.create(
                to=enquiry.email,
                subject="Your question",
                body_text="-",
                template="helpline/email/follow_up",
                about_type="helpline.enquiry",
                about_id=str(enquiry.pk),
                status=OutboundEmail.Status.SENT,
            )
        )
    messages = (
        [make_email(sender=f"n{n}@example.net", subject=f"Question {n}") for n in range(new)]
        + [
            make_email(
                sender=f"r{n}@example.net", text="Thank you.\n\nOn Monday you wrote:\n> Hello", in_reply_to=m.message_id
            )
            for n, m in enumerate(ours)
        ]
        + [make_email(sender=f"a{n}@example.net", headers={"Auto-Submitted": "auto-replied"}) for n in range(robots)]
        + [dsn(ours[n % len(ours)].message_id) for n in range(bounces)]
    )

    server = Dovecot()
    try:
        mailbox = server.mailbox()
        client = server.client(mailbox)
        arrived = {}
        for raw in messages:
            client.append("INBOX", raw)
            message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip().decode()
            arrived[message_id] = time.time()
        client.logout()

        started = time.perf_counter()
        result = inbound_read(url=mailbox, limit=total, seconds=3600)
        took = time.perf_counter() - started
        again = inbound_read(url=mailbox, limit=total, seconds=3600)
        left = server.count(mailbox, "INBOX")
    finally:
        server.stop()

    recorded = InboundEmail.objects.count()
    delays = sorted(
        event.at.timestamp() - arrived[event.inbound.message_id]
        for event in EnquiryEvent.objects.filter(kind="message_in").select_related("inbound")
    )
    figures = {
        "messages": total,
        "mix": {"new": new, "replies": replies, "automatic_replies": robots, "bounces": bounces},
        "run_seconds": round(took, 2),
        "messages_per_second": round(total / took, 1),
        "handled": result.handled,
        "rejected": result.rejected,
        "recorded_rows": recorded,
        "second_run_handled": again.handled,
        "left_in_inbox": left,
        "exactly_once": recorded == total and result.handled + result.rejected == total and again.handled == 0,
        "arrival_to_timeline_seconds": {
            "events": len(delays),
            "median": round(statistics.median(delays), 2),
            "p95": round(delays[int(len(delays) * 0.95) - 1], 2),
            "max": round(delays[-1], 2),
        },
    }
    print(json.dumps(figures, indent=2))
    results = ROOT / "bench" / "results"
    if results.is_dir():
        (results / "inbound_mail.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
