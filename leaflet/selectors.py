"""Reads other apps may use (the helpline links sections and organisations; keep these names)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from . import search
from .health_statements import SITE_STATEMENTS
from .models import ClinicalText, Organisation, PageFeedback, Question, SearchStat, Section


def published_sections() -> QuerySet[Section]:
    """Live sections in leaflet order: `title`, `slug`, `get_absolute_url()`."""
    return Section.objects.filter(published_at__isnull=False).order_by("order")


def organisations() -> QuerySet[Organisation]:
    """Every organisation the leaflet lists: `name`, `phone`, `website`, `email`, `get_absolute_url()`."""
    return Organisation.objects.order_by("order", "name")


def published_section_count_matching(text: str) -> int:
    """How many published sections match a search phrase (0 for a blank phrase)."""
    return search.count_sections_matching(text)


def sections_due_for_review(today=None) -> QuerySet[Section]:
    """Live sections whose review is due: past or at their review date, or never given one
    (loaded from the leaflet and waiting for a first review online). Oldest due first,
    never-reviewed ones after the dated ones."""
    today = today or timezone.localdate()
    return (
        published_sections()
        .filter(Q(next_review_due__lte=today) | Q(next_review_due__isnull=True))
        .order_by(F("next_review_due").asc(nulls_last=True), "order")
    )


def review_dates_summary() -> dict:
    """How much of the live guidance has been reviewed online, for pages (home, contents,
    search, the print view) that are not a single section."""
    today = timezone.localdate()
    sections = list(published_sections().values_list("last_reviewed", "next_review_due"))
    reviewed = [r for r, _ in sections if r]
    due = [d for _, d in sections if d]
    return {
        "total": len(sections),
        "reviewed": len(reviewed),
        "never_reviewed": len(sections) - len(reviewed),
        "overdue": sum(1 for d in due if d < today),
        "last_reviewed": max(reviewed) if reviewed else None,
        "next_review_due": min(due) if due else None,
    }


def published_questions() -> QuerySet[Question]:
    """Questions answered under a heading of a live section, in leaflet order: `title`, `anchor`,
    `section.slug`, `get_absolute_url()`. Rebuilt on publish, so link them by section slug and anchor."""
    return (
        Question.objects.filter(section__published_at__isnull=False)
        .exclude(anchor="")
        .select_related("section")
        .order_by("section__order", "order")
    )


def clinical_text(slug: str, *, title: str, body: str) -> tuple[str, str]:
    """The approved (live) title and body of a clinical text, or the given shipped wording if it has none yet."""
    live = ClinicalText.objects.filter(slug=slug, published_at__isnull=False).values_list("title", "body").first()
    return live or (title, body)


def health_statements() -> dict[str, str]:
    """The site's own health statements by slug: each as clinical staff last approved it, or as shipped."""
    live = dict(
        ClinicalText.objects.filter(slug__in=SITE_STATEMENTS, published_at__isnull=False).values_list("slug", "body")
    )
    return {slug: live.get(slug, shipped.body) for slug, shipped in SITE_STATEMENTS.items()}


def clinical_texts_for_review(today=None) -> dict:
    """Clinical texts for the editors' dashboard: all, those waiting for a nurse, and those due or never reviewed."""
    today = today or timezone.localdate()
    texts = list(ClinicalText.objects.select_related("approved_by").order_by("slug"))
    return {
        "all": texts,
        "awaiting": [t for t in texts if t.status == ClinicalText.Status.AWAITING_REVIEW],
        "due": [t for t in texts if t.last_reviewed is None or (t.next_review_due and t.next_review_due <= today)],
    }


@dataclass(frozen=True)
class FailedSearch:
    query: str
    searches: int
    without_results: int
    without_click: int

    @property
    def failed(self) -> int:
        return self.without_results + self.without_click


def failed_searches(*, days: int, limit: int = 100) -> list[FailedSearch]:
    """Queries that found nothing or whose results nobody followed, most failed first.

    "Without a click" is searches with results minus clicks: a reader who follows two
    results counts twice, so it errs low. Counts only.
    """
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = (
        SearchStat.objects.filter(day__gte=since)
        .values("query")
        .annotate(searches=Sum("searches"), without_results=Sum("without_results"), clicks=Sum("clicks"))
    )
    failed = [
        FailedSearch(
            query=row["query"],
            searches=row["searches"],
            without_results=row["without_results"],
            without_click=max(row["searches"] - row["without_results"] - row["clicks"], 0),
        )
        for row in rows
    ]
    failed = [f for f in failed if f.failed]
    failed.sort(key=lambda f: (-f.failed, -f.searches, f.query))
    return failed[:limit]


@dataclass(frozen=True)
class PageAnswers:
    title: str
    yes: int
    no: int


def page_helpfulness_between(*, start: datetime.date, end: datetime.date) -> list[PageAnswers]:
    """ "Was this page helpful?" answers per guidance page from `start` up to (not including) `end`:
    counts only, pages with at least one answer, in leaflet order. One query."""
    rows = (
        PageFeedback.objects.filter(day__gte=start, day__lt=end)
        .values("section__title", "section__order")
        .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
        .order_by("section__order")
    )
    return [PageAnswers(row["section__title"], row["yes"], row["no"]) for row in rows]
