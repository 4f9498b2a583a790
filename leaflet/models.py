"""The leaflet as structured content.

A Section carries two copies of its text: the live fields the public reads
(`title`, `body`, ...) and a working copy editors change (`draft_*`). A change
reaches the live fields only through `leaflet.services.section_approve`, when a
nurse other than its author approves it, so a draft is never visible to the
public or to search. Questions and search entries are derived from the live
text each time a section is published; nobody edits them directly.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

# The section whose page lists the organisations.
CONTACTS_SLUG = "useful-contacts"

# Where the loaded words come from. The publisher's name is the one the leaflet was
# published under; the charity's current name is a setting (CHARITY_NAME).
# Translators: keep the leaflet's title and the society's name in English: they name a printed leaflet.
LEAFLET_CITATION = gettext_lazy(
    "the leaflet ‘Pregnancy and osteoporosis’, National Osteoporosis Society, December 2008"
)
LEAFLET_YEAR = 2008


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    AWAITING_REVIEW = "awaiting_review", gettext_lazy("Awaiting clinical review")
    PUBLISHED = "published", gettext_lazy("Published")


# What pages call each clinical field (lazy: in the reader's language): its edit form's label and
# its heading in a review. The fields' verbose_names stay as they are (migrations record them).
CLINICAL_FIELD_NAMES = {
    "title": gettext_lazy("title"),
    "body": gettext_lazy("body"),
    "sources": gettext_lazy("sources"),
    # Translators: a case study's, exercise group's or exercise's name.
    "name": gettext_lazy("name"),
    "intro": gettext_lazy("intro"),
    "safety_notes": gettext_lazy("safety notes"),
    "repetition_guidance": gettext_lazy("repetition guidance"),
    "callout": gettext_lazy("callout"),
    "closing": gettext_lazy("closing"),
    "instructions": gettext_lazy("instructions"),
    "steps": gettext_lazy("steps"),
    "repetitions": gettext_lazy("repetitions"),
}


class ClinicallyReviewed(models.Model):
    """What every piece of clinical content carries for its draft, second-person review and publish workflow.

    Each subclass keeps a live copy (what the public sees) and a working copy
    (`draft_*`), and says how they compare (`draft_matches_live`) and how the
    working copy goes live (`publish_draft`); `leaflet.workflow` does the rest.
    """

    Status = ReviewStatus

    published_at = models.DateTimeField(null=True, blank=True)
    published_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Who signed the live text off, as they were named at the time (shown to the public).
    reviewer_name = models.CharField(max_length=300, blank=True)
    reviewer_role = models.CharField(max_length=100, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    # Empty for text loaded from the leaflet and never reviewed online: it is waiting for its
    # first review, which is not the same as being due on the day it was loaded.
    next_review_due = models.DateField(null=True, blank=True)
    # The day editors were last reminded about this review (weekly until it is done).
    review_reminder_sent_on = models.DateField(null=True, blank=True, editable=False)

    status = models.CharField(max_length=20, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    draft_next_review_due = models.DateField(null=True, blank=True)
    draft_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    draft_updated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    # The live fields clinical staff change, each with its working copy `draft_<name>`.
    CLINICAL_FIELDS: tuple[str, ...] = ()
    # What pages and messages call one (lazy: in the reader's language). Not verbose_name, which
    # also names audit actions and must stay the same in every language.
    NOUN = gettext_lazy("item")
    # The working-copy fields a revision puts back (see leaflet.workflow.revert).
    DRAFT_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        return self.published_at is not None

    @property
    def reviewed_online(self) -> bool:
        return self.last_reviewed is not None

    @property
    def review_overdue(self) -> bool:
        """Past its review date: from the day after the date it was due."""
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    def draft_matches_live(self) -> bool:
        return (
            self.is_live
            and all(getattr(self, f"draft_{name}") == getattr(self, name) for name in self.CLINICAL_FIELDS)
            and self.draft_next_review_due in (None, self.next_review_due)
        )

    def publish_draft(self) -> None:
        """Copy the working copy onto the live fields."""
        for name in self.CLINICAL_FIELDS:
            setattr(self, name, getattr(self, f"draft_{name}"))


class Section(ClinicallyReviewed):
    order = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    part = models.CharField(max_length=200, blank=True, help_text="The leaflet chapter this section belongs to.")

    # Live: what the public reads. Written only when a change is approved.
    title = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    evidence_sources = models.TextField(blank=True)
    # Fingerprint of the content file the loader last wrote here (see leaflet.loader).
    loaded_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Working copy: what editors change, then submit for clinical review.
    draft_title = models.CharField(max_length=200)
    draft_summary = models.TextField(blank=True)
    draft_body = models.TextField(blank=True)
    draft_evidence_sources = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["body_html", "review_reminder_sent_on", "loaded_hash"])

    class Meta:
        ordering = ["order"]
        indexes = [
            models.Index(fields=["status"], name="leaflet_section_status_idx"),
            models.Index(fields=["next_review_due"], name="leaflet_section_review_idx"),
        ]
        constraints = [
            # Anything the public can see must have a title and have been approved.
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | ~models.Q(title=""),
                name="leaflet_section_published_has_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.draft_title

    def get_absolute_url(self) -> str:
        return reverse("leaflet:section", args=[self.slug])

    CLINICAL_FIELDS = ("title", "summary", "body", "evidence_sources")
    NOUN = gettext_lazy("section")
    DRAFT_FIELDS = ("draft_title", "draft_summary", "draft_body", "draft_evidence_sources")

    def publish_draft(self) -> None:
        from . import rendering

        super().publish_draft()
        self.body_html = rendering.render(self.body)


class ClinicalText(ClinicallyReviewed):
    """A short piece of clinical wording shown outside the guidance pages (safety advice, health
    statements), under the same draft, second-nurse approval and review-date workflow.

    Other apps ship their wording in code, seed it here with a data migration and read it
    through `leaflet.selectors.clinical_text`, which falls back to the shipped wording.
    """

    slug = models.SlugField(max_length=80, unique=True)
    purpose = models.CharField(max_length=300, blank=True, help_text="Where the portal shows this text.")

    # Live: what the public reads.
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    sources = models.TextField(blank=True)

    # Working copy.
    draft_title = models.CharField(max_length=200)
    draft_body = models.TextField(blank=True)
    draft_sources = models.TextField(blank=True)

    CLINICAL_FIELDS = ("title", "body", "sources")
    NOUN = gettext_lazy("clinical text")
    DRAFT_FIELDS = ("draft_title", "draft_body", "draft_sources")

    history = HistoricalRecords(excluded_fields=["review_reminder_sent_on"])

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title or self.draft_title


class Question(models.Model):
    """A question the leaflet answers: a section whose title is a question, or a
    `## heading` inside a section. Rebuilt from the live text on publish."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    anchor = models.SlugField(max_length=200, blank=True)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="leaflet_question_order_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        url = self.section.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


class IntroQuestion(models.Model):
    """One of the six questions the leaflet's introduction asks, linked to its answer."""

    order = models.PositiveSmallIntegerField(unique=True)
    text = models.CharField(max_length=300)
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    anchor = models.SlugField(max_length=200, blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        url = self.section.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


class CaseStudy(ClinicallyReviewed):
    """A mother's story from the leaflet. Its words change only through clinical review; its
    order and the sections it is shown beside are not clinical and may change in the admin."""

    order = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    sections = models.ManyToManyField(Section, related_name="case_studies", blank=True)

    # Live: what the public reads.
    name = models.CharField(max_length=100)
    body = models.TextField()

    # Working copy.
    draft_name = models.CharField(max_length=100, blank=True)
    draft_body = models.TextField(blank=True)

    CLINICAL_FIELDS = ("name", "body")
    NOUN = gettext_lazy("case study")
    DRAFT_FIELDS = ("draft_name", "draft_body")

    history = HistoricalRecords(excluded_fields=["review_reminder_sent_on"])

    class Meta:
        ordering = ["order"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.name or self.draft_name

    def get_absolute_url(self) -> str:
        return reverse("leaflet:case-studies") + f"#{self.slug}"


class ExerciseProgramme(ClinicallyReviewed):
    """The programme-wide text: one row. Groups hang off it in order. Every text field of the
    programme, its groups and exercises is clinical: it changes only through clinical review."""

    intro = models.TextField(blank=True)
    safety_notes = models.TextField()
    repetition_guidance = models.TextField()

    draft_intro = models.TextField(blank=True)
    draft_safety_notes = models.TextField(blank=True)
    draft_repetition_guidance = models.TextField(blank=True)

    CLINICAL_FIELDS = ("intro", "safety_notes", "repetition_guidance")
    NOUN = gettext_lazy("exercise programme")
    DRAFT_FIELDS = ("draft_intro", "draft_safety_notes", "draft_repetition_guidance")

    history = HistoricalRecords(excluded_fields=["review_reminder_sent_on"])

    def __str__(self) -> str:
        return "Exercise programme"


class ExerciseGroup(ClinicallyReviewed):
    class Kind(models.TextChoices):
        BREATHING = "breathing", gettext_lazy("Breathing")
        RELAXATION = "relaxation", gettext_lazy("Relaxation")
        SITTING = "sitting", gettext_lazy("Sitting")
        LYING = "lying", gettext_lazy("Lying down")
        STANDING = "standing", gettext_lazy("Standing")

    STRENGTH_KINDS = (Kind.SITTING, Kind.LYING, Kind.STANDING)

    programme = models.ForeignKey(ExerciseProgramme, on_delete=models.CASCADE, related_name="groups")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind, unique=True)
    name = models.CharField(max_length=120)
    intro = models.TextField(blank=True)
    callout = models.TextField(blank=True)
    closing = models.TextField(blank=True)

    draft_name = models.CharField(max_length=120, blank=True)
    draft_intro = models.TextField(blank=True)
    draft_callout = models.TextField(blank=True)
    draft_closing = models.TextField(blank=True)

    CLINICAL_FIELDS = ("name", "intro", "callout", "closing")
    NOUN = gettext_lazy("exercise group")
    DRAFT_FIELDS = ("draft_name", "draft_intro", "draft_callout", "draft_closing")

    history = HistoricalRecords(excluded_fields=["review_reminder_sent_on"])

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name or self.draft_name

    @property
    def is_strength(self) -> bool:
        return self.kind in self.STRENGTH_KINDS


class Exercise(ClinicallyReviewed):
    group = models.ForeignKey(ExerciseGroup, on_delete=models.CASCADE, related_name="exercises")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120, blank=True)
    instructions = models.TextField(blank=True)
    steps = models.JSONField(default=list, blank=True, help_text="Numbered steps, in order (Markdown each).")
    repetitions = models.TextField(blank=True)

    draft_name = models.CharField(max_length=120, blank=True)
    draft_instructions = models.TextField(blank=True)
    draft_steps = models.JSONField(default=list, blank=True)
    draft_repetitions = models.TextField(blank=True)

    CLINICAL_FIELDS = ("name", "instructions", "steps", "repetitions")
    NOUN = gettext_lazy("exercise")
    DRAFT_FIELDS = ("draft_name", "draft_instructions", "draft_steps", "draft_repetitions")

    history = HistoricalRecords(excluded_fields=["review_reminder_sent_on"])

    class Meta:
        ordering = ["group__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["group", "order"], name="leaflet_exercise_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.group.name} exercise {self.order}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        HELPLINE = "helpline", gettext_lazy("Helpline")
        SUPPORT = "support", gettext_lazy("Support group")
        ADVICE = "advice", gettext_lazy("Advice")
        BENEFITS = "benefits", gettext_lazy("Benefits advice")

    order = models.PositiveSmallIntegerField(default=0)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    description = models.TextField(blank=True)
    # Contact details are shown as links only once a nurse has checked they still work;
    # until then they are the 2008 leaflet's and labelled so.
    details_checked_on = models.DateField(null=True, blank=True)
    details_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # New details someone proposed, waiting for a nurse other than the proposer to approve them.
    proposed_name = models.CharField(max_length=200, blank=True)
    proposed_phone = models.CharField(max_length=40, blank=True)
    proposed_website = models.URLField(blank=True)
    proposed_email = models.EmailField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    # The fields a proposal can change.
    DETAIL_FIELDS = ("name", "phone", "website", "email")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leaflet:section", args=[CONTACTS_SLUG]) + f"#{self.slug}"

    @property
    def website_label(self) -> str:
        return self.website.split("//", 1)[-1].rstrip("/")

    @property
    def details_checked(self) -> bool:
        return self.details_checked_on is not None

    @property
    def has_proposal(self) -> bool:
        return self.proposed_at is not None


class SearchEntry(models.Model):
    """One searchable passage of published content (a section's opening, a
    question's answer, a case study, an exercise group). Derived data: rebuilt
    from the live text on publish and by the loader."""

    class Kind(models.TextChoices):
        SECTION = "section", gettext_lazy("Section")
        QUESTION = "question", gettext_lazy("Question")
        CASE_STUDY = "case_study", gettext_lazy("Case study")
        EXERCISE = "exercise", gettext_lazy("Exercise")
        ORGANISATION = "organisation", gettext_lazy("Contact")

    kind = models.CharField(max_length=16, choices=Kind)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ContentVersion(models.Model):
    """One row naming the current version of everything the public reads.

    Cached pages, kept search results and the search index are keyed by it
    (leaflet/cache.py, leaflet/search.py); every search rebuild replaces it. It lives
    here, not in Redis, so a publish made while Redis is unavailable is not lost: once
    Redis is back, no page cached before the publish is ever served again. A new random
    token per change, so a database restored from a backup never meets pages cached
    under a later version.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class Synonym(models.Model):
    """Words people search with, and the guidance's words they mean.

    Editors keep these in the editor area; search reads them (leaflet.search).
    `means` lists alternatives separated by commas, each one word or a phrase
    the guidance uses: "dexa" means "dxa, bone density scan".
    """

    term = models.CharField(max_length=100, unique=True, help_text="What people type, in lower case.")
    means = models.CharField(max_length=300, help_text="The guidance's words for it, separated by commas.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.means}"

    @property
    def alternatives(self) -> list[str]:
        return [part.strip() for part in self.means.split(",") if part.strip()]


class BestBet(models.Model):
    """An editor's pin: this query shows this section first."""

    query = models.CharField(max_length=100, unique=True, help_text="The search, as people type it.")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["query"]

    def __str__(self) -> str:
        return self.query


class SearchStat(models.Model):
    """How often one normalised query was searched on one day, found nothing, or led to a click.

    Counts only: no address, account or session, and never a query holding an
    email address, a phone number or a name the portal holds (see
    leaflet.services.search_record). Rows older than 90 days are purged (search_stats_purge).
    """

    day = models.DateField()
    query = models.CharField(max_length=100)
    searches = models.PositiveIntegerField(default=0)
    without_results = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="leaflet_searchstat_day_query_unique")]
        indexes = [models.Index(fields=["day"], name="leaflet_searchstat_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.query}"


class PageFeedback(models.Model):
    """One reader's answer to "Was this page helpful?" on a guidance page.

    Stores no personal data: no account, session, IP address or time of day (the
    day only), and a comment holding an email address or a phone number is refused
    before it is stored (leaflet.helpfulness).
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="feedback")
    day = models.DateField()
    helpful = models.BooleanField()
    # What was missing, in the reader's words: only with a "No".
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["section", "day"], name="leaflet_feedback_section_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(helpful=False) | models.Q(comment=""), name="leaflet_feedback_comment_only_with_no"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section_id} {'yes' if self.helpful else 'no'} {self.day}"
