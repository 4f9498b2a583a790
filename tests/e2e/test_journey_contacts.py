"""A nurse works through what may be out of date and checks a 2008 phone number; a reader
then finds it clickable. Every page on the way passes axe at WCAG 2.2 AA."""

import pytest

from leaflet.loader import content_load
from tests.conftest import TEST_PASSWORD, totp_secret

from .browsing import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONTACTS = "/guidance/useful-contacts/"


@pytest.fixture
def leaflet(db):
    return content_load()


def test_a_nurse_checks_an_old_number_and_a_reader_can_then_call_it(browse, open_tab, nurse, leaflet):
    reader = open_tab()
    reader.goto(CONTACTS)
    reader.check()
    pippin = reader.page.locator("#pippin")
    assert "From the 2008 leaflet, may have changed." in pippin.inner_text()
    assert pippin.locator('a[href^="tel:"]').count() == 0

    page = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    browse.goto("/editor/")
    browse.check(public=False)
    page.get_by_role("link", name="What may be out of date").click()
    page.get_by_role("heading", level=1, name="What may be out of date").wait_for()
    browse.check(public=False)
    browse.goto("/editor/")
    page.get_by_role("link", name="Contacts and their checks").click()
    browse.check(public=False)
    page.locator("#pippin").get_by_role("button", name="These details still work: mark as checked today").click()
    page.get_by_text("Marked as checked today.").wait_for()
    browse.check(public=False)

    reader.goto(CONTACTS)
    assert reader.page.locator('#pippin a[href="tel:01727899099"]').count() == 1
