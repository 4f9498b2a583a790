import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leaflet import search, services
from leaflet.models import Section
from portal.models import AuditEntry
from portal.roles import Role, grant_role

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

NEW_WORDS = "Zebrafinch guidance newly written for this test."


def _publish(section, editor, nurse, body):
    services.section_save_draft(section=section, by=editor, **draft_fields(section, body=body))
    services.section_submit(section=section, by=editor)
    return services.section_approve(section=section, by=nurse)


def test_a_saved_draft_is_not_on_the_public_page_or_in_search(client, breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=NEW_WORDS))
    services.section_submit(section=breastfeeding, by=editor)

    breastfeeding.refresh_from_db()
    assert breastfeeding.status == Section.Status.AWAITING_REVIEW
    assert breastfeeding.draft_body == NEW_WORDS
    page = client.get(breastfeeding.get_absolute_url()).content.decode()
    assert "Zebrafinch" not in page
    assert "This is a very personal decision." in page
    assert search.find("zebrafinch") == []
    assert "Zebrafinch" not in client.get(reverse("leaflet:search"), {"q": "zebrafinch"}).content.decode()


def test_a_section_never_published_is_not_found(client, leaflet, editor):
    Section.objects.create(order=99, slug="secret", draft_title="Secret plans", draft_body="Zebrafinch")
    assert client.get("/guidance/secret/").status_code == 404
    assert "Secret plans" not in client.get(reverse("leaflet:contents")).content.decode()
    assert search.find("zebrafinch") == []


def test_a_nurse_other_than_the_author_publishes_it_and_is_recorded(client, breastfeeding, editor, nurse):
    section = _publish(breastfeeding, editor, nurse, NEW_WORDS)

    section.refresh_from_db()
    assert section.status == Section.Status.PUBLISHED
    assert section.body == NEW_WORDS
    assert section.approved_by == nurse
    assert section.approved_at is not None
    assert section.published_author == editor
    assert section.last_reviewed == section.approved_at.date()
    page = client.get(section.get_absolute_url()).content.decode()
    assert "Zebrafinch" in page
    assert "Reviewed by Nora, helpline nurse, on" in page
    assert [r.url for r in search.find("zebrafinch")] == ["/guidance/breastfeeding/"]
    assert AuditEntry.objects.filter(action="leaflet.section_approved", actor=nurse, target_id=str(section.pk)).exists()


def test_a_nurse_cannot_approve_her_own_change(breastfeeding, nurse, other_nurse):
    grant_role(nurse, Role.EDITOR)
    services.section_save_draft(section=breastfeeding, by=nurse, **draft_fields(breastfeeding, body=NEW_WORDS))
    services.section_submit(section=breastfeeding, by=nurse)

    with pytest.raises(ValidationError) as error:
        services.section_approve(section=breastfeeding, by=nurse)
    assert error.value.messages == [services.ERROR_OWN_CHANGE]
    breastfeeding.refresh_from_db()
    assert breastfeeding.status == Section.Status.AWAITING_REVIEW
    assert "Zebrafinch" not in breastfeeding.body

    services.section_approve(section=breastfeeding, by=other_nurse)
    breastfeeding.refresh_from_db()
    assert breastfeeding.body == NEW_WORDS
    assert breastfeeding.approved_by == other_nurse


def test_an_editor_cannot_approve(breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=NEW_WORDS))
    services.section_submit(section=breastfeeding, by=editor)
    with pytest.raises(ValidationError) as error:
        services.section_approve(section=breastfeeding, by=editor)
    assert error.value.messages == [services.ERROR_NOT_NURSE]


def test_only_a_change_awaiting_review_can_be_approved(breastfeeding, editor, nurse):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=NEW_WORDS))
    with pytest.raises(ValidationError) as error:
        services.section_approve(section=breastfeeding, by=nurse)
    assert error.value.messages == ['Can\'t approve a section that is "draft".']


def test_a_change_awaiting_review_cannot_be_edited_until_withdrawn(breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=NEW_WORDS))
    services.section_submit(section=breastfeeding, by=editor)
    with pytest.raises(ValidationError) as error:
        services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="Other"))
    assert error.value.messages == [services.ERROR_AWAITING_REVIEW]

    services.section_withdraw(section=breastfeeding, by=editor)
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="Other"))
    breastfeeding.refresh_from_db()
    assert (breastfeeding.status, breastfeeding.draft_body) == (Section.Status.DRAFT, "Other")


def test_an_unchanged_draft_cannot_be_submitted(breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding))
    with pytest.raises(ValidationError) as error:
        services.section_submit(section=breastfeeding, by=editor)
    assert error.value.messages == [services.ERROR_NO_CHANGES]


def test_a_nurse_can_send_a_change_back_with_a_note(breastfeeding, editor, nurse):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=NEW_WORDS))
    services.section_submit(section=breastfeeding, by=editor)
    services.section_return(section=breastfeeding, by=nurse, note="Please cite the source.")
    breastfeeding.refresh_from_db()
    assert breastfeeding.status == Section.Status.DRAFT
    assert breastfeeding.review_note == "Please cite the source."
    assert "Zebrafinch" not in breastfeeding.body


def test_revert_restores_the_old_text(
    client, breastfeeding, editor, nurse, other_nurse, django_capture_on_commit_callbacks
):
    original = breastfeeding.body
    loaded = breastfeeding.history.earliest("history_date")
    with django_capture_on_commit_callbacks(execute=True):
        _publish(breastfeeding, editor, nurse, NEW_WORDS)
    assert "Zebrafinch" in client.get(breastfeeding.get_absolute_url()).content.decode()

    services.section_revert(section=breastfeeding, by=editor, history_id=loaded.history_id)
    breastfeeding.refresh_from_db()
    assert breastfeeding.draft_body == original
    assert breastfeeding.body == NEW_WORDS  # still needs approval
    services.section_submit(section=breastfeeding, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.section_approve(section=breastfeeding, by=other_nurse)

    breastfeeding.refresh_from_db()
    assert breastfeeding.body == original
    page = client.get(breastfeeding.get_absolute_url()).content.decode()
    assert "Zebrafinch" not in page
    assert "This is a very personal decision." in page


def test_revert_refuses_another_sections_revision(breastfeeding, editor, leaflet):
    other = Section.objects.get(slug="causes").history.first()
    with pytest.raises(ValidationError) as error:
        services.section_revert(section=breastfeeding, by=editor, history_id=other.history_id)
    assert error.value.messages == [services.ERROR_UNKNOWN_REVISION]


def test_publishing_rebuilds_the_questions(breastfeeding, editor, nurse):
    _publish(breastfeeding, editor, nurse, "Intro.\n\n## Is this a new question?\n\nYes.\n\n## Not a question\n\nNo.")
    assert [(q.title, q.anchor) for q in breastfeeding.questions.all()] == [
        ("What about breastfeeding?", ""),
        ("Is this a new question?", "is-this-a-new-question"),
    ]
