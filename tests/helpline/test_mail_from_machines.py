"""Machines' answers to our emails: bounces, complaints and out-of-office replies, through the Maildir reader."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from helpline.mail_notices import BOUNCED_FOR_GOOD, OUT_OF_OFFICE
from helpline.models import Enquiry
from portal.inbound import inbound_read
from portal.inbound.parse import parse
from portal.models import AuditEntry, EmailSuppression, InboundEmail, OutboundEmail
from portal.outbox import email_queue
from portal.outbox.consent import address_hash, not_sent_reason
from tests.helpline.test_email_from_her import our_email, receive
from tests.mailboxes import drop_into_maildir, make_email
from tests.portal.test_inbound_parse import dsn

pytestmark = pytest.mark.django_db

ACK = "helpline/email/ask_acknowledgement"
CORPUS = Path(__file__).parent.parent / "portal" / "mail_corpus"


def returned_headers_pasted(message_id: str) -> bytes:
    """An old-style bounce: no report structure, our headers pasted into the text, sent with no sender."""
    return (
        "Return-Path: <>\r\nFrom: <>\r\nTo: helpline@localhost\r\nSubject: Mail delivery failed\r\n"
        "Message-ID: <pasted-1@mx.example.net>\r\n\r\n"
        "This message was created automatically by mail delivery software.\r\n\r\n"
        "A message that you sent could not be delivered to one or more of its recipients. "
        "This is a permanent error. The following address(es) failed:\r\n\r\n"
        "  harriet@example.net\r\n    SMTP error from remote mail server after RCPT TO:<harriet@example.net>:\r\n"
        "    550 5.1.1 User unknown\r\n\r\n------ This is a copy of the message's headers. ------\r\n\r\n"
        f"Message-ID: {message_id}\r\nSubject: Your question\r\n"
    ).encode()


def arf(message_id: str, to: str = "harriet@example.net") -> bytes:
    return (
        "From: Feedback Loop <fbl@isp.example>\r\nTo: abuse@localhost\r\nSubject: Complaint\r\n"
        "Message-ID: <arf-1@isp.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n\r\n'
        "--F\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
        "--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\r\n"
        f"--F\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: {message_id}\r\nTo: {to}\r\nSubject: x\r\n\r\nHello\r\n"
        "--F--\r\n"
    ).encode()


def test_a_permanent_bounce_tells_the_nurse_to_try_phone_and_stops_all_email(maildir, enquiry, nurse_client):
    sent = our_email(enquiry)
    receive(maildir, returned_headers_pasted(sent.message_id))
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.BOUNCED
    suppression = EmailSuppression.objects.get(address_hash=address_hash("harriet@example.net"))
    assert (suppression.reason, suppression.source.kind) == ("bounced", "bounce")
    assert not_sent_reason("harriet@example.net", essential=True)  # no email can arrive there
    page = nurse_client.get(enquiry.get_absolute_url()).content.decode()
    assert BOUNCED_FOR_GOOD in page
    enquiry.refresh_from_db()
    assert enquiry.reply_received_at is None
    assert Enquiry.objects.count() == 1 and not OutboundEmail.objects.filter(template=ACK).exists()


def test_a_bounce_with_our_headers_in_a_text_rfc822_headers_part_and_no_sender_is_matched(maildir, enquiry):
    sent = our_email(enquiry)
    raw = dsn(sent.message_id).replace(b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n", b"")
    receive(maildir, raw)
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.BOUNCED
    assert InboundEmail.objects.get().kind == "bounce"


def test_a_bounce_naming_no_message_id_is_matched_by_the_address_we_emailed(maildir, enquiry):
    sent = our_email(enquiry)
    receive(maildir, dsn("<someone-else@elsewhere.example>"))
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.BOUNCED


def test_a_delivered_report_never_marks_anything_bounced(maildir, enquiry):
    sent = our_email(enquiry)
    receive(maildir, dsn(sent.message_id, action="delivered", status="2.0.0"))
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT
    assert not EmailSuppression.objects.exists()


def test_a_temporary_failure_is_sent_again_and_only_days_of_failures_suppress(maildir, enquiry, settings):
    settings.OUTBOX_SOFT_BOUNCE_DAYS = 3
    sent = our_email(enquiry)
    receive(maildir, dsn(sent.message_id, action="failed", status="4.2.2"))
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SCHEDULED
    assert sent.send_after > timezone.now() + timedelta(hours=23)
    assert not EmailSuppression.objects.exists()
    for day in (1, 2):
        with time_machine.travel(timezone.now() + timedelta(days=day)):
            drop_into_maildir(
                maildir, dsn(sent.message_id, action="failed", status="4.2.2").replace(b"<dsn-", f"<d{day}-".encode())
            )
            inbound_read()
    assert EmailSuppression.objects.get().reason == "bouncing"


def test_a_spam_complaint_stops_follow_ups_only_and_never_reaches_an_enquiry(maildir, enquiry):
    sent = our_email(enquiry)
    receive(maildir, arf(sent.message_id))
    record = InboundEmail.objects.get()
    assert record.kind == "complaint" and record.about_type == ""
    assert EmailSuppression.objects.get().reason == "complained"
    assert not_sent_reason("harriet@example.net", essential=False)
    assert not not_sent_reason("harriet@example.net", essential=True)
    assert Enquiry.objects.count() == 1 and not enquiry.events.filter(kind="message_in").exists()
    assert not OutboundEmail.objects.filter(template=ACK).exists()


def test_a_complaint_in_microsofts_own_form_stops_follow_ups_to_whoever_complained(maildir, enquiry):
    """Outlook.com's JMRP sends no ARF: the complaint is our email attached, naming its recipient."""
    our_email(enquiry)  # to harriet@example.net, within the days a report is matched by address
    raw = (CORPUS / "php_bounce_handler" / "fbl-hotmail.txt").read_bytes()
    receive(maildir, raw.replace(b"somerecipient@example.com", b"harriet@example.net"))
    assert InboundEmail.objects.get().kind == "complaint"
    assert EmailSuppression.objects.get().reason == "complained"
    assert not_sent_reason("harriet@example.net", essential=False)
    assert Enquiry.objects.count() == 1 and not OutboundEmail.objects.filter(template=ACK).exists()


def test_a_dmarc_failure_report_about_our_email_is_no_complaint_and_changes_nothing(maildir, enquiry):
    sent = our_email(enquiry)
    raw = (CORPUS / "pecl_mailparse" / "gh21-dmarc-auth-failure.eml").read_bytes()
    raw = raw.replace(b"foo@bounce.linkedin.com", b"harriet@example.net").replace(
        b"Content-Disposition: inline\n\nDate:",
        f"Content-Disposition: inline\n\nMessage-ID: {sent.message_id}\nDate:".encode(),
    )
    receive(maildir, raw)
    record = InboundEmail.objects.get()
    assert record.kind == "auto_reply" and "auth-failure" in record.note
    assert not EmailSuppression.objects.exists()
    assert Enquiry.objects.count() == 1 and not OutboundEmail.objects.filter(template=ACK).exists()


def test_a_vacation_reply_whose_auto_submitted_has_a_comment_is_an_out_of_office(maildir, enquiry):
    """Sieve writes `Auto-Submitted: auto-replied (vacation)`; the comment does not change the keyword."""
    raw = make_email(
        subject="Re: Your question",
        text="Thank you for contacting us, we will reply within 24 hours.",
        in_reply_to=our_email(enquiry).message_id,
        headers={"Auto-Submitted": "auto-replied (vacation)"},
    )
    receive(maildir, raw)
    enquiry.refresh_from_db()
    assert enquiry.reply_received_at is None
    assert enquiry.events.get(kind="auto_reply").text == OUT_OF_OFFICE


@pytest.mark.parametrize(
    "subject",
    [
        "Abwesenheitsnotiz: Ihre Frage",
        "Réponse automatique : votre question",
        "Odpowiedź automatyczna",
        "Out of Office",
    ],
)
def test_an_out_of_office_known_by_its_subject_is_noted_never_her_reply(maildir, enquiry, subject):
    receive(
        maildir, make_email(subject=subject, text="I am away until Monday.", in_reply_to=our_email(enquiry).message_id)
    )
    enquiry.refresh_from_db()
    assert enquiry.reply_received_at is None
    assert not enquiry.events.filter(kind="message_in").exists()
    assert enquiry.events.get(kind="auto_reply").text == OUT_OF_OFFICE
    assert not OutboundEmail.objects.filter(template="helpline/email/message_received").exists()


def test_system_senders_never_become_enquiries_or_get_acknowledged(maildir):
    for sender in ("MAILER-DAEMON@mx.example.net", "postmaster@example.net", "no-reply@shop.example"):
        drop_into_maildir(maildir, make_email(sender=sender, subject="Hello"))
    inbound_read()
    assert not Enquiry.objects.exists() and not OutboundEmail.objects.exists()


def test_one_acknowledgement_a_day_to_one_address_whatever_arrives(maildir):
    for n in range(3):
        drop_into_maildir(maildir, make_email(subject=f"Question {n}"))
    inbound_read()
    assert OutboundEmail.objects.filter(template=ACK).count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        drop_into_maildir(maildir, make_email(subject="Next day"))
        inbound_read()
        assert OutboundEmail.objects.filter(template=ACK).count() == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "Diolch, mae'n well.\n\nAr 1 Rhag 2026 am 10:00, Helpline <h@localhost> ysgrifennodd:\n> Annwyl Harriet\n",
            "Diolch, mae'n well.",
        ),
        (
            "Obrigada, estou melhor.\n\nEm 1 de dez. de 2026, Helpline <h@localhost> escreveu:\n> Olá\n",
            "Obrigada, estou melhor.",
        ),
        (
            "Dziękuję, już lepiej.\n\nW dniu 1.12.2026 o 10:00 Helpline <h@localhost> napisał:\n> Dzień dobry\n",
            "Dziękuję, już lepiej.",
        ),
        (
            "Danke, es geht besser.\n\nAm 01.12.2026 um 10:00 schrieb Helpline <h@localhost>:\n> Hallo\n",
            "Danke, es geht besser.",
        ),
    ],
)
def test_her_words_are_read_in_her_language(text, words):
    assert parse(make_email(text=text)).new_text == words


def test_quoted_history_in_html_mail_is_cut_and_the_whole_email_kept():
    html = (
        '<div dir="ltr">Thank you, that helps.</div><br><div class="gmail_quote">'
        '<div class="gmail_attr">On Mon, Helpline wrote:</div><blockquote>Dear Harriet, try this.</blockquote></div>'
    )
    parsed = parse(make_email(text="", html=html))
    assert parsed.new_text == "Thank you, that helps."
    assert "Dear Harriet, try this." in parsed.text


def test_an_administrator_sees_the_suppression_list_and_lifting_one_is_audited(maildir, enquiry, admin_client):
    sent = our_email(enquiry)
    receive(maildir, dsn(sent.message_id))
    suppression = EmailSuppression.objects.get()
    page = admin_client.get(reverse("admin:portal_emailsuppression_changelist")).content.decode()
    assert "h\u2026@example.net" in page and "Bounced (permanent failure)" in page and "Delivery failure report" in page
    admin_client.post(
        reverse("admin:portal_emailsuppression_changelist"),
        {"action": "lift", "_selected_action": [suppression.pk]},
    )
    assert not EmailSuppression.objects.exists()
    assert AuditEntry.objects.filter(action="email.suppression_lifted", target_id=str(suppression.pk)).exists()
    assert email_queue(to="harriet@example.net", template=ACK, context={"reference": "HL-X"}).status == "scheduled"


def test_bad_input_is_set_aside_with_a_note_and_the_reader_goes_on(maildir, settings):
    settings.INBOUND_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    big = make_email(
        subject="Scan", files=(("scan.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * 1024 * 1024)),)
    )
    nested = dsn("<x@y.example>").replace(
        b"--B--", b"--B\r\nContent-Type: message/rfc822\r\n\r\n" + arf("<z@y.example>") + b"\r\n--B--"
    )
    for raw in (b"just some words, no headers at all\n", big, nested, make_email(subject="After them all")):
        drop_into_maildir(maildir, raw)
    result = inbound_read()
    assert result.handled + result.rejected == 4 and not list((maildir / "new").iterdir())
    notes = {r.kind: r.note for r in InboundEmail.objects.all()}
    assert "no sender address" in notes["rejected"]
    assert Enquiry.objects.filter(summary__startswith="Hello").count() == 2  # the big one and the last one
    assert inbound_read().handled == 0  # never read twice
