"""Domestic abuse and messages not in English: what she sees, what is (not) emailed, and who is alerted,
on every path she writes by: the web form, a new email, her replies, and the nurse's log of a call."""

import pytest
from django.utils.html import escape

from helpline import services
from helpline.models import Channel, Enquiry, EnquiryEvent, SafetyAlert, Urgency
from helpline.triage import EXTRA_ADVICE, OTHER_LANGUAGE, SAFEGUARDING, triage
from portal.models import OutboundEmail
from tests.helpline.conftest import make_enquiry
from tests.mailboxes import make_email

from .test_email_from_her import receive
from .test_safety import URL, emails_to, html

pytestmark = pytest.mark.django_db

ABUSE = "My partner pushed me down the stairs last week and I'm scared of him. That's how my wrist broke."
READS_EMAIL = "He checks my phone and reads my emails. Can I still breastfeed on alendronate?"
POLISH_EMERGENCY = "Bardzo boli mnie głowa i widzę błyski przed oczami, jestem w 34 tygodniu ciąży"


def ask(client, captured, question, email="sam@example.net", topics=("other",)):
    data = {"name": "Sam", "email": email, "phone": "", "topics": list(topics), "question": question}
    data |= {"consent": "on", "website": ""}
    with captured(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 302
    return Enquiry.objects.latest("pk"), html(client.get(response["Location"]))


def test_words_suggesting_abuse_show_the_helpline_and_silent_solution_and_alert_the_nurses(
    client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, page = ask(client, django_capture_on_commit_callbacks, ABUSE)

    assert "0808 2000 247" in page and "press 55" in page and "999" in page
    assert enquiry.red_flag and enquiry.alerts.count() == 1
    (alert,) = emails_to(on_duty.email)
    assert "pushed" not in alert.body and "Sam" not in alert.body
    # Her acknowledgement never carries the domestic abuse advice: her inbox may not be hers alone.
    (acknowledgement,) = emails_to("sam@example.net")
    assert "0808 2000 247" not in acknowledgement.body and "Refuge" not in acknowledgement.body
    assert "possible domestic abuse" in enquiry.events.get(kind=EnquiryEvent.Kind.CREATED).text


def test_if_someone_reads_her_email_nothing_is_emailed_and_her_page_and_the_nurse_are_told_why(
    client, nurse_client, django_capture_on_commit_callbacks
):
    enquiry, page = ask(client, django_capture_on_commit_callbacks, READS_EMAIL)

    assert not OutboundEmail.objects.filter(to="sam@example.net").exists()
    assert enquiry.consent_email and not enquiry.safe_to_email and not enquiry.can_email
    assert "We have not emailed you" in page and "someone else may read your email" in page
    assert "We have sent a confirmation" not in page
    detail = html(nurse_client.get(enquiry.get_absolute_url()))
    assert "not safe to email" in detail and escape(services.NOT_EMAILED_SOMEONE_READS) in detail


def test_a_message_in_polish_shows_the_whole_safety_block_and_alerts_the_nurses_naming_the_language(
    client, nurse_client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, page = ask(client, django_capture_on_commit_callbacks, POLISH_EMERGENCY)

    assert "999" in page and "116 123" in page and "interpreter" in page
    assert enquiry.language == "Polish" and enquiry.urgency != Urgency.ROUTINE
    assert SafetyAlert.objects.filter(enquiry=enquiry).exists() and emails_to(on_duty.email)
    assert "Written in Polish" in html(nurse_client.get(enquiry.get_absolute_url()))
    assert ">Polish</span>" in html(nurse_client.get("/helpline/"))


@pytest.mark.parametrize(
    "text", ["Mae gen i boen ofnadwy yn fy nghefn ac ni allaf deimlo fy nghoesau", "میرے سینے میں درد ہے"]
)
def test_welsh_and_urdu_are_treated_the_same_way(text):
    found = triage(text)
    assert found.language in ("Welsh", "Urdu") and found.is_alarm and OTHER_LANGUAGE in found.advice


@pytest.mark.parametrize(
    "text",
    [
        "is heparin safe",
        "Thanks so much",
        "Can I take alendronate while breastfeeding?",
        "hiya, any news on my leaflet?",
        "DEXA T score -2.8 meaning?",
    ],
)
def test_short_english_messages_are_not_taken_for_another_language(text):
    assert triage(text).language == ""


def test_a_new_email_in_another_language_alerts_the_nurses_through_the_form_s_path(
    maildir, on_duty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receive(
            maildir, make_email(sender="ana@example.net", subject="Ajutor", text="Am sângerare puternică după naștere")
        )

    enquiry = Enquiry.objects.get()
    assert (enquiry.channel, enquiry.language) == (Channel.EMAIL, "Romanian")
    assert enquiry.alerts.exists() and emails_to(on_duty.email)
    (acknowledgement,) = emails_to("ana@example.net")
    assert EXTRA_ADVICE[OTHER_LANGUAGE].title.upper() in acknowledgement.body


def test_her_reply_saying_he_reads_her_email_stops_email_cancels_unsent_mail_and_alerts(
    nurse, on_duty, django_capture_on_commit_callbacks
):
    enquiry = make_enquiry(nurse)
    unsent = OutboundEmail.objects.create(
        to=enquiry.email,
        subject="Your question",
        body_text="Dear Harriet",
        template="helpline/email/follow_up",
        about_type="helpline.enquiry",
        about_id=str(enquiry.pk),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_message_receive(
            enquiry=enquiry, text="Please don't email me any more, my husband goes through my emails."
        )

    enquiry.refresh_from_db()
    unsent.refresh_from_db()
    assert not enquiry.safe_to_email and enquiry.not_emailed_because
    assert unsent.status == OutboundEmail.Status.CANCELLED
    assert enquiry.alerts.exists() and emails_to(on_duty.email)


def test_a_nurse_logging_a_letter_in_welsh_gets_the_same_triage_and_alert(
    nurse, on_duty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = make_enquiry(
            nurse,
            channel=Channel.LETTER,
            summary="Rwy'n gwaedu'n drwm ers y geni ac yn teimlo'n benysgafn iawn",
        )

    assert enquiry.language == "Welsh" and enquiry.urgency == Urgency.URGENT
    assert enquiry.alerts.exists()
    assert "written in Welsh" in enquiry.events.get(kind=EnquiryEvent.Kind.CREATED).text


def test_a_nurse_logging_a_call_about_abuse_records_it_and_stops_email(nurse):
    enquiry = make_enquiry(nurse, summary="Says her husband hits her and takes her bank card. " + READS_EMAIL)

    assert enquiry.red_flag and not enquiry.safe_to_email
    assert "possible domestic abuse" in enquiry.events.get(kind=EnquiryEvent.Kind.CREATED).text
    assert not enquiry.alerts.exists()  # she is on the phone with a nurse already


def test_the_abuse_advice_is_shipped_for_clinical_review_like_the_rest():
    from leaflet.models import ClinicalText

    text = ClinicalText.objects.get(slug=SAFEGUARDING)
    assert "0808 2000 247" in text.body and "55" in text.body and text.status == "published"
    for slug in EXTRA_ADVICE:
        assert ClinicalText.objects.filter(slug=slug, status="published").exists()


def test_the_language_detector_is_built_once_per_process():
    from helpline import language

    language.warm()
    built = language._get_detector()
    language.language_of("Nie czuję ruchów dziecka od rana")
    assert language._get_detector() is built


@pytest.mark.parametrize(
    "text",
    [
        "Mujhe bahut dard ho raha hai, delivery ke baad khoon bahut aa raha hai",
        "meri wife ko c section ke baad fever hai aur wo confused lag rahi hai",
    ],
)
def test_urdu_typed_in_latin_letters_is_not_read_as_english(text):
    # The detector alone reads these as English (a routine question) or as Czech.
    found = triage(text)
    assert found.language == "Urdu, Hindi or Punjabi (Latin letters)"
    assert found.is_alarm and OTHER_LANGUAGE in found.advice


def test_english_with_a_few_words_that_look_like_urdu_stays_english():
    assert triage("thanks hun, had my jab today and my back is ok, ke?").language == ""


def test_a_nurse_correcting_the_summary_with_what_she_said_about_her_email_stops_email(nurse):
    enquiry = make_enquiry(nurse, summary="Back pain since the birth.", safe_to_email=True, consent_email=True)
    services.enquiry_update(enquiry=enquiry, by=nurse, summary="Back pain since the birth. " + READS_EMAIL)

    enquiry.refresh_from_db()
    assert not enquiry.safe_to_email and not enquiry.can_email
    assert "Not emailed" in enquiry.events.filter(kind=EnquiryEvent.Kind.DETAILS_CORRECTED).get().text


def test_a_nurse_correcting_the_summary_into_the_words_she_used_names_her_language(nurse):
    enquiry = make_enquiry(nurse, summary="Back pain since the birth.")
    services.enquiry_update(enquiry=enquiry, by=nurse, summary="Od rana nie czuję ruchów dziecka, co mam robić?")

    enquiry.refresh_from_db()
    assert enquiry.language == "Polish"
