"""Every sentence of the printed leaflet reaches the published site.

The source is the text extracted from the designed PDF. It is cut into
fragments at sentence ends and at its own paragraph breaks (so a paragraph the
PDF split across columns or pages is checked piece by piece), normalised for
whitespace and end-of-line hyphenation, and each fragment must appear in the
text of the public pages.
"""

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from leaflet.models import Section

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "leaflet" / "content" / "source" / "leaflet.txt"

# Lines of the PDF that are page furniture, not guidance, and are left out on purpose.
EXCLUDED_LINES = {
    "dense": "a label from a picture of bone, stranded mid-paragraph by the extraction",
    ">>": "page-turn arrows",
    "CASE STUDY": "the printed label above each story; the site labels case studies itself",
}
# Running heads the PDF printed beside the text; they are section titles on the site,
# so they start a fragment of their own instead of joining the next line.
RUNNING_HEADS = {"Exercises"}
# Letters the extraction lost, restored on the site.
CORRECTIONS = {"alcohol n excessive": "alcohol in excessive"}


def _normalise(text: str) -> str:
    return " ".join(text.split())


def source_fragments() -> list[str]:
    raw = SOURCE.read_text(encoding="utf-8")
    # End-of-line hyphens in this leaflet all join compound words: keep the hyphen, drop the break.
    raw = re.sub(r"(\w)-[ \t]*\n[ \t]*(?=\w)", r"\1-", raw)
    fragments = []
    for paragraph in re.split(r"\n\s*\n", raw):
        pieces, current = [], []
        for line in paragraph.splitlines():
            line = re.sub(r"^\s*•\s*", "", line)  # bullets
            line = re.sub(r"^\s*\d\s*\t\s*", "", line)  # step numbers: the site numbers its lists
            stripped = line.strip()
            if not stripped or stripped in EXCLUDED_LINES:
                continue
            if stripped in RUNNING_HEADS:
                pieces.append(" ".join(current))
                pieces.append(stripped)
                current = []
                continue
            current.append(stripped)
        pieces.append(" ".join(current))
        for piece in pieces:
            piece = _normalise(piece)
            for wrong, right in CORRECTIONS.items():
                piece = piece.replace(wrong, right)
            fragments += [s for s in re.split(r"(?<=[.?!:])\s+", piece) if s]
    return fragments


def page_text(content: bytes) -> str:
    text = content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"</?(em|strong|a|mark|span|time|abbr|b|i)\b[^>]*>", "", text)  # inline: no break
    text = re.sub(r"<[^>]+>", " ", text)
    return _normalise(html.unescape(text))


def published_site_text(client) -> str:
    urls = [
        reverse("leaflet:home"),
        reverse("leaflet:contents"),
        reverse("leaflet:exercise-programme"),
        reverse("leaflet:case-studies"),
        reverse("leaflet:print"),
    ] + [section.get_absolute_url() for section in Section.objects.filter(published_at__isnull=False)]
    texts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(page_text(response.content))
    return "\n".join(texts)


def test_the_source_is_cut_into_many_fragments():
    fragments = source_fragments()
    assert len(fragments) > 400
    assert "Should I breastfeed?" in fragments


def test_every_sentence_of_the_leaflet_is_on_the_published_site(client, leaflet):
    site = published_site_text(client)
    missing = [fragment for fragment in source_fragments() if fragment not in site]
    assert not missing, "Missing from the site:\n" + "\n".join(f"- {m}" for m in missing)


def test_the_print_view_alone_holds_every_sentence(client, leaflet):
    """'Show it to your doctor' must be the whole leaflet, not part of it."""
    site = page_text(client.get(reverse("leaflet:print")).content) + page_text(client.get("/").content)
    missing = [fragment for fragment in source_fragments() if fragment not in site and fragment not in RUNNING_HEADS]
    # Chapter tabs ("Being a new mother", "Support") appear on section pages only.
    missing = [m for m in missing if m not in {"Being a new mother", "Support"}]
    assert not missing, "Missing from the print view:\n" + "\n".join(f"- {m}" for m in missing)


def test_the_split_breastfeeding_paragraph_is_joined(client, leaflet):
    text = page_text(client.get("/guidance/breastfeeding/").content)
    assert (
        "The thinking is that you will be making more demands on your skeleton, and bone density will take "
        "longer to improve. This is a difficult decision" in text
    )


def test_call_outs_stay_call_outs(client, leaflet):
    body = client.get("/guidance/broken-bones/").content.decode()
    assert re.search(r'<div class="admonition note">\s*<p>The good news is that fractures heal', body)


def test_a_lost_sentence_is_named(client, leaflet):
    section = Section.objects.get(slug="drugs")
    lost = "Some women need to take heparin (given by injection under the skin) to thin their blood during pregnancy."
    Section.objects.filter(pk=section.pk).update(body_html=section.body_html.replace(lost, ""))
    site = published_site_text(client)
    missing = [fragment for fragment in source_fragments() if fragment not in site]
    assert missing == [lost]
