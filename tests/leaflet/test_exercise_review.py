"""The exercise programme (its safety notes, groups and exercises) changes only through clinical review."""

import pytest

from leaflet import services
from leaflet.models import Exercise, ExerciseProgramme

pytestmark = pytest.mark.django_db

PROGRAMME = "/guidance/exercises/programme/"


def test_a_change_to_the_safety_notes_reaches_readers_only_when_another_nurse_approves_it(
    client, leaflet, editor, nurse, django_capture_on_commit_callbacks
):
    programme = ExerciseProgramme.objects.get()
    assert programme.is_live and programme.draft_safety_notes == programme.safety_notes
    new_note = "Stop if any exercise hurts, and ask your physiotherapist."
    client.get(PROGRAMME)  # now cached
    staff = client.__class__()
    staff.force_login(editor)
    page = staff.get(f"/editor/exercise-programme/{programme.pk}/edit/").content.decode()
    assert "Safety notes" in page

    staff.post(
        f"/editor/exercise-programme/{programme.pk}/edit/",
        {
            "intro": programme.intro,
            "safety_notes": new_note,
            "repetition_guidance": programme.repetition_guidance,
            "next_review_due": "",
        },
    )
    staff.post(f"/editor/exercise-programme/{programme.pk}/submit/")
    assert new_note not in client.get(PROGRAMME).content.decode()

    staff.force_login(nurse)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/editor/exercise-programme/{programme.pk}/approve/")

    programme.refresh_from_db()
    assert (programme.safety_notes, programme.approved_by) == (new_note, nurse)
    assert new_note in client.get(PROGRAMME).content.decode()


def test_an_exercise_s_steps_are_edited_one_paragraph_each(client, leaflet, editor, other_nurse):
    exercise = Exercise.objects.exclude(steps=[]).order_by("group__order", "order").first()
    client.force_login(editor)
    client.post(
        f"/editor/exercises/{exercise.pk}/edit/",
        {
            "name": exercise.name,
            "instructions": exercise.instructions,
            "steps": "Breathe in slowly.\r\n\r\nBreathe out slowly.",
            "repetitions": exercise.repetitions,
            "next_review_due": "",
        },
    )
    exercise.refresh_from_db()
    assert exercise.draft_steps == ["Breathe in slowly.", "Breathe out slowly."]
    assert exercise.steps != exercise.draft_steps  # the public still sees the live steps

    services.clinical_item_step(item=exercise, by=editor, step="submit")
    services.clinical_item_step(item=exercise, by=other_nurse, step="approve")
    exercise.refresh_from_db()
    assert exercise.steps == ["Breathe in slowly.", "Breathe out slowly."]


def test_the_admin_cannot_change_the_programme_s_words(client, leaflet, admin_user):
    programme = ExerciseProgramme.objects.get()
    client.force_login(admin_user)
    page = client.get(f"/admin/leaflet/exerciseprogramme/{programme.pk}/change/").content.decode()
    assert 'name="safety_notes"' not in page
    group = programme.groups.first()
    page = client.get(f"/admin/leaflet/exercisegroup/{group.pk}/change/").content.decode()
    assert 'name="order"' in page and 'name="intro"' not in page and 'name="exercises-0-steps"' not in page
