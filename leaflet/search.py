"""Site search over published content.

On PostgreSQL: full-text search on a GIN-indexed tsvector (titles weighted
above text), ranked with ts_rank, matches highlighted with ts_headline. On
SQLite (a newcomer's machine) a simpler fallback: every word must appear,
ranked by how often, highlighted in Python. Both search only SearchEntry rows,
which are built from live (published) text, so drafts can never be found.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import rendering
from .models import CaseStudy, ExerciseGroup, Organisation, SearchEntry, Section

MAX_QUERY_LENGTH = 200
# Sentinels that cannot appear in text, swapped for <mark> after escaping.
_START, _STOP = "\x02", "\x03"


@dataclass
class Result:
    title: str
    url: str
    kind: str
    snippet: SafeString


def rebuild() -> int:
    """Rebuild every search entry from the live text. Cheap: the leaflet is small."""
    entries: list[SearchEntry] = []
    for section in Section.objects.filter(published_at__isnull=False).order_by("order"):
        url = section.get_absolute_url()
        passages = rendering.passages(section.body)
        opening = passages[0].text if passages and not passages[0].heading else ""
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.SECTION,
                section=section,
                title=section.title,
                url=url,
                text=" ".join(filter(None, [section.summary, opening])),
            )
        )
        for passage in passages:
            if passage.heading:
                entries.append(
                    SearchEntry(
                        kind=SearchEntry.Kind.QUESTION,
                        section=section,
                        title=passage.heading,
                        url=f"{url}#{passage.anchor}",
                        text=passage.text,
                    )
                )
    for story in CaseStudy.objects.filter(published_at__isnull=False):
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.CASE_STUDY,
                title=story.name,
                url=story.get_absolute_url(),
                text=rendering.plain_text(story.body),
            )
        )
    for group in ExerciseGroup.objects.prefetch_related("exercises"):
        parts = [group.intro, group.callout]
        for exercise in group.exercises.all():
            parts += [exercise.name, exercise.instructions, *exercise.steps, exercise.repetitions]
        parts.append(group.closing)
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.EXERCISE,
                title=group.name,
                url=reverse("leaflet:exercise-programme") + f"#{group.kind}",
                text=rendering.plain_text("\n\n".join(p for p in parts if p)),
            )
        )
    for organisation in Organisation.objects.all():
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.ORGANISATION,
                title=organisation.name,
                url=organisation.get_absolute_url(),
                text=" ".join(filter(None, [rendering.plain_text(organisation.description), organisation.phone])),
            )
        )
    SearchEntry.objects.all().delete()
    SearchEntry.objects.bulk_create(entries)
    fill_vectors()
    return len(entries)


def fill_vectors() -> None:
    """Compute the tsvector column on PostgreSQL (titles weigh more than text)."""
    if connection.vendor == "postgresql":
        SearchEntry.objects.update(
            search=SearchVector("title", weight="A", config="english")
            + SearchVector("text", weight="B", config="english")
        )


def find(text: str, limit: int = 20) -> list[Result]:
    # PostgreSQL refuses NUL in text; a pasted or hostile query must not become a 500.
    text = " ".join(text.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    if not text:
        return []
    if connection.vendor == "postgresql":
        return _find_postgres(text, limit)
    return _find_fallback(text, limit)


def count_sections_matching(text: str) -> int:
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not text:
        return 0
    if connection.vendor == "postgresql":
        entries = SearchEntry.objects.filter(search=SearchQuery(text, search_type="websearch", config="english"))
    else:
        words = _words(text)
        if not words:
            return 0
        entries = SearchEntry.objects.all()
        for word in words:
            entries = entries.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return entries.filter(section__isnull=False).values("section").distinct().count()


def _highlight(marked: str) -> SafeString:
    return mark_safe(escape(marked).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def _find_postgres(text: str, limit: int) -> list[Result]:
    query = SearchQuery(text, search_type="websearch", config="english")
    rows = (
        SearchEntry.objects.filter(search=query)
        .annotate(
            rank=SearchRank(F("search"), query),
            headline=SearchHeadline(
                "text",
                query,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=40,
                min_words=20,
            ),
        )
        .order_by("-rank", "id")[:limit]
    )
    return [Result(row.title, row.url, row.get_kind_display(), _highlight(row.headline)) for row in rows]


def _words(text: str) -> list[str]:
    words = []
    for word in re.findall(r"\w+", text.lower()):
        # A crude stem, so "breastfeeding" also finds "breastfeed" and "breastfeeds".
        for suffix in ("ing", "es", "ed", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        if len(word) > 1 and word not in words:
            words.append(word)
    return words[:8]


def _find_fallback(text: str, limit: int) -> list[Result]:
    words = _words(text)
    if not words:
        return []
    rows = SearchEntry.objects.all()
    for word in words:
        rows = rows.filter(Q(title__icontains=word) | Q(text__icontains=word))
    scored = []
    for row in rows:
        title, body = row.title.lower(), row.text.lower()
        score = sum(3 * title.count(word) + body.count(word) for word in words)
        scored.append((-score, row.pk, row))
    scored.sort(key=lambda item: item[:2])
    return [
        Result(row.title, row.url, row.get_kind_display(), _fallback_snippet(row.text, words))
        for _, _, row in scored[:limit]
    ]


def _fallback_snippet(text: str, words: list[str]) -> SafeString:
    pattern = re.compile(r"\w*(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    first = pattern.search(text)
    start = 0 if first is None else max(0, text.rfind(" ", 0, max(0, first.start() - 80)) + 1)
    end = text.find(" ", start + 260)
    excerpt = text[start : end if end != -1 else len(text)]
    marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)
    prefix = "… " if start else ""
    suffix = " …" if end != -1 else ""
    return _highlight(prefix + marked + suffix)
