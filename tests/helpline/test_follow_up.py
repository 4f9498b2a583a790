"""Follow-up emails from templates: only with consent, now or later, shown on the timeline with their state."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpline import services
from helpline.models import EnquiryEvent, FollowUpTemplate
from portal.models import OutboundEmail
from portal.outbox import email_deliver

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    return FollowUpTemplate.objects.get(name="Information you asked for")


def url(enquiry):
    return f"/helpline/enquiries/{enquiry.pk}/follow-up/"


def test_it_sends_a_follow_up_now_and_the_timeline_shows_it_sent(
    nurse_client, enquiry, template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = nurse_client.post(url(enquiry), {"template": template.pk, "send_after": ""})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["harriet@example.net"]
    assert mail.outbox[0].subject == "The information you asked for"
    assert "Dear Harriet Example" in mail.outbox[0].body
    assert enquiry.reference in mail.outbox[0].body
    message = OutboundEmail.objects.get()
    assert (message.kind, message.status) == (OutboundEmail.Kind.FOLLOW_UP, OutboundEmail.Status.SENT)
    assert (
        enquiry.events.get(kind=EnquiryEvent.Kind.FOLLOW_UP).text == "\u201cInformation you asked for\u201d to send now"
    )

    page = nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    assert "<strong>The information you asked for</strong>" in page
    assert '<dt>Status</dt><dd><span class="tag">Sent</span> (follow-up)</dd>' in page


def test_a_scheduled_follow_up_waits_and_the_timeline_shows_it_scheduled(
    nurse_client, enquiry, django_capture_on_commit_callbacks
):
    template = FollowUpTemplate.objects.get(name="Check-in after a week")
    in_a_week = timezone.localtime() + timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        nurse_client.post(url(enquiry), {"template": template.pk, "send_after": in_a_week.strftime("%Y-%m-%dT%H:%M")})

    assert mail.outbox == []
    message = OutboundEmail.objects.get()
    assert message.status == OutboundEmail.Status.SCHEDULED
    assert message.send_after > timezone.now() + timedelta(days=6)
    page = nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    assert '<dt>Status</dt><dd><span class="tag">Scheduled</span> (follow-up)</dd>' in page

    with time_machine.travel(in_a_week + timedelta(minutes=1)):
        assert email_deliver(message_id=message.pk) is True
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert mail.outbox[0].subject == "How are you getting on?"


@pytest.mark.parametrize(
    "overrides",
    [
        {"consent_email": False},
        {"safe_to_email": False},
        {"email": ""},
    ],
)
def test_it_refuses_without_consent_a_safe_inbox_or_an_address(nurse, template, overrides):
    enquiry = make_enquiry(nurse, **overrides)

    with pytest.raises(ValidationError) as error:
        services.follow_up_send(enquiry=enquiry, by=nurse, template=template)

    assert error.value.messages == [services.NO_EMAIL_CONSENT]
    assert not OutboundEmail.objects.exists()
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.FOLLOW_UP).exists()


def test_the_page_offers_no_follow_up_without_consent_and_refuses_a_forged_post(nurse_client, nurse, template):
    enquiry = make_enquiry(nurse, consent_email=False)

    page = nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    assert services.NO_EMAIL_CONSENT in page
    assert 'action="' + url(enquiry) + '"' not in page

    response = nurse_client.post(url(enquiry), {"template": template.pk})
    assert response.status_code == 400
    assert not OutboundEmail.objects.exists()


def test_a_send_time_in_the_past_is_refused_next_to_the_field(nurse_client, enquiry, template):
    response = nurse_client.post(url(enquiry), {"template": template.pk, "send_after": "2020-01-01T09:00"})

    assert response.status_code == 400
    assert f'<a href="#id_send_after">{services.SEND_TIME_IN_PAST}</a>' in response.content.decode()
    assert not OutboundEmail.objects.exists()


def test_a_switched_off_template_cannot_be_used(nurse, enquiry, template):
    template.is_active = False
    template.save()
    with pytest.raises(ValidationError):
        services.follow_up_send(enquiry=enquiry, by=nurse, template=template)


def test_nurses_edit_follow_up_templates(nurse_client, template):
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


def test_the_follow_up_text_keeps_apostrophes_plain(nurse, enquiry, template, django_capture_on_commit_callbacks):
    template.body = "We'll be in touch."
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_send(enquiry=enquiry, by=nurse, template=template)
    assert "We'll be in touch." in mail.outbox[0].body
    assert "We&#x27;ll" in mail.outbox[0].alternatives[0].content


def test_an_unsubscribed_address_gets_no_follow_up_and_the_timeline_says_why(
    nurse_client, enquiry, template, django_capture_on_commit_callbacks
):
    from portal.outbox import suppression_add
    from portal.outbox.consent import address_hash
    from portal.outbox.services import NOT_SENT_UNSUBSCRIBED

    suppression_add(address_hash=address_hash("harriet@example.net"))

    with django_capture_on_commit_callbacks(execute=True):
        response = nurse_client.post(url(enquiry), {"template": template.pk, "send_after": ""}, follow=True)

    assert mail.outbox == []
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.CANCELLED
    assert enquiry.events.get(kind=EnquiryEvent.Kind.FOLLOW_UP).text == (
        f"\u201cInformation you asked for\u201d: {NOT_SENT_UNSUBSCRIBED}"
    )
    assert NOT_SENT_UNSUBSCRIBED in response.content.decode()


def test_a_follow_up_carries_an_unsubscribe_link(nurse, enquiry, template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_send(enquiry=enquiry, by=nurse, template=template)
    assert "/unsubscribe/" in mail.outbox[0].body or "unsubscribe" in mail.outbox[0].body.lower()
