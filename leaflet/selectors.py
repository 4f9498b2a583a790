"""Reads other apps may use (the helpline links sections and organisations; keep these names)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from . import search
from .models import Organisation, SearchStat, Section


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
    today = today or timezone.localdate()
    return published_sections().filter(next_review_due__lte=today).order_by("next_review_due", "order")


def review_dates_summary() -> dict:
    """The oldest review and the soonest review due across the live guidance, for pages
    (home, contents, search) that are not a single section."""
    sections = list(published_sections().values_list("last_reviewed", "next_review_due"))
    reviewed = [r for r, _ in sections if r]
    due = [d for _, d in sections if d]
    return {
        "last_reviewed": min(reviewed) if len(reviewed) == len(sections) and reviewed else None,
        "next_review_due": min(due) if due else None,
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
