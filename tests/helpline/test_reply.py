"""A nurse's reply in her own words: templates as starting points, drafts, preview, send now or later, consent."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from helpline import services
from helpline.models import Enquiry, EnquiryEvent, FollowUpTemplate, ReplyDraft, Status
from portal.models import OutboundEmail
from portal.outbox import email_deliver
from tests.leaflet_content import leaflet_load

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

BODY = "Dear Harriet,\n\nThank you for your call. Gentle walking is a good start.\n\nNora"


def url(enquiry, action=""):
    return f"/helpline/enquiries/{enquiry.pk}/reply/{action}"


def page(client, enquiry) -> str:
    return client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()


def post(client, enquiry, action, **fields):
    data = {"subject": "Your call today", "body": BODY, "send_after": "", "action": action, **fields}
    return client.post(url(enquiry), data)


def test_a_nurse_sends_her_own_words_and_the_timeline_shows_the_text_who_and_delivery(
    nurse_client, nurse, enquiry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(nurse_client, enquiry, "send")

    assert response.status_code == 302
    sent = mail.outbox[0]
    assert sent.to == ["harriet@example.net"]
    assert sent.subject == f"Your call today ({enquiry.reference})"
    assert "Gentle walking is a good start." in sent.body
    # Who answered, her reference, and that she can reply.
    assert "Nora, Helpline nurse" in sent.body
    assert f"Your helpline reference is {enquiry.reference}. You can reply to this email to answer Nora" in sent.body
    message = OutboundEmail.objects.get()
    assert (message.kind, message.status) == (OutboundEmail.Kind.REPLY, OutboundEmail.Status.SENT)
    assert sent.extra_headers["Message-ID"] == message.message_id
    event = enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_OUT)
    assert (event.actor, event.email, event.text) == (nurse, message, BODY)

    timeline = page(nurse_client, enquiry)
    assert "Gentle walking is a good start." in timeline
    assert '<span class="tag tag--email-sent">Sent</span>' in timeline


def test_the_delivery_state_on_the_timeline_is_the_outbox_rows(nurse_client, nurse, enquiry):
    event = services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])
    assert '<span class="tag tag--email-scheduled">Scheduled</span>' in page(nurse_client, enquiry)

    OutboundEmail.objects.filter(pk=event.email_id).update(status=OutboundEmail.Status.FAILED, last_error="Refused.")

    timeline = page(nurse_client, enquiry)
    assert '<span class="tag tag--email-failed">Failed</span>' in timeline
    assert "Refused." in timeline


def test_a_template_only_fills_the_box_with_placeholders_filled_and_sends_nothing(nurse_client, nurse):
    enquiry = make_enquiry(nurse, name="Harriet Example")
    template = FollowUpTemplate.objects.get(name="Check-in after a week")
    template.body = "Ref {reference}. From {nurse_first_name} to {first_name}. {unknown}"
    template.save()

    response = nurse_client.post(url(enquiry), {"template": template.pk, "action": "start", "body": ""})

    assert response.status_code == 302
    assert response["Location"] == f"/helpline/enquiries/{enquiry.pk}/#reply"
    assert not OutboundEmail.objects.exists()
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.MESSAGE_OUT).exists()
    draft = ReplyDraft.objects.get(enquiry=enquiry)
    assert draft.body == f"Dear Harriet,\n\nRef {enquiry.reference}. From Nora to Harriet. {{unknown}}"
    assert draft.subject == "How are you getting on?"
    followed = nurse_client.get(response["Location"]).content.decode()
    assert "From Nora to Harriet." in followed
    assert "Read it and change it to fit her before you send it." in followed


def test_a_template_goes_below_what_she_had_typed_instead_of_over_it(nurse_client, enquiry):
    template = FollowUpTemplate.objects.get(name="Information you asked for")

    post(nurse_client, enquiry, "start", template=template.pk, subject="", body="My own first paragraph.")

    draft = ReplyDraft.objects.get(enquiry=enquiry)
    assert draft.body.startswith("My own first paragraph.\n\nThank you for talking to the helpline.")
    assert draft.subject == "The information you asked for"


def test_the_week_check_in_can_no_longer_go_out_unread_on_a_new_enquiry(nurse_client, enquiry):
    template = FollowUpTemplate.objects.get(name="Check-in after a week")

    nurse_client.post(url(enquiry), {"template": template.pk, "action": "start"})

    assert not OutboundEmail.objects.exists()
    assert "It is a week since you contacted" in page(nurse_client, enquiry)  # in the box, for her to change


def test_a_draft_survives_a_validation_error_and_another_nurse_sees_whose_it_is(client, nurse, enquiry):
    from portal.roles import Role
    from tests.conftest import make_user

    client.force_login(nurse)
    response = post(client, enquiry, "send", send_after="2020-01-01T09:00")

    assert response.status_code == 400
    assert f'<a href="#id_send_after">{services.SEND_TIME_IN_PAST}</a>' in response.content.decode()
    assert not OutboundEmail.objects.exists()
    draft = ReplyDraft.objects.get(enquiry=enquiry)
    assert (draft.body, draft.author) == (BODY, nurse)

    colleague = make_user("sam@example.org", role=Role.NURSE, mfa=True, first_name="Sam")
    client.force_login(colleague)
    seen = page(client, enquiry)
    assert "Draft last saved by <strong>Nora</strong>" in seen
    assert "Gentle walking is a good start." in seen


def test_save_draft_keeps_what_was_typed_without_sending(nurse_client, enquiry):
    response = post(nurse_client, enquiry, "save", links=["section:no-such-page"], send_after="next tuesday")

    assert response.status_code == 302
    draft = ReplyDraft.objects.get(enquiry=enquiry)
    assert (draft.subject, draft.body, draft.send_after, draft.links) == ("Your call today", BODY, None, [])
    assert not OutboundEmail.objects.exists()


def test_an_empty_reply_is_refused_next_to_the_box(nurse_client, enquiry):
    response = post(nurse_client, enquiry, "send", body="  ")

    assert response.status_code == 400
    assert f'<a href="#id_body">{services.REPLY_EMPTY}</a>' in response.content.decode()
    assert not OutboundEmail.objects.exists()


def test_a_scheduled_reply_waits_in_the_outbox_and_goes_at_its_time(nurse_client, enquiry):
    in_a_week = timezone.localtime() + timedelta(days=7)

    post(nurse_client, enquiry, "send", send_after=in_a_week.strftime("%Y-%m-%dT%H:%M"))

    assert mail.outbox == []
    message = OutboundEmail.objects.get()
    assert message.status == OutboundEmail.Status.SCHEDULED
    assert message.send_after > timezone.now() + timedelta(days=6)
    assert not ReplyDraft.objects.exists()
    with time_machine.travel(in_a_week + timedelta(minutes=1)):
        assert email_deliver(message_id=message.pk) is True
    assert "Gentle walking" in mail.outbox[0].body


@pytest.mark.parametrize("overrides", [{"consent_email": False}, {"safe_to_email": False}, {"email": ""}])
def test_without_consent_a_safe_inbox_or_an_address_and_no_account_nothing_is_sent(nurse, nurse_client, overrides):
    enquiry = make_enquiry(nurse, **overrides)

    with pytest.raises(ValidationError) as error:
        services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])

    assert error.value.messages == [services.NO_REPLY_ROUTE]
    assert not OutboundEmail.objects.exists()
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.MESSAGE_OUT).exists()
    seen = page(nurse_client, enquiry)
    assert 'action="' + url(enquiry) + '"' not in seen
    assert post(nurse_client, enquiry, "send").status_code == 400
    assert not OutboundEmail.objects.exists()


def test_where_email_is_not_safe_but_she_has_an_account_the_reply_goes_only_to_her_account(
    nurse_client, nurse, mother, django_capture_on_commit_callbacks
):
    enquiry = make_enquiry(nurse, safe_to_email=False)
    enquiry.user = mother
    enquiry.save()
    assert "Your reply shows only in her account" in page(nurse_client, enquiry)

    with django_capture_on_commit_callbacks(execute=True):
        post(nurse_client, enquiry, "send")

    assert mail.outbox == [] and not OutboundEmail.objects.exists()
    event = enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_OUT)
    assert event.email is None
    assert "In her account only (no email)" in page(nurse_client, enquiry)


def test_links_from_the_picker_show_as_titles_with_absolute_addresses(
    nurse_client, enquiry, django_capture_on_commit_callbacks
):
    from leaflet.models import Question, Section

    leaflet_load()
    section = Section.objects.get(slug="breastfeeding")
    question = Question.objects.exclude(anchor="").filter(section__published_at__isnull=False).first()
    keys = [f"section:{section.slug}", f"question:{question.section.slug}#{question.anchor}", "section:gone"]
    assert f'value="{keys[1]}"' in page(nurse_client, enquiry)

    with django_capture_on_commit_callbacks(execute=True):
        post(nurse_client, enquiry, "send", links=keys[:2])

    body, html = mail.outbox[0].body, mail.outbox[0].alternatives[0].content
    assert f"- {section.title}: http://127.0.0.1:8000{section.get_absolute_url()}" in body
    assert f"- {question.title}: http://127.0.0.1:8000{question.get_absolute_url()}" in body
    assert f'<a href="http://127.0.0.1:8000{section.get_absolute_url()}">{section.title}</a>' in html
    event = enquiry.events.get(kind=EnquiryEvent.Kind.MESSAGE_OUT)
    assert f"Links:\n- {section.title}: http://127.0.0.1:8000{section.get_absolute_url()}" in event.text


def test_the_preview_shows_exactly_what_is_sent_and_sending_it_sends_that(
    nurse_client, enquiry, django_capture_on_commit_callbacks
):
    response = post(nurse_client, enquiry, "preview")
    assert response["Location"] == url(enquiry, "preview/")

    preview = nurse_client.get(url(enquiry, "preview/")).content.decode()
    html = nurse_client.get(url(enquiry, "preview/email.html"))
    assert f"Your call today ({enquiry.reference})" in preview
    assert "Gentle walking is a good start." in preview
    assert "default-src 'none'" in html["Content-Security-Policy"]
    assert "script-src" not in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    saved_at = re.search(r'name="draft_saved_at" value="([^"]+)"', preview).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = nurse_client.post(url(enquiry, "send/"), {"draft_saved_at": saved_at})

    assert response.status_code == 302
    message = OutboundEmail.objects.get()
    assert message.body_html == html.content.decode()
    assert escape(message.body_text) in preview
    assert not ReplyDraft.objects.exists()


def test_a_draft_changed_after_the_preview_is_not_sent_unseen(nurse_client, enquiry):
    post(nurse_client, enquiry, "preview")
    preview = nurse_client.get(url(enquiry, "preview/")).content.decode()
    saved_at = re.search(r'name="draft_saved_at" value="([^"]+)"', preview).group(1)
    post(nurse_client, enquiry, "save", body="Something else")

    response = nurse_client.post(url(enquiry, "send/"), {"draft_saved_at": saved_at}, follow=True)

    assert not OutboundEmail.objects.exists()
    assert "The draft changed after you previewed it" in response.content.decode()


def test_the_reply_text_keeps_apostrophes_plain(nurse, enquiry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body="We'll be in touch.", links=[])
    assert "We'll be in touch." in mail.outbox[0].body
    assert "We&#x27;ll" in mail.outbox[0].alternatives[0].content


@pytest.mark.parametrize("when", ["before the reply", "after it was scheduled"])
def test_an_unsubscribe_never_stops_a_nurses_answer_to_her_question(
    nurse_client, nurse, enquiry, when, django_capture_on_commit_callbacks
):
    from portal.outbox import suppression_add
    from portal.outbox.consent import address_hash

    if when == "before the reply":
        suppression_add(address_hash=address_hash("harriet@example.net"))
    later = timezone.now() + timedelta(hours=1)
    event = services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[], send_after=later)
    if when == "after it was scheduled":
        suppression_add(address_hash=address_hash("harriet@example.net"))

    with time_machine.travel(later + timedelta(minutes=1)):
        assert email_deliver(message_id=event.email_id) is True

    (sent,) = mail.outbox
    assert sent.to == ["harriet@example.net"] and "Gentle walking" in sent.body
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_a_reply_carries_no_unsubscribe_text_or_header(nurse, enquiry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])
    (sent,) = mail.outbox
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "unsubscribe" not in sent.body.lower()
    assert "follow-up emails" not in sent.body + sent.alternatives[0].content


def test_a_reply_is_labelled_a_reply_in_the_enquirys_emails(nurse_client, nurse, enquiry):
    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])

    timeline = page(nurse_client, enquiry)
    assert "(reply)" in timeline
    assert "(follow-up)" not in timeline


@pytest.mark.parametrize("status", [Status.NEW, Status.TRIAGED, Status.IN_PROGRESS])
def test_a_reply_moves_the_enquiry_to_answered_waiting_for_her(nurse_client, nurse, status):
    enquiry = make_enquiry(nurse)
    Enquiry.objects.filter(pk=enquiry.pk).update(status=status)

    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])

    enquiry.refresh_from_db()
    assert enquiry.status == Status.ANSWERED
    change = enquiry.events.get(kind=EnquiryEvent.Kind.STATUS)
    assert (change.from_status, change.to_status, change.actor) == (status, Status.ANSWERED, nurse)
    queue = nurse_client.get("/helpline/").content.decode()
    assert "<td>Answered, waiting for her</td>" in queue


def test_a_reply_leaves_an_owed_callback_waiting(nurse, enquiry):
    Enquiry.objects.filter(pk=enquiry.pk).update(status=Status.TRIAGED)
    services.callback_schedule(enquiry=enquiry, by=nurse, due_at=timezone.now() + timedelta(days=1), assigned_to=nurse)

    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])

    enquiry.refresh_from_db()
    assert enquiry.status == Status.AWAITING_CALLBACK


def test_her_answer_moves_an_answered_enquiry_back_to_the_nurses(nurse, enquiry):
    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])

    services.enquiry_message_receive(enquiry=enquiry, text="Thank you, and is swimming fine too?")

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.reply_received_at is not None) == (Status.IN_PROGRESS, True)
    assert enquiry.events.filter(kind=EnquiryEvent.Kind.STATUS, to_status=Status.IN_PROGRESS).exists()


def test_an_answered_enquiry_can_be_closed(nurse_client, nurse, enquiry):
    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body=BODY, links=[])

    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="information_given")

    enquiry.refresh_from_db()
    assert enquiry.status == Status.CLOSED


def test_nurses_edit_follow_up_templates(nurse_client):
    template = FollowUpTemplate.objects.get(name="Information you asked for")
    response = nurse_client.post(
        f"/helpline/templates/{template.pk}/",
        {"name": template.name, "subject": "Your information", "body": "Here it is.", "is_active": "on"},
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.subject, template.body) == ("Your information", "Here it is.")


def test_nurses_write_a_new_template_and_a_blank_one_is_refused(nurse_client):
    assert nurse_client.post("/helpline/templates/new/", {"name": "", "subject": "", "body": ""}).status_code == 200
    nurse_client.post("/helpline/templates/new/", {"name": "Heparin", "subject": "About heparin", "body": "Text"})
    assert FollowUpTemplate.objects.filter(name="Heparin").exists()


def test_the_reply_views_refuse_non_nurses_and_the_wrong_method(client, nurse_client, mother, enquiry):
    client.force_login(mother)
    for path in (url(enquiry), url(enquiry, "send/")):
        assert client.post(path).status_code == 403
        assert nurse_client.get(path).status_code == 405
    for path in (url(enquiry, "preview/"), url(enquiry, "preview/email.html")):
        assert client.get(path).status_code == 403
        assert nurse_client.post(path).status_code == 405


@pytest.mark.parametrize("action", ["start", "save", "send"])
def test_an_anonymised_enquiry_takes_no_reply_or_draft(nurse_client, enquiry, action):
    from helpline.models import Enquiry

    Enquiry.objects.filter(pk=enquiry.pk).update(anonymised_at=timezone.now())
    template = FollowUpTemplate.objects.first()

    response = post(nurse_client, enquiry, action, template=template.pk)

    assert response.status_code == 400
    assert "This enquiry was anonymised" in response.content.decode()
    assert not ReplyDraft.objects.exists() and not OutboundEmail.objects.exists()
