"""Her side: a mother with an account reads her enquiries' conversations and answers the nurses there."""

from datetime import timedelta

import pytest
from django.core import mail

from helpline import services
from helpline.models import Enquiry, EnquiryEvent, Status
from portal.models import AuditEntry, OutboundEmail
from portal.outbox import email_cancel

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

ASK = {
    "name": "Alice",
    "email": "alice@example.org",
    "phone": "",
    "topics": ["pain"],
    "question": "Is it safe to lift my baby from the cot?",
    "consent": "on",
}


def hers(mother, nurse, **overrides) -> Enquiry:
    enquiry = make_enquiry(nurse, **overrides)
    Enquiry.objects.filter(pk=enquiry.pk).update(user=mother)
    enquiry.refresh_from_db()
    return enquiry


def test_a_question_asked_while_signed_in_is_linked_to_her_account(client, mother):
    client.force_login(mother)
    thanks = client.post("/helpline/ask/", ASK, follow=True).content.decode()

    enquiry = Enquiry.objects.get()
    assert enquiry.user == mother
    assert "read the nurse's answer and reply in your account" in thanks
    listing = client.get("/helpline/my-enquiries/").content.decode()
    assert enquiry.reference in listing
    assert "Waiting for a nurse" in listing


def test_a_question_asked_signed_out_is_linked_to_no_account(client):
    client.post("/helpline/ask/", ASK)
    assert Enquiry.objects.get().user is None


def test_she_reads_the_conversation_but_never_the_nurses_notes(client, mother, nurse):
    enquiry = hers(mother, nurse)
    services.enquiry_note_add(enquiry=enquiry, by=nurse, text="Private working note")
    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body="Walking is fine.", links=[])
    client.force_login(mother)

    page = client.get(f"/helpline/my-enquiries/{enquiry.pk}/").content.decode()

    assert enquiry.summary in page
    assert "Walking is fine." in page
    assert "Nora, helpline nurse" in page
    assert "Private working note" not in page
    assert "A nurse is looking after it" in page
    assert AuditEntry.objects.filter(action="enquiry.viewed_by_her", actor=mother, target_id=str(enquiry.pk)).exists()


def test_a_scheduled_reply_shows_only_once_its_time_has_come_and_a_cancelled_one_never(client, mother, nurse):
    from django.utils import timezone

    enquiry = hers(mother, nurse)
    later = services.enquiry_reply_send(
        enquiry=enquiry,
        by=nurse,
        subject="S",
        body="Checking in.",
        links=[],
        send_after=timezone.now() + timedelta(days=7),
    )
    cancelled = services.enquiry_reply_send(
        enquiry=enquiry,
        by=nurse,
        subject="S",
        body="Sent by mistake.",
        links=[],
        send_after=timezone.now() + timedelta(hours=1),
    )
    email_cancel(message=cancelled.email, by=nurse)
    client.force_login(mother)

    page = client.get(f"/helpline/my-enquiries/{enquiry.pk}/").content.decode()
    assert "Checking in." not in page and "Sent by mistake." not in page

    EnquiryEvent.objects.filter(pk__in=[later.pk, cancelled.pk]).update(
        shown_from=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(f"/helpline/my-enquiries/{enquiry.pk}/").content.decode()
    assert "Checking in." in page
    assert "Sent by mistake." not in page


def test_she_replies_in_her_account_onto_the_timeline_and_her_nurse_is_told_without_her_words(
    client, mother, nurse, django_capture_on_commit_callbacks
):
    enquiry = hers(mother, nurse)
    client.force_login(mother)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/helpline/my-enquiries/{enquiry.pk}/", {"text": "Thank you, that helps."})

    assert response.status_code == 302
    event = enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_IN)
    assert (event.actor, event.text) == (mother, "Thank you, that helps.")
    client.force_login(nurse)
    assert "Thank you, that helps." in client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    alert = mail.outbox[0]
    assert alert.to == [nurse.email]
    assert enquiry.reference in alert.subject
    assert "Thank you" not in alert.body and "Harriet" not in alert.body


def test_her_message_is_not_counted_as_the_helplines_first_response(mother, nurse):
    enquiry = hers(mother, nurse, channel="web")
    Enquiry.objects.filter(pk=enquiry.pk).update(first_response_at=None)

    services.enquiry_message_receive(enquiry=enquiry, by=mother, text="Any news?")

    enquiry.refresh_from_db()
    assert enquiry.first_response_at is None


def test_her_message_reopens_a_closed_enquiry(mother, nurse):
    enquiry = hers(mother, nurse)
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="information_given")

    services.enquiry_message_receive(enquiry=enquiry, by=mother, text="It has come back.")

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.outcome, enquiry.closed_at) == (Status.IN_PROGRESS, "", None)


def test_an_empty_message_is_refused_next_to_the_box(client, mother, nurse):
    enquiry = hers(mother, nurse)
    client.force_login(mother)

    response = client.post(f"/helpline/my-enquiries/{enquiry.pk}/", {"text": ""})

    assert response.status_code == 400
    assert "Write your message before sending it." in response.content.decode()
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.MESSAGE_IN).exists()


def test_where_email_is_not_safe_she_reads_replies_here_and_gets_no_email(
    client, mother, nurse, django_capture_on_commit_callbacks
):
    enquiry = hers(mother, nurse, safe_to_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body="Here is our answer.", links=[])
    client.force_login(mother)

    page = client.get(f"/helpline/my-enquiries/{enquiry.pk}/").content.decode()

    assert "Here is our answer." in page
    assert "You told us email is not safe" in page
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


def test_only_her_own_enquiries_open_for_her(client, mother, other_mother, nurse):
    enquiry = hers(mother, nurse)
    # Same address as hers, but asked by phone: never linked by address, so never shown.
    unlinked = make_enquiry(nurse, email=mother.email)
    client.force_login(other_mother)

    assert client.get(f"/helpline/my-enquiries/{enquiry.pk}/").status_code == 404
    assert client.post(f"/helpline/my-enquiries/{enquiry.pk}/", {"text": "hi"}).status_code == 404
    assert enquiry.reference not in client.get("/helpline/my-enquiries/").content.decode()
    client.force_login(mother)
    assert client.get(f"/helpline/my-enquiries/{unlinked.pk}/").status_code == 404
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.MESSAGE_IN).exists()


def test_an_anonymised_enquiry_is_gone_from_her_account(client, mother, nurse):
    enquiry = hers(mother, nurse)
    Enquiry.objects.filter(pk=enquiry.pk).update(anonymised_at="2026-01-01T00:00Z")
    client.force_login(mother)
    assert client.get(f"/helpline/my-enquiries/{enquiry.pk}/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, mother, nurse):
    enquiry = hers(mother, nurse)
    for path in ("/helpline/my-enquiries/", f"/helpline/my-enquiries/{enquiry.pk}/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_her_data_export_holds_the_conversation(mother, nurse):
    from helpline.personal_data import helpline_export

    enquiry = hers(mother, nurse, email="someone-else@example.net")
    services.enquiry_message_receive(enquiry=enquiry, by=mother, text="My message")

    exported = helpline_export(mother)["enquiries"]

    assert [e["reference"] for e in exported] == [enquiry.reference]
    assert exported[0]["conversation"][0]["text"] == "My message"


def test_erasing_her_account_erases_her_conversation_and_any_unsent_draft(mother, nurse):
    from helpline.models import ReplyDraft
    from portal.personal_data import account_erase

    enquiry = hers(mother, nurse, email="someone-else@example.net")
    services.enquiry_message_receive(enquiry=enquiry, by=mother, text="My canary words")
    services.reply_draft_save(enquiry=enquiry, by=nurse, subject="S", body="Draft canary", links=[])

    account_erase(user=mother, by=mother)

    enquiry.refresh_from_db()
    assert enquiry.anonymised_at is not None
    assert not ReplyDraft.objects.exists()
    assert not EnquiryEvent.objects.filter(text__contains="canary").exists()
