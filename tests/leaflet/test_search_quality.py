"""How well search answers the questions mothers ask: the same test on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from leaflet import search

from .search_questions import QUESTIONS

pytestmark = pytest.mark.django_db


def _page(url: str) -> str:
    return url.split("#", 1)[0].removeprefix("/guidance/").strip("/")


def test_nine_in_ten_questions_are_answered_in_the_first_three_results(leaflet):
    ranks, misses = [], []
    for question, pages in QUESTIONS:
        found = [_page(r.url) for r in search.find(question)]
        rank = next((i for i, page in enumerate(found, start=1) if page in pages), None)
        ranks.append(rank)
        if rank is None or rank > 3:
            misses.append(f"{question!r}: {found[:3]}")
    top3 = sum(1 for r in ranks if r and r <= 3) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    print(f"\n{connection.vendor}: {len(ranks)} questions, top three {top3:.1%}, MRR {mrr:.3f}")
    print("\n".join(misses))
    assert len(QUESTIONS) >= 80
    assert top3 >= 0.9, misses
    assert all(ranks), "a question the guidance answers found nothing"
