import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.beat import Scheduler
from django.conf import settings
from django.utils import timezone

from leaflet import selectors, services
from leaflet.models import ClinicalText, Section
from leaflet.tasks import review_reminders_task
from portal.celery import app as celery_app
from portal.models import OutboundEmail
from portal.roles import Role
from tests.conftest import make_user

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


def _reminders():
    return OutboundEmail.objects.filter(template="leaflet/email/review_due")


def _review(section, editor, nurse, *, due: datetime.date | None = None):
    services.section_save_draft(
        section=section, by=editor, **draft_fields(section, body=section.body + "\nReviewed.", next_review_due=due)
    )
    services.section_submit(section=section, by=editor)
    services.section_approve(section=section, by=nurse)


def test_editors_are_emailed_about_pages_never_reviewed_online(leaflet, editor):
    second_editor = make_user("ed2@example.org", role=Role.EDITOR)
    make_user("nobody@example.org")

    report = services.review_reminders_send()

    assert report.sections == 17  # the loaded leaflet has never been reviewed online
    assert report.emails == 2
    assert sorted(_reminders().values_list("to", flat=True)) == sorted([editor.email, second_editor.email])
    message = _reminders().get(to=editor.email)
    assert message.subject == f"Guidance due for review: 17 sections and {ClinicalText.objects.count()} clinical texts"
    assert "What about breastfeeding? (from the 2008 leaflet, never reviewed online)" in message.body_text
    assert f"{settings.SITE_URL}/guidance/breastfeeding/" in message.body_text
    assert f"{settings.SITE_URL}/editor/" in message.body_html
    assert "reminded every week until a nurse approves each review" in message.body_text

    assert services.review_reminders_send().emails == 0  # not again the same week
    assert _reminders().count() == 2


def test_reminders_repeat_weekly_until_a_nurse_approves_the_review(leaflet, editor, nurse):
    today = timezone.localdate()
    assert services.review_reminders_send(today=today).sections == 17
    assert services.review_reminders_send(today=today + datetime.timedelta(days=6)).sections == 0
    assert services.review_reminders_send(today=today + datetime.timedelta(days=7)).sections == 17

    _review(Section.objects.get(slug="breastfeeding"), editor, nurse)
    report = services.review_reminders_send(today=today + datetime.timedelta(days=14))
    assert report.sections == 16
    assert "breastfeeding" not in _reminders().order_by("-pk").first().body_text


def test_a_section_is_reminded_again_from_its_next_due_date(breastfeeding, editor, nurse):
    today = timezone.localdate()
    Section.objects.exclude(pk=breastfeeding.pk).update(next_review_due=today + datetime.timedelta(days=365))
    services.review_reminders_send()
    _review(breastfeeding, editor, nurse, due=today + datetime.timedelta(days=30))
    breastfeeding.refresh_from_db()
    assert breastfeeding.last_reviewed == today
    assert breastfeeding not in selectors.sections_due_for_review()

    assert services.review_reminders_send(today=today + datetime.timedelta(days=29)).sections == 0
    report = services.review_reminders_send(today=today + datetime.timedelta(days=30))
    assert report.sections == 1
    assert "What about breastfeeding? (due " in _reminders().order_by("-pk").first().body_text


def test_drafts_never_published_are_not_reminded(leaflet, editor):
    Section.objects.all().update(next_review_due=timezone.localdate() + datetime.timedelta(days=365))
    Section.objects.create(order=99, slug="new", draft_title="New", next_review_due=timezone.localdate())
    assert services.review_reminders_send().sections == 0


def test_the_beat_task_sends_the_reminders(leaflet, editor):
    review_reminders_task()
    assert _reminders().count() == 1


def test_beat_fires_the_reminders_on_schedule_weekly_until_resolved(leaflet, editor, nurse):
    """Celery beat's own scheduler, ticking through eight days with the configured entry."""
    with time_machine.travel(MONDAY, tick=False):
        beat = Scheduler(celery_app, lazy=True)
        beat.merge_inplace({"leaflet-review-reminders": celery_app.conf.beat_schedule["leaflet-review-reminders"]})
        assert beat.tick() > 0  # nothing is due the moment beat starts
    assert _reminders().count() == 0

    sent_on = []
    for hour in range(1, 8 * 24 + 1):
        moment = MONDAY + datetime.timedelta(hours=hour, seconds=hour)
        with time_machine.travel(moment, tick=False):
            if hour == 3 * 24:
                _review(Section.objects.get(slug="breastfeeding"), editor, nurse)
            before = _reminders().count()
            beat.tick()
            if _reminders().count() > before:
                sent_on.append(timezone.localdate())
    assert sent_on == [MONDAY.date(), MONDAY.date() + datetime.timedelta(days=7)]
    first, second = _reminders().order_by("pk")
    assert first.subject == f"Guidance due for review: 17 sections and {ClinicalText.objects.count()} clinical texts"
    assert second.subject == f"Guidance due for review: 16 sections and {ClinicalText.objects.count()} clinical texts"
