"""The privacy notice says how long things are kept, taken from the settings the retention jobs use."""

import pytest

from portal.views import period_text

pytestmark = pytest.mark.django_db


def test_the_notice_states_the_retention_periods_from_settings(client, settings):
    settings.HELPLINE_RETENTION_DAYS = 3 * 365
    settings.PEERS_RETENTION_DAYS = 180
    page = client.get("/privacy/").content.decode()
    assert "until 3 years after the enquiry is closed" in page
    assert "until 6 months after they end" in page
    assert "after 30 minutes without activity (15 minutes for staff)" in page
    assert page.count("<h1>") == 1


def test_the_notice_links_to_her_data_and_deletion(client):
    page = client.get("/privacy/").content.decode()
    assert 'href="/account/"' in page
    assert "Delete your account" in page


@pytest.mark.parametrize(
    ("days", "text"),
    [(730, "2 years"), (365, "1 year"), (90, "3 months"), (30, "1 month"), (10, "10 days"), (1, "1 day")],
)
def test_periods_read_naturally(days, text):
    assert period_text(days) == text
