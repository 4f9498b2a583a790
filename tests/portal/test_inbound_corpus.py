"""Hundreds of real-world messages (tests/portal/mail_corpus, sources in its SOURCES file) through the Maildir reader.

Each message goes through `inbound_read`, the beat task's own reader, one at a
time so its record can be told apart. A reply is sent as her mail program
would: answering one of our emails about an enquiry (In-Reply-To and
References naming it). Bounce permanence is read by the same `parse` the reader
calls, since the corpus reports are about other people's messages.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from helpline.models import Enquiry
from portal.inbound import inbound_read
from portal.inbound.parse import parse
from portal.models import InboundEmail, OutboundEmail
from tests.helpline.conftest import make_enquiry
from tests.helpline.test_email_from_her import our_email
from tests.mailboxes import drop_into_maildir

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "mail_corpus"
AUTOMATIC = {"bounce", "bounce-permanent", "bounce-temporary", "delivered", "complaint", "auto-reply", "automatic"}
_THREAD_HEADERS = re.compile(rb"^(?:In-Reply-To|References):.*(?:\r?\n[ \t].*)*\r?\n", re.IGNORECASE | re.MULTILINE)


def corpus() -> list[tuple[str, str, str]]:
    rows = []
    for line in (CORPUS / "index.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, label, words = (line.split("\t") + ["", ""])[:3]
        rows.append((name, label, words.replace("\\n", "\n")))
    return rows


def answering(raw: bytes, message_id: str) -> bytes:
    """The message as a reply to our email: its own threading headers replaced by ours."""
    head, sep, body = raw.partition(b"\n\n")
    head = _THREAD_HEADERS.sub(b"", head + b"\n").rstrip(b"\r\n")
    return f"In-Reply-To: {message_id}\nReferences: {message_id}\n".encode() + head + sep + body


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_corpus_is_big_enough_and_every_file_is_listed():
    rows = corpus()
    assert len(rows) >= 300
    listed = {name for name, _, _ in rows}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()} - {"index.tsv", "SOURCES"}
    assert listed == on_disk


def test_real_world_mail_through_the_maildir_reader(maildir, settings, nurse):
    settings.HELPLINE_ASK_LIMIT_PER_ADDRESS = 1000
    table: dict[str, Counter] = {}
    crashes, acks_to_robots, unthreaded, wrong_words = [], [], [], []
    for name, label, her_words in corpus():
        raw = (CORPUS / name).read_bytes()
        row = table.setdefault(label, Counter())
        row["messages"] += 1
        ours = None
        if label == "reply":
            enquiry = make_enquiry(nurse)
            ours = our_email(enquiry)
            raw = answering(raw, ours.message_id)
        before_out = set(OutboundEmail.objects.values_list("pk", flat=True))
        before_in = set(InboundEmail.objects.values_list("pk", flat=True))
        drop_into_maildir(maildir, raw)
        result = inbound_read()
        new = InboundEmail.objects.exclude(pk__in=before_in)
        record = new.first()
        if result.left or (record is None and not result.duplicates):
            crashes.append(name)
            continue
        if record is not None and "could not be handled" in record.note:
            crashes.append(name)
        sent = OutboundEmail.objects.exclude(pk__in=before_out)
        if label in AUTOMATIC:
            if sent.exists() or Enquiry.objects.filter(inbound_events(record)).exists():
                acks_to_robots.append(name)
            else:
                row["never answered"] += 1
        parsed = parse(raw)
        outcome = parsed.bounce.outcome if parsed.bounce else ""
        if label in ("bounce-permanent", "bounce-temporary"):
            row["as labelled"] += outcome == label.removeprefix("bounce-")
        elif label == "bounce":
            row["as labelled"] += parsed.category == "bounce"
        elif label == "delivered":
            row["as labelled"] += outcome == "delivered" and record.kind == "bounce"
            assert not OutboundEmail.objects.filter(status="bounced").exists()
        elif label == "complaint":
            row["as labelled"] += record.kind == "complaint"
        elif label == "auto-reply":
            row["as labelled"] += parsed.category == "out_of_office"
        elif label in ("automatic", "not-bounce"):
            row["as labelled"] += parsed.automatic if label == "automatic" else parsed.category != "bounce"
        elif label == "reply":
            threaded = record is not None and record.kind == "reply" and record.in_reply_to_id == ours.pk
            row["threaded"] += threaded
            if not threaded:
                unthreaded.append(name)
            exact = record is not None and words(record.new_text) == words(her_words)
            row["as labelled"] += exact
            if not exact:
                wrong_words.append((name, record.new_text[:200] if record else None))
    print_table(table)
    assert crashes == []
    assert acks_to_robots == []
    assert unthreaded == []
    bounces = [table[k] for k in ("bounce-permanent", "bounce-temporary")]
    assert sum(r["as labelled"] for r in bounces) >= 0.95 * sum(r["messages"] for r in bounces)
    assert table["reply"]["as labelled"] >= 0.90 * table["reply"]["messages"], wrong_words
    # Every complaint must stop mail to whoever complained, and every out-of-office be known as one.
    for label in ("complaint", "auto-reply", "automatic"):
        assert table[label]["as labelled"] == table[label]["messages"], label
    assert table["complaint"]["messages"] >= 14 and table["auto-reply"]["messages"] >= 14


def inbound_events(record):
    from django.db.models import Q

    if record is None:
        return Q(pk__in=[])
    return Q(events__inbound=record, channel="email", events__kind="created") | Q(
        events__inbound=record, events__kind="message_in"
    )


def print_table(table: dict[str, Counter]) -> None:
    lines = [f"{'label':<18}{'messages':>9}{'as labelled':>13}{'never answered':>16}{'threaded':>10}"]
    for label in sorted(table):
        row = table[label]
        answered = str(row["never answered"]) if label in AUTOMATIC else "-"
        threaded = str(row["threaded"]) if label == "reply" else "-"
        labelled = "-" if label in ("other", "spam") else str(row["as labelled"])
        lines.append(f"{label:<18}{row['messages']:>9}{labelled:>13}{answered:>16}{threaded:>10}")
    lines.append(f"{'total':<18}{sum(r['messages'] for r in table.values()):>9}")
    print("\n" + "\n".join(lines))
