"""Editors keep search's synonyms and best bets in the editor area, each change on the revision history."""

import pytest
from django.urls import reverse

from leaflet import search
from leaflet.models import BestBet, Section, Synonym

pytestmark = pytest.mark.django_db


def test_the_seeded_synonyms_map_lay_words_to_the_guidance_words(leaflet):
    assert Synonym.objects.get(term="dexa").alternatives == ["dxa", "bone density scan"]
    assert Synonym.objects.count() >= 100
    assert Synonym.history.filter(history_type="+", history_change_reason="seeded").count() == Synonym.objects.count()


def test_an_editor_adds_a_synonym_and_search_uses_it_at_once(client, editor, leaflet):
    assert search.find("zoomzoom") == []
    client.force_login(editor)
    response = client.post(reverse("leaflet:synonyms"), {"term": "  ZoomZoom ", "means": "heparin, , blood"})
    assert response.status_code == 302
    synonym = Synonym.objects.get(term="zoomzoom")
    assert synonym.means == "heparin, blood"
    assert search.find("zoomzoom")[0].url == "/guidance/drugs/"
    revision = synonym.history.get()
    assert (revision.history_type, revision.history_user) == ("+", editor)


def test_an_editor_changes_and_removes_a_synonym_on_the_revision_history(client, editor, leaflet):
    client.force_login(editor)
    synonym = Synonym.objects.get(term="brace")
    client.post(reverse("leaflet:synonym-edit", args=[synonym.pk]), {"term": "brace", "means": "heparin"})
    assert search.find("brace")[0].url == "/guidance/drugs/"
    client.post(reverse("leaflet:synonym-delete", args=[synonym.pk]))
    assert not Synonym.objects.filter(term="brace").exists()
    assert not any(r.url.startswith("/guidance/drugs/") for r in search.find("brace"))
    assert [(r.history_type, r.history_user) for r in synonym.history.order_by("history_id")][-2:] == [
        ("~", editor),
        ("-", editor),
    ]
    page = client.get(reverse("leaflet:synonyms")).content.decode()
    assert "Revision history" in page and "Deleted" in page
    # A second click on a removed synonym is a no-op.
    assert client.post(reverse("leaflet:synonym-delete", args=[synonym.pk])).status_code == 302


def test_a_synonym_term_is_unique(client, editor, leaflet):
    client.force_login(editor)
    page = client.post(reverse("leaflet:synonyms"), {"term": "Dexa", "means": "scan"}).content.decode()
    assert "There is a problem" in page
    assert Synonym.objects.get(term="dexa").means == "dxa, bone density scan"


@pytest.mark.parametrize("persona", ["nurse", "mother"])
def test_only_editors_change_synonyms_and_best_bets(client, request, leaflet, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("leaflet:synonyms"), {"term": "x", "means": "y"}).status_code == 403
    assert client.get(reverse("leaflet:best-bets")).status_code == 403
    assert not Synonym.objects.filter(term="x").exists()


def test_an_editor_pins_a_page_to_a_query_and_it_comes_first(client, editor, leaflet):
    contacts = Section.objects.get(slug="useful-contacts")
    assert search.find("breastfeeding")[0].url != contacts.get_absolute_url()
    client.force_login(editor)
    client.post(reverse("leaflet:best-bets"), {"query": "Breastfeeding!", "section": contacts.pk})
    best_bet = BestBet.objects.get(query="breastfeeding")
    results = search.find("breastfeeding")
    assert results[0].url == contacts.get_absolute_url() and results[0].best_bet
    assert [r.url for r in results].count(contacts.get_absolute_url()) == 1
    assert not search.find("breastfeeding exercises")[0].best_bet  # another query: ranked as usual
    assert "Recommended" in client.get(reverse("leaflet:search"), {"q": "breastfeeding"}).content.decode()
    assert best_bet.history.get().history_user == editor

    client.post(reverse("leaflet:best-bet-delete", args=[best_bet.pk]))
    assert search.find("breastfeeding")[0].url == "/guidance/breastfeeding/"
    assert best_bet.history.order_by("history_id").last().history_type == "-"


def test_only_a_published_page_can_be_pinned(client, editor, leaflet):
    draft = Section.objects.create(order=99, slug="draft", draft_title="Not yet public")
    client.force_login(editor)
    page = client.post(reverse("leaflet:best-bets"), {"query": "anything", "section": draft.pk}).content.decode()
    assert "There is a problem" in page
    assert not BestBet.objects.exists()
