import shutil

import pytest
from django.core.management import call_command

from leaflet import services
from leaflet.loader import CONTENT_DIR, ContentError, content_load, read_markdown
from leaflet.models import CaseStudy, Exercise, ExerciseGroup, IntroQuestion, Organisation, Question, Section

from .conftest import draft_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit_file(content_dir, name, old, new):
    path = content_dir / "sections" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_it_loads_the_whole_leaflet():
    report = content_load()
    assert len(report.created) == 17 + 3 + 1 + 5
    assert Section.objects.filter(published_at__isnull=False).count() == 17
    assert list(Section.objects.values_list("slug", flat=True)[:3]) == [
        "what-is-osteoporosis",
        "osteoporosis-associated-with-pregnancy",
        "bones-during-a-womans-life",
    ]
    assert CaseStudy.objects.count() == 3
    assert list(ExerciseGroup.objects.values_list("kind", flat=True)) == [
        "breathing",
        "relaxation",
        "sitting",
        "lying",
        "standing",
    ]
    assert Exercise.objects.get(name="Back muscles").steps[0].startswith("Take your hands")
    assert set(Organisation.objects.values_list("slug", flat=True)) >= {"nct", "pippin", "citizens-advice"}
    assert IntroQuestion.objects.count() == 6
    assert Question.objects.filter(
        title="Should I take a drug treatment to strengthen my bones if I have osteoporosis associated with pregnancy?"
    ).exists()


def test_every_intro_question_links_to_an_anchor_that_exists(client):
    content_load()
    for question in IntroQuestion.objects.select_related("section"):
        page = client.get(question.section.get_absolute_url()).content.decode()
        if question.anchor:
            assert f'id="{question.anchor}"' in page, question.text


def test_running_it_again_changes_nothing():
    content_load()
    revisions = Section.history.count()
    ids = list(Section.objects.values_list("pk", "draft_body"))

    report = content_load()

    assert report.created == [] and report.updated == [] and report.kept == []
    assert Section.history.count() == revisions
    assert list(Section.objects.values_list("pk", "draft_body")) == ids


def test_the_management_command_runs_twice(capsys):
    call_command("leaflet_load")
    call_command("leaflet_load")
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_a_changed_file_updates_a_section_no_editor_touched(content_copy):
    content_load(content_dir=content_copy)
    _edit_file(content_copy, "06-drugs.md", "Some women need to take heparin", "Some women must take heparin")

    report = content_load(content_dir=content_copy)

    assert report.updated == ["section drugs"]
    assert "Some women must take heparin" in Section.objects.get(slug="drugs").body


def test_it_keeps_an_editors_revision_unless_forced(content_copy, editor):
    content_load(content_dir=content_copy)
    section = Section.objects.get(slug="drugs")
    services.section_save_draft(section=section, by=editor, **draft_fields(section, body="The editor's words."))
    _edit_file(content_copy, "06-drugs.md", "Some women need to take heparin", "Some women must take heparin")

    report = content_load(content_dir=content_copy)

    assert report.kept == ["section drugs"]
    section.refresh_from_db()
    assert section.draft_body == "The editor's words."
    assert "Some women need to take heparin" in section.body

    report = content_load(content_dir=content_copy, force=True)
    assert "section drugs" in report.updated
    section.refresh_from_db()
    assert "Some women must take heparin" in section.body
    assert section.draft_body == section.body
    assert section.draft_author is None


def test_a_broken_file_is_reported(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("no front matter here")
    with pytest.raises(ContentError, match="must start with a \\+\\+\\+ front matter block"):
        read_markdown(path)
