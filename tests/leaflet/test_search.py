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


@pytest.mark.parametrize(
    "question, first_page",
    [
        ("calcium tablets", "/guidance/treatments/#what-about-calcium-and-vitamin-d"),
        ("dexa scan", "/guidance/diagnosis/"),
        ("should I stop breastfeeding", "/guidance/breastfeeding/"),
        ("should I breastfeed", "/guidance/breastfeeding/"),
    ],
)
def test_the_questions_that_used_to_find_nothing_find_their_answer_first(leaflet, question, first_page):
    assert search.find(question)[0].url == first_page


@pytest.mark.parametrize(
    "question", ["does pregnancy weaken your bones", "helpline phone number", "breastfeading", "my broken back"]
)
def test_a_question_the_guidance_answers_never_finds_nothing(leaflet, question):
    assert search.find(question)


def test_question_words_and_words_the_guidance_does_not_use_do_not_empty_the_results(leaflet):
    plain = search.find("breastfeeding")
    wordy = search.find("please can I ask what my zorblax says about breastfeeding")
    assert wordy[0].url == plain[0].url == "/guidance/breastfeeding/"


def test_a_passage_answering_more_of_the_question_ranks_higher(leaflet):
    urls = [r.url for r in search.find("calcium breastfeeding")]
    # Both words are in the breastfeeding answer; only one is in most other passages.
    assert urls[0] == "/guidance/breastfeeding/"


def test_a_misspelt_word_is_corrected_to_the_guidance_word(leaflet):
    outcome = search.run("osteoperosis breastfeading")
    assert outcome.corrected == "osteoporosis breastfeeding"
    assert outcome.results[0].url == "/guidance/breastfeeding/"
    assert search.run("osteoperosis", correct=False).corrected is None


def test_the_results_page_says_what_it_searched_for_and_offers_the_words_as_typed(client, leaflet):
    body = client.get(reverse("leaflet:search"), {"q": "breastfeading"}).content.decode()
    assert "Showing results for <strong>breastfeeding</strong>" in body
    assert 'href="/search/?q=breastfeading&amp;exact=1"' in body
    exact = client.get(reverse("leaflet:search"), {"q": "breastfeading", "exact": "1"}).content.decode()
    assert "Showing results for" not in exact
    assert "No results for ‘breastfeading’" in exact


def test_highlights_escape_what_the_text_contains(leaflet):
    SearchEntry.objects.create(kind="section", title="Odd", url="/x/", text="zebrafinch <b>bold</b> & more")
    snippets = [r.snippet for r in search.find("zebrafinch") if r.url == "/x/"]
    assert snippets == ["<mark>zebrafinch</mark> &lt;b&gt;bold&lt;/b&gt; &amp; more"]


def test_a_query_matching_nothing_finds_nothing(leaflet):
    assert search.find("xylophone") == []
    assert search.find("   ") == []
    assert search.find("the and of") == []


def test_the_search_page_lists_ranked_highlighted_results(client, leaflet):
    response = client.get(reverse("leaflet:search"), {"q": "breastfeed"})
    body = response.content.decode()
    assert response.status_code == 200
    first = body.index('<ol class="search-results">')
    assert body.index("to=/guidance/breastfeeding/", first) < body.index("to=/guidance/normal-pregnancy/", first)
    assert "<mark>" in body


def test_the_search_page_says_when_nothing_matched(client, leaflet):
    body = client.get(reverse("leaflet:search"), {"q": "xylophone"}).content.decode()
    assert "No results for ‘xylophone’" in body


def test_search_input_is_escaped(client, leaflet):
    body = client.get(reverse("leaflet:search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in body


def test_a_nul_in_the_query_is_not_an_error(client, leaflet):
    assert client.get(reverse("leaflet:search"), {"q": "bone\x00s"}).status_code == 200


def test_published_section_count_matching(leaflet):
    assert selectors.published_section_count_matching("breastfeed") >= 3
    assert selectors.published_section_count_matching("xylophone") == 0
    assert selectors.published_section_count_matching("") == 0
    Section.objects.create(order=99, slug="draft", draft_title="Xylophone", draft_body="xylophone")
    assert selectors.published_section_count_matching("xylophone") == 0


def test_a_repeated_search_is_served_from_the_cache_and_still_counted(client, leaflet, django_assert_num_queries):
    from leaflet.models import SearchStat

    first = client.get(reverse("leaflet:search"), {"q": "calcium"}).content
    with django_assert_num_queries(1):  # count the search
        again = client.get(reverse("leaflet:search"), {"q": "calcium"}).content
    assert again == first
    assert SearchStat.objects.get(query="calcium").searches == 2


def test_a_kept_search_page_follows_a_change_to_the_synonyms(client, editor, leaflet):
    from leaflet import services

    assert "No results for ‘zoomzoom’" in client.get(reverse("leaflet:search"), {"q": "zoomzoom"}).content.decode()
    services.synonym_save(synonym=None, term="zoomzoom", means="heparin", by=editor)
    assert "No results" not in client.get(reverse("leaflet:search"), {"q": "zoomzoom"}).content.decode()


def test_a_search_naming_someone_is_not_kept_in_the_cache(client, leaflet, monkeypatch):
    from django.core.cache import cache

    kept = []
    original_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, *a, **kw: kept.append(value) or original_set(key, value, *a, **kw)
    )
    client.get(reverse("leaflet:search"), {"q": "call 07700 900123 about calcium"})
    client.get(reverse("leaflet:search"), {"q": "calcium"})
    contents = [getattr(value, "content", b"") for value in kept]
    assert any(b"calcium" in content for content in contents)  # a query naming no one is kept
    assert not any(b"07700" in content for content in contents)


def test_the_corrected_query_reads_as_typed(leaflet):
    assert search.run("x-ray osteoperosis 2024").corrected == "x-ray osteoporosis 2024"
