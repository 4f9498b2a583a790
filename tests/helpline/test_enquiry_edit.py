"""Correcting an enquiry's details after logging: what a nurse typed wrongly can be put right."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpline import services
from helpline.models import EnquiryEvent, EnquiryTopic, Outcome, Status, Topic, Urgency
from portal.models import AuditEntry, OutboundEmail

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


def url(enquiry):
    return f"/helpline/enquiries/{enquiry.pk}/edit/"


def detail_url(enquiry):
    return f"/helpline/enquiries/{enquiry.pk}/"


def as_posted(enquiry, **changes):
    """The edit form as the nurse submits it: every field as it stands, with her changes."""
    data = {
        "channel": enquiry.channel,
        "caller_type": enquiry.caller_type,
        "name": enquiry.name,
        "email": enquiry.email,
        "phone": enquiry.phone,
        "topics": list(enquiry.topic_links.values_list("topic", flat=True)),
        "summary": enquiry.summary,
        "preferred_times": enquiry.preferred_times,
        "region": enquiry.region,
    }
    for flag in ("consent_email", "consent_phone", "safe_to_email", "safe_to_leave_message"):
        if getattr(enquiry, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def schedule_follow_up(enquiry, nurse):
    return services.enquiry_reply_send(
        enquiry=enquiry,
        by=nurse,
        subject="Checking in",
        body="How are you?",
        links=[],
        send_after=timezone.now() + timedelta(days=7),
    ).email


def test_the_form_opens_filled_in_with_what_was_logged(nurse_client, enquiry):
    page = nurse_client.get(url(enquiry)).content.decode()

    assert 'value="harriet@example.net"' in page
    assert 'value="07700 900123"' in page
    assert "Broke two vertebrae" in page
    assert 'name="urgency"' not in page
    assert 'name="status"' not in page


def test_opening_the_form_is_audited_as_a_view_of_the_enquiry(nurse, nurse_client, enquiry):
    nurse_client.get(url(enquiry))

    entry = AuditEntry.objects.get(action="enquiry.viewed")
    assert (entry.actor, entry.target_id) == (nurse, str(enquiry.pk))


def test_the_enquiry_page_links_to_the_edit_form(nurse_client, enquiry):
    page = nurse_client.get(detail_url(enquiry)).content.decode()

    assert f'href="{url(enquiry)}"' in page


def test_a_correction_shows_on_the_enquiry_page(nurse_client, enquiry):
    response = nurse_client.post(
        url(enquiry),
        as_posted(enquiry, email="harriet.e@example.net", phone="07700 900999", topics=[Topic.PAIN, Topic.EXERCISE]),
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(enquiry)
    page = nurse_client.get(detail_url(enquiry)).content.decode()
    assert "Details corrected." in page
    assert "<dd>harriet.e@example.net</dd>" in page
    assert "<dd>07700 900999</dd>" in page
    assert "<dd>Exercise, Pain</dd>" in page


def test_the_timeline_names_the_changed_fields_and_never_their_values(nurse_client, enquiry):
    nurse_client.post(url(enquiry), as_posted(enquiry, email="harriet.e@example.net", name="Harriet Sample"))

    event = enquiry.events.get(kind=EnquiryEvent.Kind.DETAILS_CORRECTED)
    assert event.text == "Corrected: name, email."
    for value in ("harriet", "Harriet", "Sample", "Example", "example.net"):
        assert value not in event.text
    page = nurse_client.get(detail_url(enquiry)).content.decode()
    assert "Details corrected" in page and "Corrected: name, email." in page


def test_the_correction_is_audited_with_field_names_only(nurse, enquiry):
    services.enquiry_update(enquiry=enquiry, by=nurse, email="harriet.e@example.net", phone="07700 900999")

    entry = AuditEntry.objects.get(action="enquiry.details_corrected")
    assert entry.actor == nurse
    assert entry.target_id == str(enquiry.pk)
    assert entry.detail["fields"] == ["email", "phone"]
    assert "example.net" not in str(entry.detail) and "900999" not in str(entry.detail)


def test_saving_without_changes_records_nothing(nurse_client, enquiry):
    response = nurse_client.post(url(enquiry), as_posted(enquiry))

    assert response.status_code == 302
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.DETAILS_CORRECTED).exists()
    assert not AuditEntry.objects.filter(action="enquiry.details_corrected").exists()


def test_correcting_details_is_not_counted_as_a_first_response(nurse):
    enquiry = make_enquiry(nurse, channel="email")

    services.enquiry_update(enquiry=enquiry, by=nurse, phone="07700 900999")

    enquiry.refresh_from_db()
    assert enquiry.first_response_at is None


def test_an_anonymised_enquiry_cannot_be_corrected(nurse, nurse_client, enquiry):
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.SIGNPOSTED)
    services.enquiry_erase(enquiry=enquiry)

    with pytest.raises(ValidationError, match="anonymised"):
        services.enquiry_update(enquiry=enquiry, by=nurse, email="new@example.net")

    response = nurse_client.post(url(enquiry), as_posted(enquiry, email="new@example.net", summary="x"), follow=True)
    assert "This enquiry has been anonymised and can no longer be changed." in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.email == ""
    assert 'href="' + url(enquiry) + '"' not in nurse_client.get(detail_url(enquiry)).content.decode()


def test_a_closed_enquiry_can_still_be_corrected(nurse, enquiry):
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.SIGNPOSTED)

    services.enquiry_update(enquiry=enquiry, by=nurse, email="harriet.e@example.net", topics=[Topic.EXERCISE])

    enquiry.refresh_from_db()
    assert enquiry.email == "harriet.e@example.net"
    # The open queue's topic filter must not find a closed enquiry through its new topic.
    assert EnquiryTopic.objects.get(enquiry=enquiry).enquiry_open is False


def test_a_new_topic_on_an_open_enquiry_is_found_by_the_open_queue(nurse, enquiry):
    services.enquiry_update(enquiry=enquiry, by=nurse, topics=[Topic.PAIN, Topic.HEPARIN])

    links = dict(EnquiryTopic.objects.filter(enquiry=enquiry).values_list("topic", "enquiry_open"))
    assert links == {Topic.PAIN: True, Topic.HEPARIN: True}


@pytest.mark.parametrize("who", ["mother", "editor", "volunteer"])
def test_only_helpline_staff_may_correct_an_enquiry(client, request, enquiry, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(enquiry)).status_code in (403, 404)
    response = client.post(url(enquiry), as_posted(enquiry, email="attacker@example.net"))

    assert response.status_code in (403, 404)
    enquiry.refresh_from_db()
    assert enquiry.email == "harriet@example.net"


def test_status_and_urgency_cannot_be_changed_through_the_form(nurse_client, enquiry):
    nurse_client.post(url(enquiry), as_posted(enquiry, status=Status.CLOSED, urgency=Urgency.URGENT, name="H"))

    enquiry.refresh_from_db()
    assert (enquiry.name, enquiry.status, enquiry.urgency) == ("H", Status.NEW, Urgency.ROUTINE)


def test_the_service_refuses_fields_it_does_not_correct(nurse, enquiry):
    with pytest.raises(TypeError):
        services.enquiry_update(enquiry=enquiry, by=nurse, status=Status.CLOSED)


def test_bad_input_shows_the_errors_and_keeps_what_was_typed(nurse_client, enquiry):
    response = nurse_client.post(
        url(enquiry), as_posted(enquiry, email="not-an-address", name="Harriet Typed", topics=[], summary="")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the right format, like name@example.com." in page
    assert "Choose at least one topic." in page
    assert "Write a short summary of the enquiry." in page
    assert 'value="not-an-address"' in page
    assert 'value="Harriet Typed"' in page
    enquiry.refresh_from_db()
    assert enquiry.email == "harriet@example.net"


def test_changing_her_email_cancels_unsent_mail_to_the_old_address(nurse, nurse_client, enquiry):
    follow_up = schedule_follow_up(enquiry, nurse)
    reminder = services.callback_schedule(
        enquiry=enquiry, by=nurse, due_at=timezone.now() + timedelta(hours=1), assigned_to=nurse
    )
    services.callback_reminders_send_due(now=reminder.due_at + timedelta(minutes=1))
    nurse_reminder = OutboundEmail.objects.get(to=nurse.email)
    assert nurse_reminder.status == OutboundEmail.Status.SCHEDULED

    response = nurse_client.post(url(enquiry), as_posted(enquiry, email="harriet.e@example.net"), follow=True)

    follow_up.refresh_from_db()
    assert follow_up.status == OutboundEmail.Status.CANCELLED
    assert follow_up.last_error == services.CANCELLED_EMAIL_CORRECTED
    # The nurse's own reminder about the enquiry is not hers to lose.
    nurse_reminder.refresh_from_db()
    assert nurse_reminder.status == OutboundEmail.Status.SCHEDULED
    page = response.content.decode()
    assert "1 unsent email to her old address was cancelled" in page
    assert "1 unsent email to her old address cancelled." in enquiry.events.get(kind="details_corrected").text


def test_withdrawing_email_consent_cancels_unsent_mail_to_her(nurse, enquiry):
    follow_up = schedule_follow_up(enquiry, nurse)

    correction = services.enquiry_update(enquiry=enquiry, by=nurse, safe_to_email=False)

    follow_up.refresh_from_db()
    assert follow_up.status == OutboundEmail.Status.CANCELLED
    assert correction.emails_cancelled == 1


def test_a_correction_that_adds_a_red_flag_makes_the_enquiry_urgent(nurse_client, enquiry):
    response = nurse_client.post(
        url(enquiry), as_posted(enquiry, summary="Sudden numbness in both legs since this morning."), follow=True
    )

    enquiry.refresh_from_db()
    assert (enquiry.urgency, enquiry.red_flag) == (Urgency.EMERGENCY, True)
    assert "the enquiry is now urgent" in response.content.decode()
    text = enquiry.events.get(kind="details_corrected").text
    assert "Safety triage: Emergency.\nweakness, numbness or tingling in both legs" in text


def test_a_correction_never_lowers_urgency_or_clears_a_red_flag(nurse):
    enquiry = make_enquiry(nurse, urgency=Urgency.URGENT, summary="She has a fever and back pain.")
    assert enquiry.red_flag

    services.enquiry_update(enquiry=enquiry, by=nurse, summary="She asked about exercise.")

    enquiry.refresh_from_db()
    assert (enquiry.urgency, enquiry.red_flag) == (Urgency.URGENT, True)


def test_a_red_flag_the_nurse_already_judged_does_not_override_her_urgency(nurse):
    enquiry = make_enquiry(nurse, urgency=Urgency.SOON, summary="Had a fever last month, now fine.")

    services.enquiry_update(enquiry=enquiry, by=nurse, summary="Had a fever last month, now fine. Asks about exercise.")

    enquiry.refresh_from_db()
    assert enquiry.urgency == Urgency.SOON


def test_a_nurse_can_correct_where_she_lives(nurse_client, enquiry):
    response = nurse_client.post(url(enquiry), as_posted(enquiry, region="north_east"))

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.region == "north_east"
    assert "<dd>North East England</dd>" in nurse_client.get(detail_url(enquiry)).content.decode()
    assert enquiry.events.get(kind=EnquiryEvent.Kind.DETAILS_CORRECTED).text == "Corrected: where she lives."
