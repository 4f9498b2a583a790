"""Closed enquiries are anonymised after the retention period; the figures stay."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpline import selectors, services
from helpline.models import Enquiry, EnquiryEvent, Outcome, Status, Topic
from helpline.tasks import anonymise_closed_task
from portal.models import AuditEntry, OutboundEmail

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

PERSONAL = ("Harriet", "harriet@example.net", "07700 900123", "vertebrae", "Mornings", "Rang her")


def closed_enquiry(nurse, **overrides):
    enquiry = make_enquiry(nurse, topics=[Topic.PAIN, Topic.HEPARIN], **overrides)
    services.enquiry_note_add(enquiry=enquiry, by=nurse, text="Rang her GP surgery")
    services.callback_schedule(
        enquiry=enquiry, by=nurse, due_at=timezone.now() + timedelta(hours=1), assigned_to=nurse, note="Rang her back"
    )
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.SIGNPOSTED)
    enquiry.refresh_from_db()
    return enquiry


def everything_stored_about(enquiry) -> str:
    enquiry.refresh_from_db()
    parts = [enquiry.name, enquiry.email, enquiry.phone, enquiry.summary, enquiry.preferred_times]
    parts += list(enquiry.events.values_list("text", flat=True))
    parts += list(enquiry.callbacks.values_list("note", flat=True))
    for message in OutboundEmail.objects.filter(about_type="helpline.enquiry", about_id=str(enquiry.pk)):
        parts += [message.to, message.body_text, message.body_html]
    return " ".join(parts)


def test_it_anonymises_after_the_retention_period_keeping_the_figures(nurse, settings):
    settings.HELPLINE_RETENTION_DAYS = 30
    enquiry = closed_enquiry(nurse)
    report_before = selectors.helpline_report(weeks=12, now=timezone.now() + timedelta(days=31))
    assert any(word in everything_stored_about(enquiry) for word in PERSONAL)

    with time_machine.travel(enquiry.closed_at + timedelta(days=31)):
        assert anonymise_closed_task() == 1
        report_after = selectors.helpline_report(weeks=12)

    stored = everything_stored_about(enquiry)
    assert not any(word in stored for word in PERSONAL)
    assert enquiry.anonymised_at is not None
    # What the reports count is untouched.
    assert (enquiry.status, enquiry.outcome, enquiry.channel, enquiry.caller_type) == (
        Status.CLOSED,
        Outcome.SIGNPOSTED,
        "phone",
        "self",
    )
    assert sorted(enquiry.topic_links.values_list("topic", flat=True)) == ["heparin", "pain"]
    assert report_after.by_topic.rows == report_before.by_topic.rows
    assert report_after.by_outcome.rows == report_before.by_outcome.rows
    assert report_after.by_channel.rows == report_before.by_channel.rows
    assert report_after.median_response == report_before.median_response
    # Who did what, and when, survives.
    assert enquiry.events.filter(kind=EnquiryEvent.Kind.NOTE, actor=nurse).count() == 1
    assert enquiry.events.filter(kind=EnquiryEvent.Kind.ANONYMISED).count() == 1
    assert AuditEntry.objects.filter(action="enquiry.anonymised", target_id=str(enquiry.pk)).count() == 1


def test_running_it_twice_changes_nothing_the_second_time(nurse, settings):
    settings.HELPLINE_RETENTION_DAYS = 30
    enquiry = closed_enquiry(nurse)

    with time_machine.travel(enquiry.closed_at + timedelta(days=31)):
        assert services.enquiries_anonymise_due() == 1
        snapshot = (
            list(Enquiry.objects.values()),
            list(EnquiryEvent.objects.values()),
            AuditEntry.objects.count(),
        )
        assert services.enquiries_anonymise_due() == 0
        assert (list(Enquiry.objects.values()), list(EnquiryEvent.objects.values()), AuditEntry.objects.count()) == (
            snapshot
        )


def test_it_leaves_recently_closed_and_open_enquiries_alone(nurse, settings):
    settings.HELPLINE_RETENTION_DAYS = 30
    recent = closed_enquiry(nurse)
    still_open = make_enquiry(nurse)
    Enquiry.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - timedelta(days=400))

    with time_machine.travel(recent.closed_at + timedelta(days=29)):
        assert services.enquiries_anonymise_due() == 0

    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.name == still_open.name == "Harriet Example"


def test_unsent_follow_ups_are_cancelled_and_stripped(nurse, settings):
    from helpline.models import ReplyDraft

    settings.HELPLINE_RETENTION_DAYS = 1
    enquiry = make_enquiry(nurse)
    services.enquiry_reply_send(
        enquiry=enquiry,
        by=nurse,
        subject="Later",
        body="Her words",
        links=[],
        send_after=timezone.now() + timedelta(days=30),
    )
    services.reply_draft_save(enquiry=enquiry, by=nurse, subject="Draft", body="Unsent words", links=[])
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.INFORMATION_GIVEN)

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        services.enquiries_anonymise_due()

    message = OutboundEmail.objects.get()
    assert (message.status, message.to, message.body_text) == (OutboundEmail.Status.CANCELLED, "", "")
    assert not ReplyDraft.objects.exists()


def test_an_anonymised_enquiry_cannot_be_reopened_or_changed(nurse, settings):
    from django.core.exceptions import ValidationError

    settings.HELPLINE_RETENTION_DAYS = 1
    enquiry = closed_enquiry(nurse)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        services.enquiries_anonymise_due()

    enquiry.refresh_from_db()
    assert enquiry.allowed_transitions() == []
    for call in (
        lambda: services.enquiry_transition(enquiry=enquiry, by=nurse, action="reopen"),
        lambda: services.enquiry_note_add(enquiry=enquiry, by=nurse, text="x"),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert error.value.messages == [services.ENQUIRY_ANONYMISED]


def test_the_retention_task_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["helpline-retention"]["task"] == "helpline.anonymise_closed"


def test_a_web_enquirys_acknowledgement_is_stripped_too(nurse, settings, django_capture_on_commit_callbacks):
    settings.HELPLINE_RETENTION_DAYS = 1
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = services.enquiry_ask(
            question="My question", topics=[Topic.OTHER], email="web@example.net", name="Wendy"
        )
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.INFORMATION_GIVEN)
    assert "Wendy" in OutboundEmail.objects.get().body_text

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert services.enquiries_anonymise_due() == 1

    message = OutboundEmail.objects.get()
    assert (message.status, message.to, message.body_text, message.body_html) == (OutboundEmail.Status.SENT, "", "", "")
