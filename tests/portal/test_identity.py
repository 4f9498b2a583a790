"""The charity's identity comes from settings wherever the site names itself, and the
leaflet's old publisher is named only where the leaflet's own words do."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from portal.outbox import email_queue

pytestmark = pytest.mark.django_db

IDENTITY = {
    "CHARITY_NAME": "Bone Health Trust",
    "CHARITY_URL": "https://bones.example.org",
    "HELPLINE_PHONE": "0800 123 4567",
    "HELPLINE_HOURS": "Mon-Fri 10:00-16:00",
}
OLD_NAMES = ("National Osteoporosis Society", "Royal Osteoporosis Society")


@pytest.fixture
def identity(settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    return IDENTITY


def _assert_identity(text: str) -> None:
    assert "Bone Health Trust" in text
    assert "0800 123 4567" in text
    assert "Monday to Friday, 10am to 4pm" in text


def test_the_defaults_are_the_charitys_current_identity():
    assert settings.CHARITY_NAME == "Royal Osteoporosis Society"
    assert settings.CHARITY_URL == "https://theros.org.uk"
    assert settings.HELPLINE_PHONE == "0808 800 0035"
    assert settings.HELPLINE_HOURS == "Mon-Fri 09:00-17:00"


def test_header_footer_and_privacy_notice_use_the_settings(client, identity):
    page = client.get("/privacy/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    footer = page[page.index("<footer") : page.index("</footer>")]
    main = page[page.index("<main") : page.index("</main>")]
    assert "Bone Health Trust" in header
    _assert_identity(footer)
    assert 'href="tel:08001234567"' in footer
    assert 'href="https://bones.example.org"' in footer
    _assert_identity(main)
    assert 'href="https://bones.example.org"' in main
    for old in OLD_NAMES:
        assert old not in page


def test_emails_use_the_settings(identity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to="alice@example.org", template="portal/email/test_message")
    sent = mail.outbox[0]
    for part in (sent.body, sent.alternatives[0].content):
        _assert_identity(part)
        for old in OLD_NAMES:
            assert old not in part


def test_account_emails_use_the_settings(client, mother, identity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": mother.email})
    _assert_identity(mail.outbox[0].body)


def test_no_template_or_code_names_the_charity_itself():
    """Only the settings' defaults name today's charity; the 2008 name appears only in the
    leaflet's content files and in the line that says where the guidance comes from."""
    root = Path(settings.BASE_DIR)
    allowed = {
        root / "portal" / "settings.py",
        root / "leaflet" / "models.py",  # the leaflet's citation (its publisher in 2008)
    }
    offenders = []
    for app in ("portal", "leaflet", "helpline", "peers", "templates"):
        for path in (root / app).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt") or path in allowed or "migrations" in path.parts:
                continue
            if "content" in path.relative_to(root).parts[:2]:
                continue  # the leaflet's own words
            text = path.read_text(encoding="utf-8")
            if re.search("|".join(OLD_NAMES), text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
