"""A message whose words reach an alarm level is saved and alerts the nurses, whatever else is wrong with the form."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from helpline.models import DutyShift, Enquiry, EnquiryEvent, SafetyAlert, Urgency
from helpline.triage import ADVICE
from portal.models import OutboundEmail
from tests.helpline.conftest import ask_data

pytestmark = pytest.mark.django_db

URL = "/helpline/ask/"
EMERGENCY = "When I wipe I can't feel the toilet paper and peeing feels strange"
CRISIS = "I feel so low, I have thought about ending it all. I don't want to be here."


def form(**overrides):
    defaults = {"phone": "07700 900123", "preferred_times": "After 6pm", "topics": ["pain"], "question": EMERGENCY}
    return ask_data(**{**defaults, **overrides})


@pytest.fixture
def on_duty(nurse):
    now = timezone.now()
    DutyShift.objects.create(nurse=nurse, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7))
    return nurse


def send(client, captured, data, **extra):
    with captured(execute=True):
        response = client.post(URL, data, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/helpline/ask/thank-you/"
    return Enquiry.objects.get(), client.get(response["Location"]).content.decode()


def alerts_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and "enquiry on the helpline" in m.subject]


WRONG = {
    "no topic ticked": {"topics": None},
    "no consent ticked": {"consent": None},
    "a mistyped email address": {"email": "priya@example,net"},
    "a mistyped phone number": {"phone": "call me"},
    "no contact details": {"email": "", "phone": ""},
    "a question over the length limit": {"question": EMERGENCY + " " + "x" * 4000},
    "everything at once": {"topics": None, "consent": None, "email": "priya@", "phone": "", "name": "P" * 200},
}


@pytest.mark.parametrize("overrides", list(WRONG.values()), ids=list(WRONG))
def test_an_emergency_is_saved_and_alerts_the_nurses_on_duty_whatever_is_wrong_with_the_form(
    client, on_duty, overrides, django_capture_on_commit_callbacks
):
    enquiry, thanks = send(client, django_capture_on_commit_callbacks, form(**overrides))

    assert enquiry.urgency == Urgency.EMERGENCY
    assert enquiry.summary == form(**overrides)["question"]
    assert SafetyAlert.objects.filter(enquiry=enquiry).exists()
    assert len(alerts_to(on_duty)) == 1
    assert escape(ADVICE[Urgency.EMERGENCY].title) in thanks
    assert enquiry.reference in thanks


def test_without_a_topic_it_is_filed_under_other_for_a_nurse_to_change(
    client, on_duty, nurse_client, django_capture_on_commit_callbacks
):
    enquiry, _ = send(client, django_capture_on_commit_callbacks, form(topics=None))

    assert list(enquiry.topic_links.values_list("topic", flat=True)) == ["other"]
    page = nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/edit/").content.decode()
    assert 'value="other"' in page


def test_a_mistyped_email_is_kept_for_the_nurses_but_never_emailed_and_the_valid_phone_is_saved(
    client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, thanks = send(client, django_capture_on_commit_callbacks, form(email="priya@example,net"))

    assert (enquiry.email, enquiry.consent_email, enquiry.safe_to_email) == ("", False, False)
    assert (enquiry.phone, enquiry.consent_phone) == ("07700 900123", True)
    assert (enquiry.name, enquiry.preferred_times) == ("Priya", "After 6pm")
    assert not OutboundEmail.objects.filter(to__icontains="priya").exists()
    assert all("priya" not in address for m in mail.outbox for address in m.to)
    created = enquiry.events.get(kind=EnquiryEvent.Kind.CREATED)
    assert "Email address as she typed it, not used to contact her: \u201cpriya@example,net\u201d" in created.text
    assert "We could not use the email address you typed" in thanks
    assert "We have sent a confirmation" not in thanks


def test_a_valid_email_still_gets_the_advice_when_consent_was_not_ticked(
    client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, _ = send(client, django_capture_on_commit_callbacks, form(consent=None, question=CRISIS))

    assert enquiry.urgency == Urgency.CRISIS
    (acknowledgement,) = [m for m in mail.outbox if m.to == ["priya@example.net"]]
    assert ADVICE[Urgency.CRISIS].title.upper() in acknowledgement.body
    created = enquiry.events.get(kind=EnquiryEvent.Kind.CREATED)
    assert "She did not tick the box agreeing to us storing her question" in created.text


def test_with_no_way_to_reach_her_she_is_told_so_and_the_nurses_are_still_alerted(
    client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, thanks = send(client, django_capture_on_commit_callbacks, form(email="", phone=""))

    assert "You did not give us a way to reach you, so a nurse cannot reply." in thanks
    assert "A helpline nurse will reply" not in thanks
    assert "no email address or phone number" in enquiry.events.get(kind=EnquiryEvent.Kind.CREATED).text
    assert len(alerts_to(on_duty)) == 1


@pytest.mark.parametrize("limit", ["HELPLINE_ASK_LIMIT_PER_IP", "HELPLINE_ASK_LIMIT_PER_ADDRESS"])
def test_a_rate_limit_never_stops_an_emergency(client, on_duty, settings, limit, django_capture_on_commit_callbacks):
    setattr(settings, limit, 0)

    enquiry, _ = send(client, django_capture_on_commit_callbacks, form())

    assert enquiry.urgency == Urgency.EMERGENCY
    assert len(alerts_to(on_duty)) == 1
    # An ordinary question is still held back.
    assert client.post(URL, form(question="Can I take alendronate while breastfeeding?")).status_code == 429


def test_an_ordinary_question_with_a_mistake_is_still_sent_back_to_be_corrected(client):
    response = client.post(URL, form(question="Can I take alendronate while breastfeeding?", email="priya@"))

    assert response.status_code == 200
    assert not Enquiry.objects.exists()


def test_where_she_lives_is_kept_on_a_question_saved_despite_its_errors(client, django_capture_on_commit_callbacks):
    enquiry, _ = send(client, django_capture_on_commit_callbacks, form(consent=None, question=CRISIS, region="wales"))

    assert enquiry.region == "wales"
