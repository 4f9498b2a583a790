"""The public "Ask a nurse" form."""

import pytest
from django.core import mail
from django.utils.html import escape

from helpline import forms
from helpline.models import Channel, Enquiry, EnquiryEvent, Status, Urgency
from helpline.triage import ADVICE
from helpline.views import RATE_LIMITED_MESSAGE
from portal.models import OutboundEmail
from tests.helpline.conftest import ask_data

pytestmark = pytest.mark.django_db

URL = "/helpline/ask/"


valid = ask_data


def html(response) -> str:
    return response.content.decode()


def test_it_logs_the_question_as_a_new_web_enquiry_and_shows_the_reference(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid())

    assert response.status_code == 302
    assert response["Location"] == "/helpline/ask/thank-you/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.channel, enquiry.status, enquiry.urgency) == (Channel.WEB, Status.NEW, Urgency.ROUTINE)
    assert (enquiry.email, enquiry.consent_email, enquiry.safe_to_email) == ("priya@example.net", True, True)
    assert sorted(enquiry.topic_links.values_list("topic", flat=True)) == ["breastfeeding", "drug_treatments"]
    assert enquiry.events.get().kind == EnquiryEvent.Kind.CREATED

    thanks = client.get(response["Location"])
    assert enquiry.reference in html(thanks)
    assert all(escape(advice.title) not in html(thanks) for advice in ADVICE.values())


def test_the_reference_is_opaque_and_never_in_a_url(client):
    response = client.post(URL, valid())
    enquiry = Enquiry.objects.get()

    assert enquiry.reference.startswith("HL-") and len(enquiry.reference) == 9
    assert enquiry.reference != f"HL-{enquiry.pk}"
    assert enquiry.reference not in response["Location"]
    assert "priya" not in response["Location"]


def test_it_sends_an_acknowledgement_with_the_reference_but_not_the_question(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid())
    enquiry = Enquiry.objects.get()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya@example.net"]
    assert enquiry.reference in message.subject and enquiry.reference in message.body
    assert "alendronate" not in message.body
    outbound = OutboundEmail.objects.get()
    assert (outbound.kind, outbound.status) == (OutboundEmail.Kind.TRANSACTIONAL, OutboundEmail.Status.SENT)


def test_a_phone_only_question_gets_no_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid(email="", phone="07700 900456"))

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.phone, enquiry.consent_phone, enquiry.consent_email) == ("07700 900456", True, False)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "", "phone": ""}, "email", forms.ASK_CONTACT_REQUIRED),
        ({"email": "not-an-address"}, "email", forms.ASK_EMAIL_INVALID),
        ({"phone": "call me maybe"}, "phone", forms.ASK_PHONE_INVALID),
        ({"question": "   "}, "question", forms.ASK_QUESTION_REQUIRED),
        ({"question": "x" * 4001}, "question", forms.ASK_QUESTION_TOO_LONG),
        ({"consent": None}, "consent", forms.ASK_CONSENT_REQUIRED),
    ],
)
def test_each_invalid_field_gets_a_clear_message_next_to_it_and_in_the_summary(client, overrides, field, message):
    response = client.post(URL, valid(**overrides))

    assert response.status_code == 200
    page = html(response)
    assert f'<a href="#id_{field}">{message}</a>' in page
    assert (
        f'<p class="error-message" id="id_{field}_error"><span class="visually-hidden">Error:</span> {message}</p>'
        in page
    )
    assert "<title>Error: Ask a nurse" in page
    assert not Enquiry.objects.exists()


def test_a_question_without_a_topic_is_saved_as_other_for_a_nurse_to_sort(client):
    response = client.post(URL, valid(topics=None))

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert list(enquiry.topic_links.values_list("topic", flat=True)) == ["other"]


def test_the_topics_say_they_are_optional(client):
    page = html(client.get(URL))
    assert "What is your question about? (optional)" in page
    assert "a nurse will choose" in page


def test_nothing_typed_is_lost_on_a_validation_error(client):
    response = client.post(
        URL, valid(consent=None, phone="07700 900789", preferred_times="Text first", safe_to_leave_message="on")
    )

    page = html(response)
    assert 'value="Priya"' in page
    assert 'value="priya@example.net"' in page
    assert 'value="07700 900789"' in page
    assert 'value="Text first"' in page
    assert ">\nCan I take alendronate while breastfeeding?</textarea>" in page
    assert 'name="topics" value="breastfeeding" id="id_topics_3" checked' in page
    assert 'name="topics" value="drug_treatments" id="id_topics_4" checked' in page
    assert 'name="safe_to_leave_message" id="id_safe_to_leave_message" checked' in page


def test_the_honeypot_turns_bots_away_without_logging_or_emailing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid(website="http://spam.example"))

    assert response.status_code == 400
    assert "We could not send your question" in html(response)
    assert not Enquiry.objects.exists()
    assert mail.outbox == []


def test_the_ip_rate_limit_answers_429_with_a_human_message(client, settings):
    settings.HELPLINE_ASK_LIMIT_PER_IP = 3
    for n in range(3):
        assert client.post(URL, valid(email=f"p{n}@example.net")).status_code == 302

    response = client.post(URL, valid(email="p4@example.net"))

    assert response.status_code == 429
    assert str(RATE_LIMITED_MESSAGE) in html(response)
    assert "<h2>Please wait before sending another question</h2>" in html(response)
    assert Enquiry.objects.count() == 3


def test_the_ip_rate_limit_counts_invalid_attempts_too(client, settings):
    settings.HELPLINE_ASK_LIMIT_PER_IP = 2
    client.post(URL, valid(consent=None))
    client.post(URL, valid(consent=None))

    assert client.post(URL, valid()).status_code == 429


def test_the_address_rate_limit_applies_across_ips(client, settings):
    settings.HELPLINE_ASK_LIMIT_PER_ADDRESS = 2
    for n in range(2):
        assert client.post(URL, valid(), REMOTE_ADDR=f"192.0.2.{n}").status_code == 302

    response = client.post(URL, valid(email="PRIYA@example.net"), REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 429
    assert Enquiry.objects.count() == 2
    # Someone else from the same place is still welcome.
    assert client.post(URL, valid(email="other@example.net"), REMOTE_ADDR="192.0.2.99").status_code == 302


@pytest.mark.parametrize(
    ("question", "urgency"),
    [
        ("I woke up with sudden severe back pain and can't stand.", Urgency.URGENT),
        ("Since yesterday I can\u2019t move my legs properly.", Urgency.EMERGENCY),
        ("I think I have lost bladder control since the fall.", Urgency.EMERGENCY),
        ("Chest pain when I breathe in.", Urgency.EMERGENCY),
    ],
)
def test_warning_signs_raise_the_urgency_and_show_the_advice(
    client, question, urgency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid(question=question, topics=["pain"]))

    enquiry = Enquiry.objects.get()
    assert (enquiry.urgency, enquiry.red_flag) == (urgency, True)
    thanks = html(client.get(response["Location"]))
    assert escape(ADVICE[urgency].title) in thanks
    (acknowledgement,) = [m for m in mail.outbox if m.to == ["priya@example.net"]]
    assert ADVICE[urgency].title.upper() in acknowledgement.body


def test_severe_pain_as_a_topic_is_urgent_even_without_a_body_part(client):
    client.post(URL, valid(question="The pain is getting worse every day.", topics=["pain"]))
    assert Enquiry.objects.get().urgency == Urgency.URGENT


def test_the_advice_shows_even_when_the_form_has_errors(client):
    response = client.post(URL, valid(question="Sudden severe back pain", consent=None, topics=["pain"]))

    assert response.status_code == 200
    assert escape(ADVICE[Urgency.URGENT].title) in html(response)


def test_the_thank_you_page_without_a_question_goes_back_to_the_form(client):
    response = client.get("/helpline/ask/thank-you/")
    assert response.status_code == 302
    assert response["Location"] == "/helpline/ask/"


def test_the_form_has_no_inline_script_or_style(client):
    page = html(client.get(URL))
    assert "<script" not in page
    assert "style=" not in page
    assert " on" + "click=" not in page
