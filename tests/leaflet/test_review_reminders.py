import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from leaflet import selectors, services
from leaflet.models import Section
from leaflet.tasks import review_reminders_task
from portal.models import OutboundEmail
from portal.roles import Role
from tests.conftest import make_user

from .conftest import draft_fields

pytestmark = pytest.mark.django_db


def _reminders():
    return OutboundEmail.objects.filter(template="leaflet/email/review_due")


def test_editors_are_emailed_once_when_reviews_fall_due(leaflet, editor):
    second_editor = make_user("ed2@example.org", role=Role.EDITOR)
    make_user("nobody@example.org")

    report = services.review_reminders_send()

    assert report.sections == 17  # the loaded leaflet has never been reviewed online
    assert report.emails == 2
    assert sorted(_reminders().values_list("to", flat=True)) == sorted([editor.email, second_editor.email])
    message = _reminders().get(to=editor.email)
    assert message.subject == "Guidance due for review: 17 sections"
    assert f"{settings.SITE_URL}/guidance/breastfeeding/" in message.body_text
    assert f"{settings.SITE_URL}/editor/" in message.body_html

    assert services.review_reminders_send().emails == 0
    assert _reminders().count() == 2


def test_a_section_is_reminded_again_for_its_next_due_date(breastfeeding, editor, nurse):
    services.review_reminders_send()
    services.section_save_draft(
        section=breastfeeding,
        by=editor,
        **draft_fields(
            breastfeeding, body="Reviewed.", next_review_due=timezone.localdate() + datetime.timedelta(days=30)
        ),
    )
    services.section_submit(section=breastfeeding, by=editor)
    services.section_approve(section=breastfeeding, by=nurse)
    breastfeeding.refresh_from_db()
    assert breastfeeding.last_reviewed == timezone.localdate()
    assert breastfeeding not in selectors.sections_due_for_review()

    assert services.review_reminders_send(today=timezone.localdate() + datetime.timedelta(days=29)).sections == 0
    report = services.review_reminders_send(today=timezone.localdate() + datetime.timedelta(days=30))
    assert report.sections == 1


def test_drafts_never_published_are_not_reminded(leaflet, editor):
    Section.objects.all().update(next_review_due=timezone.localdate() + datetime.timedelta(days=365))
    Section.objects.create(order=99, slug="new", draft_title="New", next_review_due=timezone.localdate())
    assert services.review_reminders_send().sections == 0


def test_the_beat_task_sends_the_reminders(leaflet, editor):
    review_reminders_task()
    assert _reminders().count() == 1
    assert settings.CELERY_BEAT_SCHEDULE["leaflet-review-reminders"]["task"] == "leaflet.review_reminders"
