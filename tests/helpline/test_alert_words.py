"""The safety alert email's words: the first alert, the first alert with nobody on duty, and the
reminder when nobody claims it each say what is happening, and every alert says why it was raised."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpline import services
from helpline.alert_words import Moment, alert_words
from helpline.models import Enquiry, SafetyAlert, Urgency

from .test_safeguarding_and_language import ABUSE
from .test_safeguarding_and_language import ask as ask_about
from .test_safety import ask, emails_to

pytestmark = pytest.mark.django_db

ROUTINE_IN_POLISH = "Czy mogę brać alendronian podczas karmienia piersią? Dziękuję bardzo za pomoc."


def test_the_first_alert_with_nobody_on_duty_is_not_called_still_unclaimed(
    client, nurse, admin_user, django_capture_on_commit_callbacks
):
    ask(client, Urgency.EMERGENCY, django_capture_on_commit_callbacks)

    for person in (nurse, admin_user):
        (alert,) = emails_to(person.email)
        assert "Still unclaimed" not in alert.subject and "not been claimed" not in alert.body
        assert alert.subject == "Emergency enquiry on the helpline, nobody on duty: please claim it"
        assert "has just arrived and nobody is on duty" in alert.body


def test_the_first_alert_to_the_nurse_on_duty_and_the_reminder_have_their_own_words(
    client, settings, on_duty, django_capture_on_commit_callbacks
):
    settings.HELPLINE_ALERT_ESCALATE_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(client, Urgency.CRISIS, django_capture_on_commit_callbacks)
    later = start + timedelta(minutes=15, seconds=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.safety_alerts_escalate_due()

    first, reminder = emails_to(on_duty.email)
    assert first.subject == "Crisis enquiry on the helpline: please claim it"
    assert "has just arrived while you are on duty" in first.body
    assert "If nobody claims it within 15 minutes" in first.body
    assert reminder.subject == "Still unclaimed after 15 minutes: Crisis enquiry on the helpline"
    assert "arrived 15 minutes ago and nobody has claimed it yet" in reminder.body
    assert "has just arrived" not in reminder.body


def test_an_alert_for_words_suggesting_abuse_says_safeguarding_not_urgent(
    client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, _ = ask_about(client, django_capture_on_commit_callbacks, ABUSE)

    assert enquiry.urgency == Urgency.URGENT  # the level alone would have said "Urgent"
    (alert,) = emails_to(on_duty.email)
    assert alert.subject == "Safeguarding concern on the helpline: please claim it"
    assert "Urgent" not in alert.subject + alert.body
    assert "may point to a safeguarding concern" in alert.body
    for personal in ("pushed", "partner", "Sam", "sam@example.net", enquiry.reference, "abuse"):
        assert personal not in alert.subject + alert.body


def test_an_alert_for_a_message_not_in_english_says_so_without_naming_the_language(
    client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, _ = ask_about(client, django_capture_on_commit_callbacks, ROUTINE_IN_POLISH)

    assert enquiry.language == "Polish"
    (alert,) = emails_to(on_duty.email)
    assert alert.subject == "Enquiry not in English on the helpline: please claim it"
    assert "Urgent" not in alert.subject + alert.body and "Polish" not in alert.subject + alert.body
    assert "not written in English" in alert.body


def test_an_emergency_with_words_suggesting_abuse_gives_both_reasons():
    alert = SafetyAlert(level=Urgency.EMERGENCY, safeguarding=True, raised_at=timezone.now())

    words = alert_words(alert, moment=Moment.ON_DUTY, minutes=15, now=timezone.now(), advised=True)

    assert words["subject"] == "Emergency enquiry, safeguarding concern on the helpline: please claim it"
    assert "marked it Emergency" in " ".join(words["paragraphs"])
    assert "safeguarding concern" in " ".join(words["paragraphs"])


def test_a_nurse_raising_the_urgency_alerts_without_saying_she_was_shown_advice(
    client, nurse, on_duty, django_capture_on_commit_callbacks
):
    ask(client, Urgency.ROUTINE, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_urgency_change(
            enquiry=Enquiry.objects.get(), by=nurse, urgency=Urgency.EMERGENCY, reason="She rang back: numb legs"
        )

    alert = [m for m in emails_to(on_duty.email) if "helpline" in m.subject][-1]
    assert alert.subject == "Emergency enquiry on the helpline: please claim it"
    assert "shown the advice" not in alert.body and "numb" not in alert.body
