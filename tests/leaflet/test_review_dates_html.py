"""The review dates on a guidance page are valid HTML `<time>` values, approval time included."""

import pytest

from leaflet import services
from tests.portal.test_html_basics import VALID_DATETIME, datetimes

from .conftest import draft_fields

pytestmark = pytest.mark.django_db


def test_the_review_dates_of_an_approved_section_are_valid(client, breastfeeding, editor, nurse):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="New words."))
    services.section_submit(section=breastfeeding, by=editor)
    services.section_approve(section=breastfeeding, by=nurse)
    html = client.get(breastfeeding.get_absolute_url()).text
    assert "Reviewed by Nora, helpline nurse, on" in html
    for value in datetimes(html):
        assert VALID_DATETIME.fullmatch(value), value
