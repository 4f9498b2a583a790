"""Journey 4: a content editor (with TOTP) changes a section, a nurse approves it, and she reverts it."""

import pytest

from leaflet.loader import content_load
from tests.conftest import TEST_PASSWORD, totp_secret

from .browsing import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PARAGRAPH = "Talk to your midwife or health visitor before you decide; there is no right answer for everyone."
PUBLIC_PAGE = "/guidance/breastfeeding/"
SECTION_TITLE = "What about breastfeeding?"


@pytest.fixture
def leaflet(db):
    return content_load()


def nurse_approves(nurse_tab, section_title: str) -> None:
    page = nurse_tab.page
    nurse_tab.goto("/editor/")
    nurse_tab.check(public=False)
    page.get_by_role("link", name=section_title, exact=True).first.click()
    page.get_by_role("heading", name="Clinical review").wait_for()
    nurse_tab.check(public=False)
    page.get_by_role("button", name="Approve and publish").click()
    nurse_tab.check(public=False)


def test_an_editor_changes_a_section_a_nurse_approves_it_and_the_editor_reverts_it(
    browse, open_tab, editor, nurse, leaflet
):
    reader = open_tab()
    reader.goto(PUBLIC_PAGE)
    assert NEW_PARAGRAPH not in reader.page.inner_text("main")

    # The editor signs in with her authenticator, edits and previews.
    page = browse.page
    sign_in(browse, editor.email, TEST_PASSWORD, totp_secret=totp_secret(editor))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Edit guidance").click()
    browse.check(public=False)
    page.get_by_role("link", name=SECTION_TITLE, exact=True).first.click()
    browse.check(public=False)
    page.get_by_role("link", name="Edit the draft").click()
    browse.check(public=False)
    body = page.get_by_label("Body")
    body.fill(NEW_PARAGRAPH + "\n\n" + body.input_value())
    page.get_by_role("button", name="Preview").click()
    assert NEW_PARAGRAPH in page.locator(".preview").inner_text()
    browse.check(public=False)
    page.get_by_role("button", name="Save draft").click()
    browse.check(public=False)
    page.get_by_role("button", name="Send for clinical review").click()
    browse.check(public=False)
    reader.goto(PUBLIC_PAGE)
    assert NEW_PARAGRAPH not in reader.page.inner_text("main"), "published before a nurse approved it"

    # A nurse approves it and the public page changes.
    nurse_tab = open_tab()
    sign_in(nurse_tab, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    nurse_approves(nurse_tab, SECTION_TITLE)
    reader.goto(PUBLIC_PAGE)
    reader.check()
    assert NEW_PARAGRAPH in reader.page.inner_text("main")

    # The editor puts the previous text back; once approved, the public page changes back.
    browse.goto("/editor/")
    page.get_by_role("link", name=SECTION_TITLE, exact=True).first.click()
    page.get_by_role("link", name="Revision history").click()
    browse.check(public=False)
    page.get_by_role("button", name="Put this text back in the draft").last.click()
    browse.check(public=False)
    assert NEW_PARAGRAPH not in page.locator(".preview").inner_text()
    page.get_by_role("button", name="Send for clinical review").click()
    nurse_approves(nurse_tab, SECTION_TITLE)
    reader.goto(PUBLIC_PAGE)
    reader.check()
    assert NEW_PARAGRAPH not in reader.page.inner_text("main")
    screenshot(reader.page, "journey-4-reverted-public-page")
    screenshot(page, "journey-4-editor")
