"""Revision diffs mark the words that changed, on the review page and in the history, escaped."""

import re

import pytest
from django.urls import reverse

from leaflet import services
from leaflet.diffs import ADDED, CHANGED, REMOVED, SAME, Line, changes

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

WORDS = re.compile(r"\b[a-z]{6,}\b")


def one_word_changed(text: str, new_word: str) -> tuple[str, str, str]:
    """The text with one word of its longest paragraph changed; the paragraph and the word taken out."""
    paragraph = max(text.splitlines(), key=len)
    word = WORDS.search(paragraph).group(0)
    return text.replace(paragraph, paragraph.replace(word, new_word, 1), 1), paragraph, word


def diff_region(page: str) -> str:
    return page.split('<div class="diff"', 1)[1].split("</div>\n</div>", 1)[0]


def test_a_one_word_change_is_one_paragraph_with_that_word_marked():
    lines = changes("Take it once a week.\nKeep going.", "Take it twice a week.\nKeep going.")

    assert lines == [
        Line(CHANGED, parts=[(SAME, "Take it "), (REMOVED, "once"), (ADDED, "twice"), (SAME, " a week.")]),
        Line(SAME, "Keep going."),
    ]


def test_a_rewritten_paragraph_is_still_shown_removed_then_added():
    lines = changes("Old advice about calcium.", "Talk to your midwife first, please.")

    assert [line.kind for line in lines] == [REMOVED, ADDED]


def test_added_and_removed_paragraphs_stay_whole():
    assert changes("One.\nTwo.", "One.\nTwo.\nThree.")[-1] == Line(ADDED, "Three.")
    assert changes("One.\nTwo.", "Two.")[0] == Line(REMOVED, "One.")


def test_the_review_page_marks_the_changed_word_not_the_whole_paragraph(client, breastfeeding, editor):
    body, paragraph, word = one_word_changed(breastfeeding.draft_body, "NEWWORD")
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=body))
    client.force_login(editor)

    region = diff_region(client.get(reverse("leaflet:section-review", args=[breastfeeding.pk])).content.decode())

    assert re.search(rf'<del class="diff__words diff__words--removed">.*?{word}.*?</del>', region)
    assert re.search(r'<ins class="diff__words diff__words--added">.*?NEWWORD.*?</ins>', region)
    assert "Removed:" not in region and "Added:" not in region
    assert region.count("Changed:") == 1


def test_the_history_marks_the_changed_word_and_escapes_what_was_typed(client, breastfeeding, editor):
    body, _, word = one_word_changed(breastfeeding.draft_body, "<b>NEWWORD</b>")
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=body))
    revisions = list(breastfeeding.history.order_by("history_id"))
    client.force_login(editor)
    url = reverse("leaflet:section-history", args=[breastfeeding.pk])

    page = client.get(url, {"a": revisions[0].history_id, "b": revisions[-1].history_id}).content.decode()

    region = diff_region(page)
    assert "&lt;b&gt;NEWWORD&lt;/b&gt;" in region and "<b>NEWWORD" not in region
    assert re.search(rf"<del[^>]*>.*?{word}.*?</del>", region)
    assert "Changed:" in region and "Removed:" not in region
