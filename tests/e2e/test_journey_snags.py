"""Journeys through what a newcomer tripped over: an emergency sent without a topic reaches the
nurse on duty, who lands on her queue after signing in and sees it answered after her reply; and
"Your data" reads as words and fits a phone."""

import pytest

from helpline import services as helpline
from tests.conftest import TEST_PASSWORD

from .browsing import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def overflows_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


PASTED_LINK = "https://www.nhs.uk/conditions/osteoporosis/treatment/?utm_source=forwarded_by_a_friend_in_the_group"


def test_your_data_reads_as_words_and_fits_a_phone(open_tab, mother, nurse):
    # Her question pastes a long link, and a nurse has answered: the deepest part of her data.
    enquiry = helpline.enquiry_ask(
        question=f"Is this page right about breastfeeding on alendronate? {PASTED_LINK}",
        topics=["breastfeeding"],
        name="Alice",
        email=mother.email,
        user=mother,
    )
    helpline.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="Your question", body="Yes, it is.", links=[])
    tab = open_tab(viewport=PHONE)
    sign_in(tab, mother.email, TEST_PASSWORD)
    tab.goto("/account/data/")
    page = tab.page
    page.get_by_role("heading", level=1, name="Your data").wait_for()
    tab.check(public=False)
    screenshot(page, "snags-your-data")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert not overflows_sideways(page), f"/account/data/ is {width} px wide on a 375 px phone"
    text = page.locator("main").inner_text()
    assert "127.0.0.1" not in text and "Mozilla/5.0" not in text
    assert "Chrome on a computer" in text or "a computer browser" in text
    assert "T" not in "".join(line for line in text.splitlines() if line[:4].isdigit())  # no 2026-12-08T00:16
    page.get_by_role("link", name="download it as a file").wait_for()
