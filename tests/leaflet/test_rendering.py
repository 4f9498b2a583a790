import re

import pytest
from django.urls import reverse

from leaflet import rendering, services

from .conftest import draft_fields

HOSTILE = """
<script>alert('x')</script>
<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)">click</a>
[link](javascript:alert(2))
<div onclick="steal()" class="admonition evil">text</div>
<iframe src="https://example.com"></iframe>
<a href="https://example.org/" onmouseover="x()">fine link</a>
"""


def _assert_neutralised(html: str):
    lowered = html.lower()
    assert "<script" not in lowered
    assert "alert('x')" not in lowered
    assert "onerror" not in lowered
    assert "onclick" not in lowered
    assert "onmouseover" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered
    assert "evil" not in lowered


def test_hostile_markdown_is_neutralised():
    html = rendering.render(HOSTILE)
    _assert_neutralised(html)
    assert '<a href="https://example.org/" rel="noopener noreferrer">fine link</a>' in html


def test_call_outs_and_question_anchors_survive_sanitising():
    html = rendering.render('## Should I breastfeed?\n\n!!! tip ""\n    Ask for help.\n')
    assert '<h2 id="should-i-breastfeed">Should I breastfeed?</h2>' in html
    assert '<div class="admonition tip">' in html


@pytest.mark.parametrize(
    ("markdown", "heading_id"),
    [
        ('<h2 id="__proto__">Raw</h2>', "proto"),
        ('<h3 id="toString">Raw</h3>', "tostring"),
        ('<h2 id="x&quot; onclick=&quot;y">Raw</h2>', "x-onclicky"),
        ('<h2 id="___">Raw</h2>', "section"),
        ("## __proto__", "proto"),
        ("## constructor_", "constructor"),
        ("## Can I breastfeed?", "can-i-breastfeed"),
    ],
)
def test_heading_ids_are_slugs_whatever_the_editor_typed(markdown, heading_id):
    assert re.findall(r'<h[2-4] id="([^"]*)"', rendering.render(markdown)) == [heading_id]


def test_passages_split_at_questions():
    parts = rendering.passages("Opening words.\n\n## First?\n\nOne.\n\n### Sub\n\nTwo.\n\n## Second\n\nThree.")
    assert [(p.heading, p.anchor, p.text) for p in parts] == [
        ("", "", "Opening words."),
        ("First?", "first", "One. Sub Two."),
        ("Second", "second", "Three."),
    ]


@pytest.mark.django_db
def test_hostile_markdown_is_neutralised_in_preview_and_on_the_published_page(
    client, breastfeeding, editor, nurse, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    response = client.post(
        reverse("leaflet:section-edit", args=[breastfeeding.pk]),
        {**draft_fields(breastfeeding, body=HOSTILE, next_review_due=""), "preview": "1"},
    )
    assert response.status_code == 200
    _assert_neutralised(response.content.decode().split('<div class="preview" lang="en">', 1)[1])

    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body=HOSTILE))
    services.section_submit(section=breastfeeding, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.section_approve(section=breastfeeding, by=nurse)
    client.logout()
    page = client.get(breastfeeding.get_absolute_url()).content.decode()
    _assert_neutralised(page.split('class="guidance__body" lang="en">', 1)[1].split("</div>", 1)[0])
    assert "fine link" in page
