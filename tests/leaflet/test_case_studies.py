"""Case studies: a mother's words change only through a draft a second nurse approves."""

import pytest
from django.urls import reverse

from leaflet import services
from leaflet.models import CaseStudy
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

STORIES = "/guidance/stories/"


@pytest.fixture
def story(leaflet):
    return CaseStudy.objects.order_by("order").first()


def test_loaded_stories_are_live_and_waiting_for_their_first_review(client, story, editor):
    assert story.is_live and story.status == CaseStudy.Status.PUBLISHED and story.last_reviewed is None
    assert (story.draft_name, story.draft_body) == (story.name, story.body)
    client.force_login(editor)
    page = client.get(reverse("leaflet:editor")).content.decode()
    assert f'href="/editor/case-studies/{story.pk}/"' in page


def test_an_edited_story_reaches_readers_only_when_another_nurse_approves_it(
    client, story, editor, nurse, django_capture_on_commit_callbacks
):
    old_first_line = story.body.splitlines()[0]
    client.get(STORIES)  # now cached
    staff = client.__class__()
    staff.force_login(editor)
    staff.post(
        f"/editor/case-studies/{story.pk}/edit/",
        {"name": story.name, "body": "She walked again by spring.", "next_review_due": ""},
    )
    staff.post(f"/editor/case-studies/{story.pk}/submit/")
    story.refresh_from_db()
    assert story.status == CaseStudy.Status.AWAITING_REVIEW
    review = staff.get(f"/editor/case-studies/{story.pk}/").content.decode()
    assert "Added:</span> She walked again by spring." in review
    assert old_first_line in client.get(STORIES).content.decode()  # nothing public changed

    assert staff.post(f"/editor/case-studies/{story.pk}/approve/").status_code == 403  # an editor never approves
    staff.force_login(nurse)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/editor/case-studies/{story.pk}/approve/")

    story.refresh_from_db()
    assert (story.body, story.approved_by, story.last_reviewed is not None) == (
        "She walked again by spring.",
        nurse,
        True,
    )
    assert "She walked again by spring." in client.get(STORIES).content.decode()
    assert AuditEntry.objects.filter(action="leaflet.case_study_approve", actor_id=nurse.pk).exists()


def test_a_story_can_be_put_back_from_its_history(client, story, editor):
    original = story.body
    first = story.history.order_by("history_id").first().history_id
    services.clinical_item_save_draft(item=story, by=editor, name=story.name, body="Changed.", next_review_due=None)
    client.force_login(editor)
    assert f"revert/{first}/" in client.get(f"/editor/case-studies/{story.pk}/history/").content.decode()

    client.post(f"/editor/case-studies/{story.pk}/revert/{first}/")

    story.refresh_from_db()
    assert (story.draft_body, story.status) == (original, CaseStudy.Status.DRAFT)


def test_the_admin_changes_only_a_story_s_order_and_sections(client, story, admin_user):
    client.force_login(admin_user)
    page = client.get(f"/admin/leaflet/casestudy/{story.pk}/change/").content.decode()
    assert 'name="order"' in page and 'name="sections"' in page
    assert 'name="body"' not in page and 'name="draft_body"' not in page and 'name="status"' not in page
    assert client.get("/admin/leaflet/casestudy/add/").status_code == 403
