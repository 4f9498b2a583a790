"""Her emails come back into the helpline: replies on the timeline, new emails as enquiries, her files."""

import json

import pytest
from django.urls import reverse

from helpline import services
from helpline.models import Enquiry, EnquiryEvent, Urgency
from portal.inbound import inbound_read
from portal.models import AuditEntry, InboundAttachment, OutboundEmail
from portal.roles import Role
from tests.conftest import make_user
from tests.helpline.conftest import make_enquiry
from tests.mailboxes import drop_into_maildir, make_email

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"1" * 100
REPLY_TEXT = (
    "Thank you, I tried the exercises.\n\nHarriet\n\n"
    "On Mon, 30 Nov 2026 at 10:00, Helpline <helpline@localhost> wrote:\n> Dear Harriet,\n> Try these.\n"
)


def our_email(enquiry) -> OutboundEmail:
    return OutboundEmail.objects.create(
        to=enquiry.email,
        subject="Your question",
        body_text="Dear Harriet",
        template="helpline/email/follow_up",
        about_type="helpline.enquiry",
        about_id=str(enquiry.pk),
        status=OutboundEmail.Status.SENT,
    )


def receive(maildir, raw: bytes) -> None:
    drop_into_maildir(maildir, raw)
    inbound_read()


def test_a_reply_lands_on_the_timeline_and_tells_her_nurse_without_personal_details(maildir, enquiry, nurse):
    receive(
        maildir, make_email(subject="Re: Your question", text=REPLY_TEXT, in_reply_to=our_email(enquiry).message_id)
    )
    enquiry.refresh_from_db()
    assert enquiry.reply_received_at is not None
    event = enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_IN)
    assert event.text == "Thank you, I tried the exercises.\n\nHarriet"
    assert "> Try these." in event.inbound.body_text
    assert event.inbound.kind == "reply" and not event.inbound.sender_warning
    alert = OutboundEmail.objects.get(template="helpline/email/message_received")
    assert alert.to == nurse.email
    for personal in ("Harriet", "exercises", "harriet@example.net"):
        assert personal not in alert.subject + alert.body_text + alert.body_html
    assert enquiry.reference in alert.body_text


def test_the_nurse_sees_the_new_words_first_with_the_whole_email_one_click_away(maildir, enquiry, nurse_client):
    receive(
        maildir, make_email(subject="Re: Your question", text=REPLY_TEXT, in_reply_to=our_email(enquiry).message_id)
    )
    page = nurse_client.get(enquiry.get_absolute_url()).content.decode()
    assert "Reply received" in page
    assert page.index("Thank you, I tried the exercises.") < page.index("<summary>The whole email")
    assert "&gt; Try these." in page


def test_replies_waiting_rise_to_the_top_of_her_nurse_s_queue_until_she_acts(maildir, enquiry, nurse, nurse_client):
    receive(
        maildir, make_email(subject="Re: Your question", text=REPLY_TEXT, in_reply_to=our_email(enquiry).message_id)
    )
    page = nurse_client.get(reverse("helpline:queue")).content.decode()
    assert "Replies waiting" in page and enquiry.reference in page
    services.enquiry_note_add(enquiry=enquiry, by=nurse, text="Rang her back.")
    enquiry.refresh_from_db()
    assert enquiry.reply_received_at is None
    assert "Replies waiting" not in nurse_client.get(reverse("helpline:queue")).content.decode()


def test_a_reference_in_the_subject_finds_the_enquiry_when_the_headers_do_not(maildir, enquiry):
    receive(maildir, make_email(subject=f"About my question {enquiry.reference.lower()}", text="Any news?"))
    assert Enquiry.objects.count() == 1
    assert enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_IN).inbound.kind == "reply"


def test_a_reply_from_another_address_is_flagged_and_never_changes_her_details(maildir, enquiry, nurse_client):
    receive(
        maildir,
        make_email(
            sender="someone@elsewhere.example", text="It's her partner here.", in_reply_to=our_email(enquiry).message_id
        ),
    )
    enquiry.refresh_from_db()
    assert enquiry.email == "harriet@example.net"
    email = enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_IN).inbound
    assert email.sender_warning.startswith("Sent from someone@elsewhere.example, not the address on this enquiry.")
    assert "her contact details have not been changed" in nurse_client.get(enquiry.get_absolute_url()).content.decode()


def test_a_reply_to_a_closed_enquiry_reopens_it(maildir, enquiry, nurse):
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="information_given")
    receive(maildir, make_email(text="One more question.", in_reply_to=our_email(enquiry).message_id))
    enquiry.refresh_from_db()
    assert enquiry.status == "in_progress" and enquiry.outcome == ""


def test_emergency_words_in_a_reply_raise_the_level_and_alert_the_nurses(maildir, enquiry, nurse):
    receive(
        maildir, make_email(text="Since yesterday I can't feel my legs.", in_reply_to=our_email(enquiry).message_id)
    )
    enquiry.refresh_from_db()
    assert enquiry.red_flag and enquiry.urgency == Urgency.EMERGENCY
    assert "Safety triage: Emergency" in enquiry.events.get(kind="message_in").text
    assert enquiry.alerts.filter(handled_at__isnull=True, level=Urgency.EMERGENCY).exists()
    assert OutboundEmail.objects.filter(template="helpline/email/safety_alert", to=nurse.email).exists()


def test_a_new_email_becomes_an_enquiry_with_the_web_form_s_triage_and_acknowledgement(maildir):
    receive(
        maildir, make_email(sender="Jo Bloggs <jo@example.net>", subject="Help", text="I have sudden severe back pain.")
    )
    enquiry = Enquiry.objects.get()
    assert (enquiry.channel, enquiry.name, enquiry.email) == ("email", "Jo Bloggs", "jo@example.net")
    assert enquiry.red_flag and enquiry.urgency == Urgency.URGENT
    assert enquiry.consent_email and enquiry.safe_to_email
    ack = OutboundEmail.objects.get(template="helpline/email/ask_acknowledgement")
    assert ack.to == "jo@example.net" and enquiry.reference in ack.body_text
    assert "GET MEDICAL ADVICE TODAY" in ack.body_text and "111" in ack.body_text
    assert enquiry.events.filter(kind="message_in").count() == 1


def test_every_email_matched_to_an_enquiry_is_in_the_audit_log_new_or_reply(maildir, enquiry):
    receive(maildir, make_email(sender="jo@example.net", subject="Help", text="A new question."))
    receive(
        maildir, make_email(subject="Re: Your question", text=REPLY_TEXT, in_reply_to=our_email(enquiry).message_id)
    )

    new = Enquiry.objects.get(email="jo@example.net")
    audited = AuditEntry.objects.filter(action="enquiry.email_received").values_list("target_id", "actor", "detail")
    assert sorted(audited) == sorted([(str(new.pk), None, {}), (str(enquiry.pk), None, {})])


def test_a_flood_from_one_address_joins_her_latest_enquiry_instead_of_opening_more(maildir, settings):
    settings.HELPLINE_ASK_LIMIT_PER_ADDRESS = 2
    for n in range(5):
        drop_into_maildir(maildir, make_email(sender="jo@example.net", subject=f"Message {n}"))
    inbound_read()
    assert Enquiry.objects.count() == 2
    # One acknowledgement a day to one address, however many enquiries it opens.
    assert OutboundEmail.objects.filter(template="helpline/email/ask_acknowledgement").count() == 1
    assert EnquiryEvent.objects.filter(kind="message_in").count() == 5


def test_an_auto_reply_to_our_email_never_reaches_the_timeline(maildir, enquiry):
    receive(maildir, make_email(headers={"Auto-Submitted": "auto-replied"}, in_reply_to=our_email(enquiry).message_id))
    enquiry.refresh_from_db()
    assert enquiry.reply_received_at is None
    assert not enquiry.events.filter(kind="message_in").exists()
    assert not OutboundEmail.objects.filter(template="helpline/email/message_received").exists()


# ---------------------------------------------------------------- her files


@pytest.fixture
def with_files(maildir, enquiry):
    receive(
        maildir,
        make_email(
            text="My scan report.",
            in_reply_to=our_email(enquiry).message_id,
            files=(("scan report.pdf", "application/pdf", PDF), ("run-me.exe", "application/octet-stream", b"MZ..")),
        ),
    )
    return InboundAttachment.objects.get(filename="scan report.pdf")


def test_only_safe_files_are_kept_and_the_timeline_says_what_was_not(with_files, enquiry, nurse_client):
    refused = InboundAttachment.objects.get(filename="run-me.exe")
    assert not refused.kept and refused.refused == "Not kept: only PDF, JPEG and PNG files are kept."
    page = nurse_client.get(enquiry.get_absolute_url()).content.decode()
    assert "run-me.exe: Not kept: only PDF, JPEG and PNG files are kept." in page
    assert "/media/" not in page and with_files.file.name not in page


def test_a_nurse_downloads_a_file_as_an_attachment_and_it_is_audited(with_files, enquiry, nurse_client):
    url = reverse("helpline:attachment-download", args=[enquiry.pk, with_files.pk])
    response = nurse_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="scan report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="enquiry.attachment_downloaded")
    assert entry.target_id == str(enquiry.pk) and entry.detail == {"attachment": with_files.pk}


def test_nobody_but_helpline_staff_can_download_her_files(with_files, enquiry, client, mother, outsider, nurse):
    url = reverse("helpline:attachment-download", args=[enquiry.pk, with_files.pk])
    assert client.get(url).status_code == 302  # to sign in
    for person in (mother, outsider):
        client.force_login(person)
        assert client.get(url).status_code in (403, 404)
    other = make_enquiry(nurse)
    client.force_login(nurse)
    assert client.get(reverse("helpline:attachment-download", args=[other.pk, with_files.pk])).status_code == 404


def test_her_files_are_in_her_export_and_gone_when_the_enquiry_is_anonymised(with_files, enquiry, client):
    harriet = make_user("harriet@example.net", role=Role.MOTHER)
    from portal.personal_data import personal_data_export

    data = json.loads(json.dumps(personal_data_export(user=harriet)))
    emails = data["helpline"]["enquiries"][0]["emails_from_her"]
    assert emails[0]["text"].startswith("My scan report.")
    assert [f["name"] for f in emails[0]["files"]] == ["scan report.pdf", "run-me.exe"]
    assert emails[0]["files"][0]["content_base64"]
    assert data["account"]["emails_from_you"][0]["kind"] == "Reply to one of our emails"

    storage_name = with_files.file.name
    assert with_files.file.storage.exists(storage_name)
    services.enquiry_erase(enquiry=enquiry)
    with_files.refresh_from_db()
    assert not with_files.file and with_files.filename == ""
    assert not with_files.file.storage.exists(storage_name)
    assert with_files.email.body_text == "" and with_files.email.from_address == ""


def test_a_bounce_shows_on_the_enquiry_s_emails(maildir, enquiry, nurse_client):
    from tests.portal.test_inbound_parse import dsn

    sent = our_email(enquiry)
    receive(maildir, dsn(sent.message_id))
    page = nurse_client.get(enquiry.get_absolute_url()).content.decode()
    assert "Bounced" in page
    assert "Bounced: her mail server refused it for good (status 5.1.1)." in page
    assert not enquiry.events.filter(kind="message_in").exists()
