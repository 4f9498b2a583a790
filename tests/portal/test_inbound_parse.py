"""What the reader takes from a message: new words, safe text, files kept by content, robots and bounces."""

from portal.inbound.parse import NOT_A_KEPT_TYPE, TOO_BIG_FILE, parse
from tests.mailboxes import make_email

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def test_it_separates_her_new_words_from_the_quoted_email_and_her_signature():
    parsed = parse(
        make_email(
            text=(
                "Thank you, the exercises help.\n\nHarriet\n-- \nHarriet Example\n07700 900123\n\n"
                "On Mon, 30 Nov 2026 at 10:00, Helpline <helpline@localhost> wrote:\n> Dear Harriet,\n> Try these.\n"
            )
        )
    )
    assert parsed.new_text == "Thank you, the exercises help.\n\nHarriet"
    assert "> Try these." in parsed.text  # the whole message is kept as well


def test_an_html_only_email_becomes_safe_plain_text():
    parsed = parse(
        make_email(
            text="",
            html="<html><head><style>p{}</style></head><body><p>Hello &amp; thanks</p>"
            "<script>alert(1)</script><p>Second <b>line</b></p><img src=x onerror=alert(2)></body></html>",
        )
    )
    assert parsed.text == "Hello & thanks\nSecond line"
    assert "<" not in parsed.text and "alert" not in parsed.text
    assert "Sent as HTML only: shown here as plain text." in parsed.notes


def test_an_unknown_charset_is_read_with_a_note_instead_of_failing():
    raw = (
        b"From: a@example.net\r\nSubject: x\r\nMessage-ID: <c1@example.net>\r\n"
        b"Content-Type: text/plain; charset=x-klingon\r\n\r\nHello there\r\n"
    )
    parsed = parse(raw)
    assert parsed.text == "Hello there"
    assert any("character set we do not know (x-klingon)" in note for note in parsed.notes)
    assert not parsed.rejection


def test_malformed_mime_is_read_as_far_as_possible():
    raw = (
        b"From: a@example.net\r\nSubject: broken\r\nMessage-ID: <m1@example.net>\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain\r\n\r\nStill readable\r\n"
    )
    parsed = parse(raw)
    assert parsed.text == "Still readable"
    assert "The message is not well-formed MIME; it was read as far as possible." in parsed.notes


def test_garbage_without_a_sender_is_rejected_with_a_reason():
    parsed = parse(b"\x00\xff\xfe not an email at all")
    assert parsed.rejection == "It has no sender address we can read."


def test_files_are_kept_by_what_they_are_not_what_they_are_called():
    parsed = parse(
        make_email(
            files=(
                ("scan.pdf", "application/pdf", PDF),
                ("photo.txt", "text/plain", PNG),  # a PNG, whatever the sender called it
                ("invoice.pdf", "application/pdf", b"MZ\x90\x00 an executable"),
                ("notes.docx", "application/octet-stream", b"PK\x03\x04 a word file"),
            )
        )
    )
    kept = {(a.filename, a.content_type) for a in parsed.attachments if not a.refused}
    assert kept == {("scan.pdf", "application/pdf"), ("photo.txt", "image/png")}
    refused = {a.filename: a.refused for a in parsed.attachments if a.refused}
    assert refused == {"invoice.pdf": NOT_A_KEPT_TYPE, "notes.docx": NOT_A_KEPT_TYPE}


def test_a_file_over_the_limit_is_not_kept(settings):
    settings.INBOUND_MAX_ATTACHMENT_BYTES = 1024 * 1024
    parsed = parse(make_email(files=(("big.png", "image/png", PNG + b"\x00" * (1024 * 1024)),)))
    assert parsed.attachments[0].refused == TOO_BIG_FILE.format(mb=1)


def test_a_file_name_cannot_climb_out_of_its_folder():
    parsed = parse(make_email(files=(("../../etc/passwd.png", "image/png", PNG),)))
    assert parsed.attachments[0].filename == "passwd.png"


def test_automatic_replies_are_recognised_by_their_headers():
    robots = [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "auto_reply"},
        {"Precedence": "junk"},
        {"X-Autoreply": "yes"},
        {"Return-Path": "<>"},
    ]
    for headers in robots:
        assert parse(make_email(headers=headers)).automatic, headers
    assert not parse(make_email(headers={"Auto-Submitted": "no"})).automatic
    assert not parse(make_email()).automatic


def dsn(original_id: str, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: helpline@localhost\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-" + original_id.strip("<>").split("@")[0] + "@mx.example.net>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; harriet@example.net\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {original_id}\r\nSubject: Your question\r\n\r\n"
        "--B--\r\n"
    ).encode()


def test_a_delivery_status_report_names_our_message_and_whether_it_failed_for_good():
    bounce = parse(dsn("<abc123@portal.example.org>")).bounce
    assert "<abc123@portal.example.org>" in bounce.mentioned_ids
    assert (bounce.outcome, bounce.status, bounce.permanent) == ("permanent", "5.1.1", ["harriet@example.net"])
    delayed = parse(dsn("<abc123@portal.example.org>", action="delayed", status="4.4.1")).bounce
    assert (delayed.outcome, delayed.action, delayed.temporary) == ("temporary", "delayed", ["harriet@example.net"])
    assert parse(dsn("<abc123@portal.example.org>", action="delivered", status="2.0.0")).bounce.outcome == "delivered"
