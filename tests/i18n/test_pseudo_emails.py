"""The portal's own emails, rendered in the pseudo-locale, have no English word left unmarked."""

import pytest

from portal.outbox.services import email_render
from tests.i18n.pseudo import PSEUDO_LANGUAGE, untouched_words
from tests.i18n.visible_text import visible_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("follow_up", [False, True])
def test_the_portals_emails_are_translated(pseudo_locale, follow_up):
    kind = "follow_up" if follow_up else "transactional"
    email = email_render(
        to="anwen@example.org", template="portal/email/test_message", kind=kind, language=PSEUDO_LANGUAGE
    )
    for part, text in (
        ("subject", email["subject"]),
        ("text", email["body_text"]),
        ("html", visible_text(email["body_html"])),
    ):
        assert not untouched_words(text), f"{part}: {' '.join(untouched_words(text))}"
