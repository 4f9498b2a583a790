"""Reading the mailbox: the Maildir default and a real Dovecot, exactly once through races and crashes."""

import threading

import pytest
from django.core import mail
from django.db import connection

from helpline.models import Enquiry
from portal.inbound import inbound_read, registry
from portal.inbound.mailbox import ImapMailbox, MaildirMailbox
from portal.models import InboundEmail, OutboundEmail
from portal.outbox import email_queue, is_suppressed
from tests.mailboxes import drop_into_maildir, make_email
from tests.portal.test_inbound_parse import dsn

pytestmark = pytest.mark.django_db

ACK = "helpline/email/ask_acknowledgement"


class Crash(BaseException):
    """Stands in for the process dying: not an Exception, so nothing in the reader catches it."""


def acknowledgements() -> int:
    return OutboundEmail.objects.filter(template=ACK).count()


# ---------------------------------------------------------------- the Maildir default


def test_an_eml_saved_into_the_development_maildir_is_read_and_moved_on(maildir):
    drop_into_maildir(maildir, make_email(subject="Exercise question"), name="question.eml")
    result = inbound_read()
    assert (result.handled, result.rejected, result.duplicates) == (1, 0, 0)
    enquiry = Enquiry.objects.get()
    assert enquiry.channel == "email"
    assert not list((maildir / "new").iterdir())
    assert [p.name for p in (maildir / ".Processed" / "cur").iterdir()] == ["question.eml:2,S"]
    assert inbound_read().handled == 0  # nothing left: read once, handled once


def test_a_crash_between_commit_and_move_does_not_handle_a_message_twice(maildir, monkeypatch):
    for n in range(3):
        drop_into_maildir(maildir, make_email(subject=f"Question {n}"))

    def die(self, refs):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(MaildirMailbox, "done", die)
        with pytest.raises(Crash):
            inbound_read()
    assert InboundEmail.objects.count() == 3  # committed...
    assert len(list((maildir / "new").iterdir())) == 3  # ...but never moved
    result = inbound_read()
    assert (result.handled, result.duplicates) == (0, 3)
    assert Enquiry.objects.count() == 3 and acknowledgements() == 1  # one a day to one address
    assert not list((maildir / "new").iterdir())


def test_a_crash_half_way_through_handling_rolls_back_and_the_next_read_handles_it_once(maildir, monkeypatch):
    drop_into_maildir(maildir, make_email(subject="Question", files=(("scan.pdf", "application/pdf", b"%PDF-1"),)))
    from portal.inbound import services

    def die(record, parsed):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(services, "_deliver", die)  # after the row and its file are written
        with pytest.raises(Crash):
            inbound_read()
    assert InboundEmail.objects.count() == 0 and Enquiry.objects.count() == 0
    assert inbound_read().handled == 1
    assert Enquiry.objects.count() == 1 and acknowledgements() == 1
    assert InboundEmail.objects.get().attachments.get().kept


def test_bad_mail_is_recorded_with_a_reason_and_never_stops_the_reader(maildir, settings, monkeypatch):
    settings.INBOUND_MAX_MESSAGE_BYTES = 4000
    drop_into_maildir(maildir, b"\x00\xff garbage with no headers")
    drop_into_maildir(maildir, make_email(subject="Huge", text="x" * 10_000))
    drop_into_maildir(maildir, make_email(subject="Trips a bug"))
    drop_into_maildir(maildir, make_email(text="", html="<p>Only <b>HTML</b></p>"))
    drop_into_maildir(maildir, make_email(subject="Fine"))
    helpline = registry._handlers["helpline"]

    def buggy(email):
        if email.subject == "Trips a bug":
            raise RuntimeError("a bug")
        return helpline.on_new(email)

    monkeypatch.setitem(registry._handlers, "helpline", registry.Handler("helpline", "", None, buggy))
    result = inbound_read()
    assert (result.handled, result.rejected) == (2, 3)
    notes = dict(InboundEmail.objects.filter(kind="rejected").values_list("subject", "note"))
    assert notes[""].endswith("It has no sender address we can read.")
    assert notes["Huge"].startswith("Too large to read (over 0 MB)")
    assert notes["Trips a bug"] == "It could not be handled (RuntimeError); a person needs to read it."
    assert sorted(Enquiry.objects.values_list("summary", flat=True)) == [
        "Hello, I have a question about exercise after my fractures.",
        "Only HTML",
    ]
    assert not list((maildir / "new").iterdir())


def test_each_run_does_a_bounded_amount_of_work(maildir, settings):
    settings.INBOUND_BATCH = 4
    for n in range(6):
        drop_into_maildir(maildir, make_email(subject=f"Question {n}"))
    assert inbound_read().handled == 4
    assert inbound_read().handled == 2
    assert InboundEmail.objects.count() == 6


def test_automatic_replies_are_recorded_but_never_answered_or_made_enquiries(maildir):
    drop_into_maildir(maildir, make_email(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    drop_into_maildir(maildir, make_email(subject="Newsletter", headers={"Precedence": "bulk"}))
    inbound_read()
    assert set(InboundEmail.objects.values_list("kind", flat=True)) == {"auto_reply"}
    assert Enquiry.objects.count() == 0 and OutboundEmail.objects.count() == 0


def test_a_permanent_bounce_marks_our_email_bounced_and_suppresses_the_address(maildir):
    sent = email_queue(to="harriet@example.net", template=ACK, context={"reference": "HL-ABCDEF"})
    drop_into_maildir(maildir, dsn(sent.message_id))
    inbound_read()
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.BOUNCED
    assert sent.last_error.startswith("Bounced: her mail server refused it for good (status 5.1.1).")
    assert is_suppressed("harriet@example.net")
    assert InboundEmail.objects.get().kind == "bounce"
    assert Enquiry.objects.count() == 0


def test_a_delay_report_is_recorded_without_marking_it_bounced_or_suppressing(maildir):
    sent = email_queue(to="harriet@example.net", template=ACK, context={"reference": "HL-ABCDEF"})
    OutboundEmail.objects.filter(pk=sent.pk).update(status=OutboundEmail.Status.SENT)
    drop_into_maildir(maildir, dsn(sent.message_id, action="delayed", status="4.4.1"))
    inbound_read()
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT
    assert "still trying to deliver it (status 4.4.1)" in InboundEmail.objects.get().note
    assert not is_suppressed("harriet@example.net")


def test_a_forged_bounce_naming_no_message_of_ours_changes_nothing(maildir):
    sent = email_queue(to="harriet@example.net", template=ACK, context={"reference": "HL-ABCDEF"})
    drop_into_maildir(maildir, dsn("<guessed-1@localhost>"))
    inbound_read()
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SCHEDULED
    assert not is_suppressed("harriet@example.net")
    assert InboundEmail.objects.get().note.endswith(
        "A delivery failure report about none of our emails: nothing changed."
    )


# ---------------------------------------------------------------- a real IMAP server


def test_it_reads_a_real_imap_mailbox_and_moves_handled_mail_to_processed(dovecot):
    url = dovecot.mailbox()
    dovecot.deliver(url, make_email(subject="First"), make_email(sender="mo@example.net", subject="Second"))
    result = inbound_read(url=url)
    assert result.handled == 2
    assert dovecot.count(url, "INBOX") == 0 and dovecot.count(url, "Processed") == 2
    assert sorted(Enquiry.objects.values_list("channel", flat=True)) == ["email", "email"]
    assert len(mail.outbox) == 0  # acknowledgements wait in the outbox for after commit
    assert acknowledgements() == 2
    assert inbound_read(url=url).handled == 0


def test_an_imap_crash_between_commit_and_move_does_not_handle_a_message_twice(dovecot, monkeypatch):
    url = dovecot.mailbox()
    dovecot.deliver(url, make_email(subject="First"), make_email(sender="mo@example.net", subject="Second"))

    def die(self, refs):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(ImapMailbox, "done", die)
        with pytest.raises(Crash):
            inbound_read(url=url)
    assert dovecot.count(url, "INBOX") == 2
    result = inbound_read(url=url)
    assert (result.handled, result.duplicates) == (0, 2)
    assert Enquiry.objects.count() == 2 and acknowledgements() == 2
    assert dovecot.count(url, "INBOX") == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_readers_at_once_handle_each_message_exactly_once(dovecot):
    url = dovecot.mailbox()
    count = 40
    dovecot.deliver(url, *(make_email(sender=f"m{n}@example.net", subject=f"Question {n}") for n in range(count)))
    start = threading.Barrier(2)
    results = []

    def reader():
        try:
            start.wait()
            results.append(inbound_read(url=url))
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2
    assert sum(r.handled for r in results) == count
    assert InboundEmail.objects.count() == count
    assert Enquiry.objects.count() == count and acknowledgements() == count
    # A reader leaves a message another running reader recorded for that one to move; only a
    # message recorded just before the second reader started can be moved by both, leaving a
    # second copy in the archive. The database, not that folder, is what counts once.
    assert dovecot.count(url, "INBOX") == 0 and dovecot.count(url, "Processed") >= count


def test_beat_reads_the_configured_mailbox_every_minute(maildir, settings):
    from portal.tasks import inbound_read_task

    assert settings.CELERY_BEAT_SCHEDULE["inbound-read"] == {"task": "portal.inbound_read", "schedule": 60.0}
    drop_into_maildir(maildir, make_email())
    inbound_read_task.delay()
    assert Enquiry.objects.count() == 1


def test_mail_no_enquiry_took_is_emptied_after_retention_and_the_rest_is_left_alone(maildir, settings):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from portal.inbound import inbound_prune

    drop_into_maildir(maildir, make_email(subject="Away", headers={"Auto-Submitted": "auto-replied"}))
    drop_into_maildir(maildir, make_email(subject="A question"))
    inbound_read()
    later = timezone.now() + timedelta(days=settings.INBOUND_RETENTION_DAYS, hours=1)
    with time_machine.travel(later):
        assert inbound_prune() == 1
        assert inbound_prune() == 0  # a second run changes nothing
    emails = {e.kind: e for e in InboundEmail.objects.all()}
    assert (emails["auto_reply"].from_address, emails["auto_reply"].subject) == ("", "")
    assert emails["new"].subject == "A question"  # the enquiry's retention decides about this one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_killed_mid_run_loses_nothing_and_repeats_nothing(maildir, tmp_path):
    """A real crash: the reading process gets SIGKILL wherever it happens to be."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    from tests.workers import test_database_env, wait_until

    count = 60
    for n in range(count):
        drop_into_maildir(maildir, make_email(sender=f"k{n}@example.net", subject=f"Question {n}"))
    env = {
        **os.environ,
        **test_database_env(),
        "INBOUND_MAIL_URL": f"maildir://{maildir}",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "PRIVATE_FILES_ROOT": str(tmp_path / "private"),
    }
    env.pop("REDIS_URL", None)  # its acknowledgements go to a file broker under its own var/
    reader = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", "from portal.inbound import inbound_read; inbound_read()"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: InboundEmail.objects.count() >= 10, timeout=60, message="the reader never got going")
        reader.kill()
    finally:
        reader.wait()
    assert InboundEmail.objects.count() < count  # it really died half-way

    inbound_read()
    assert InboundEmail.objects.count() == count
    assert Enquiry.objects.count() == count and acknowledgements() == count
    assert not list((maildir / "new").iterdir())
