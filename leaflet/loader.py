"""Load the leaflet's content files (`leaflet/content/`) into the database.

The files are the starting point; after loading, the database is what editors
change. Re-running is safe: a section is rewritten only when its file changed
since the last load and no editor has touched the section, or when `force` is
given. Case studies, exercises and organisations are created when missing and
rewritten only with `force`.
"""

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record

from . import rendering, search
from .models import CaseStudy, Exercise, ExerciseGroup, ExerciseProgramme, IntroQuestion, Organisation, Section
from .services import section_questions_rebuild

CONTENT_DIR = Path(__file__).resolve().parent / "content"


class ContentError(Exception):
    pass


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # an editor's revision left alone

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_markdown(path: Path) -> tuple[dict, str]:
    """Split a content file into its TOML front matter (between `+++` lines) and Markdown body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("+++\n"):
        raise ContentError(f"{path.name}: must start with a +++ front matter block")
    end = text.find("\n+++\n", 4)
    if end == -1:
        raise ContentError(f"{path.name}: front matter is not closed with +++")
    try:
        meta = tomllib.loads(text[4:end])
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: {exc}") from exc
    return meta, text[end + 5 :].strip() + "\n"


def _edited_by_someone(section: Section) -> bool:
    return any([section.draft_author_id, section.published_author_id, section.approved_by_id])


def _write_section(section: Section, meta: dict, body: str, digest: str) -> None:
    now = timezone.now()
    sources = "\n".join(meta.get("evidence_sources", []))
    section.part = meta.get("part", "")
    section.title = section.draft_title = meta["title"]
    section.summary = section.draft_summary = meta.get("summary", "")
    section.body = section.draft_body = body
    section.body_html = rendering.render(body)
    section.evidence_sources = section.draft_evidence_sources = sources
    section.last_reviewed = meta.get("last_reviewed")
    # With no recorded review there is no review date: the words are the 2008 leaflet's,
    # waiting for their first review online (see selectors.sections_due_for_review), not
    # "due" on whatever day they happened to be loaded.
    section.next_review_due = section.draft_next_review_due = meta.get("next_review_due")
    section.reviewer_name = section.reviewer_role = ""
    section.review_reminder_sent_on = None
    section.status = Section.Status.PUBLISHED
    section.published_at = now
    section.approved_by = section.draft_author = section.published_author = None
    section.approved_at = section.submitted_at = None
    section.draft_updated_at = now
    section.review_note = ""
    section.loaded_hash = digest
    section._change_reason = "loaded from the content files"
    section.save()
    section_questions_rebuild(section=section)


def _load_sections(content_dir: Path, force: bool, report: LoadReport) -> None:
    for path in sorted((content_dir / "sections").glob("*.md")):
        meta, body = read_markdown(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        section = Section.objects.select_for_update().filter(slug=meta["slug"]).first()
        if section is None:
            _write_section(Section(order=meta["order"], slug=meta["slug"]), meta, body, digest)
            report.created.append(f"section {meta['slug']}")
        elif section.loaded_hash == digest and not force:
            report.unchanged.append(f"section {meta['slug']}")
        elif _edited_by_someone(section) and not force:
            report.kept.append(f"section {meta['slug']}")
        else:
            _write_section(section, meta, body, digest)
            report.updated.append(f"section {meta['slug']}")


def _load_intro_questions(content_dir: Path, report: LoadReport) -> None:
    wanted = []
    for order, item in enumerate(tomllib.loads((content_dir / "home.toml").read_text())["intro_question"], 1):
        slug, _, anchor = item["answer"].partition("#")
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            raise ContentError(f"home.toml: no section {slug!r} for {item['text']!r}")
        wanted.append((order, item["text"], section.pk, anchor))
    current = list(IntroQuestion.objects.order_by("order").values_list("order", "text", "section_id", "anchor"))
    if current == wanted:
        report.unchanged.append("intro questions")
        return
    IntroQuestion.objects.all().delete()
    IntroQuestion.objects.bulk_create(IntroQuestion(order=o, text=t, section_id=s, anchor=a) for o, t, s, a in wanted)
    report.updated.append("intro questions")


def _load_case_studies(content_dir: Path, force: bool, report: LoadReport) -> None:
    for path in sorted((content_dir / "case-studies").glob("*.md")):
        meta, body = read_markdown(path)
        story = CaseStudy.objects.filter(slug=meta["slug"]).first()
        if story is not None and not force:
            report.unchanged.append(f"case study {meta['slug']}")
            continue
        created = story is None
        story = story or CaseStudy(slug=meta["slug"])
        story.order = meta["order"]
        story.name, story.body = story.draft_name, story.draft_body = meta["name"], body
        story.status = CaseStudy.Status.PUBLISHED
        story.published_at = story.published_at or timezone.now()
        story._change_reason = "loaded from the content files"
        story.save()
        story.sections.set(Section.objects.filter(slug__in=meta.get("sections", [])))
        (report.created if created else report.updated).append(f"case study {meta['slug']}")


def _published(model, fields: dict) -> dict:
    """A loaded item's fields, live and with a working copy equal to the live text."""
    drafts = {
        f"draft_{name}": fields.get(name, model._meta.get_field(name).get_default()) for name in model.CLINICAL_FIELDS
    }
    return {**fields, **drafts, "status": model.Status.PUBLISHED, "published_at": timezone.now()}


def _load_exercises(content_dir: Path, force: bool, report: LoadReport) -> None:
    if ExerciseProgramme.objects.exists() and not force:
        report.unchanged.append("exercise programme")
        return
    data = tomllib.loads((content_dir / "exercises.toml").read_text(encoding="utf-8"))
    existed = ExerciseProgramme.objects.exists()
    ExerciseProgramme.objects.all().delete()
    programme = ExerciseProgramme.objects.create(**_published(ExerciseProgramme, data["programme"]))
    for order, group_data in enumerate(data["group"], 1):
        exercises = group_data.pop("exercise", [])
        group = ExerciseGroup.objects.create(programme=programme, order=order, **_published(ExerciseGroup, group_data))
        for number, exercise in enumerate(exercises, 1):
            Exercise.objects.create(group=group, order=number, **_published(Exercise, exercise))
    (report.updated if existed else report.created).append("exercise programme")


def _load_organisations(content_dir: Path, force: bool, report: LoadReport) -> None:
    data = tomllib.loads((content_dir / "organisations.toml").read_text(encoding="utf-8"))
    for order, item in enumerate(data["organisation"], 1):
        organisation = Organisation.objects.filter(slug=item["slug"]).first()
        if organisation is not None and not force:
            report.unchanged.append(f"organisation {item['slug']}")
            continue
        created = organisation is None
        organisation = organisation or Organisation(slug=item["slug"])
        for name, value in {**item, "order": order}.items():
            setattr(organisation, name, value)
        # The leaflet's details, as printed in 2008: nobody has checked them since.
        organisation.details_checked_on = organisation.details_checked_by = None
        organisation.full_clean()
        organisation.save()
        (report.created if created else report.updated).append(f"organisation {item['slug']}")


def content_load(*, force: bool = False, content_dir: Path = CONTENT_DIR, by=None) -> LoadReport:
    """Load every content file in one transaction; see the module docstring for the rules."""
    report = LoadReport()
    with transaction.atomic():
        _load_sections(content_dir, force, report)
        _load_intro_questions(content_dir, report)
        _load_case_studies(content_dir, force, report)
        _load_exercises(content_dir, force, report)
        _load_organisations(content_dir, force, report)
        if report.changed:
            search.rebuild()
            audit_record(
                action="leaflet.content_loaded", actor=by, created=len(report.created), updated=len(report.updated)
            )
    return report
