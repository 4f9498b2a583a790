"""Pages obey the strict CSP and render their forms with labels."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE_TEMPLATES = [
    p for p in (Path(settings.BASE_DIR) / "peers" / "templates" / "peers").rglob("*.html") if "email" not in p.parts
]


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: p.name)
def test_no_inline_script_style_or_handlers(path):
    text = path.read_text()
    # Scripts only as static files: no inline code, and never from elsewhere.
    assert not re.search(r"<script(?![^>]*\ssrc=\"\{% static )", text)
    assert not re.search(r"<script[^>]*>[^<]+</script>", text)
    assert "style=" not in text
    assert not re.search(r"\son[a-z]+=", text)
    assert "http://" not in text and "https://" not in text


def test_the_request_form_labels_every_field(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("peers:request-new")).text
    for field in ("first_name", "fracture_kind", "timing", "contact_email", "contact_phone", "consent_share_details"):
        assert f'for="id_{field}"' in page
    assert "<legend>What would you like to talk about?</legend>" in page
    assert 'value="alice' not in page and 'value="olive@example.org"' in page


def test_the_application_form_renders_for_a_signed_in_woman(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("peers:volunteer-apply")).text
    assert "How many women could you support at once?" in page
    assert "<legend>What are you happy to talk about?</legend>" in page
