import pytest
from django.urls import reverse

from leaflet import search, selectors
from leaflet.models import SearchEntry, Section

pytestmark = pytest.mark.django_db


def test_breastfeed_finds_the_breastfeeding_answer_first(leaflet):
    results = search.find("breastfeed")
    assert results[0].url == "/guidance/breastfeeding/"
    assert results[0].title == "What about breastfeeding?"
    assert "<mark>" in results[0].snippet
    assert len(results) > 2


def test_the_fallback_also_ranks_the_breastfeeding_answer_first(leaflet):
    results = search._find_fallback("breastfeed", 20)
    assert results[0].url == "/guidance/breastfeeding/"
    assert "<mark>breastfeed</mark>" in results[0].snippet or "<mark>breastfeeding</mark>" in results[0].snippet


@pytest.mark.postgres
def test_postgres_uses_the_gin_indexed_full_text_search(leaflet):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'leaflet_searchentry_search_gin'")
        assert "USING gin (search)" in cursor.fetchone()[0]
    assert not SearchEntry.objects.filter(search__isnull=True).exists()
    # Stemming: "fractured" finds "fractures"; the headline marks the stemmed match.
    results = search._find_postgres("fractured hip", 20)
    assert results
    assert "<mark>" in results[0].snippet


def test_highlights_escape_what_the_text_contains(leaflet):
    SearchEntry.objects.create(kind="section", title="Odd", url="/x/", text="breastfeed <b>bold</b> & more")
    search.fill_vectors()
    snippets = [r.snippet for r in search.find("breastfeed") if r.url == "/x/"]
    assert snippets
    assert "<b>" not in snippets[0]


def test_a_query_matching_nothing_finds_nothing(leaflet):
    assert search.find("xylophone") == []
    assert search.find("   ") == []


def test_the_search_page_lists_ranked_highlighted_results(client, leaflet):
    response = client.get(reverse("leaflet:search"), {"q": "breastfeed"})
    body = response.content.decode()
    assert response.status_code == 200
    first = body.index('<ol class="search-results">')
    assert body.index('href="/guidance/breastfeeding/"', first) < body.index(
        'href="/guidance/normal-pregnancy/"', first
    )
    assert "<mark>" in body


def test_the_search_page_says_when_nothing_matched(client, leaflet):
    body = client.get(reverse("leaflet:search"), {"q": "xylophone"}).content.decode()
    assert "No results for ‘xylophone’" in body


def test_search_input_is_escaped(client, leaflet):
    body = client.get(reverse("leaflet:search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in body


def test_published_section_count_matching(leaflet):
    assert selectors.published_section_count_matching("breastfeed") >= 3
    assert selectors.published_section_count_matching("xylophone") == 0
    assert selectors.published_section_count_matching("") == 0
    Section.objects.create(order=99, slug="draft", draft_title="Xylophone", draft_body="xylophone")
    assert selectors.published_section_count_matching("xylophone") == 0
