"""Journeys through what a newcomer tripped over: an emergency sent without a topic reaches the
nurse on duty, who lands on her queue after signing in and sees it answered after her reply; and
"Your data" reads as words and fits a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpline import services as helpline
from helpline.models import DutyShift, Enquiry, Status
from tests.conftest import TEST_PASSWORD, totp_secret

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


EMERGENCY_MESSAGE = "Since this morning my back is agony and I can't feel my bottom when I wipe. Is that normal?"


@pytest.fixture
def on_duty(nurse):
    now = timezone.now()
    DutyShift.objects.create(nurse=nurse, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=8))
    return nurse


def test_an_emergency_without_a_topic_reaches_the_nurse_on_duty_who_answers_it_from_her_queue(
    browse, open_tab, on_duty, mailbox
):
    nurse = on_duty
    # On her phone, frightened: she ticks no topic.
    member = open_tab(viewport=PHONE)
    member.goto("/helpline/ask/")
    page = member.page
    page.get_by_label("Email address").fill("tess@example.net")
    page.get_by_label("Your question").fill(EMERGENCY_MESSAGE)
    page.get_by_label("I agree that the helpline nurses may store my question").check()
    page.get_by_role("button", name="Send your question").click()
    page.get_by_role("heading", level=1, name="Your question has been sent").wait_for()
    member.check()
    assert page.locator(".safety-advice").count() == 1
    reference = page.locator(".reference-panel__number").inner_text().strip()

    # The nurse on duty is told at once, in the words of a first alert.
    alert = mailbox.wait_for(to=nurse.email, subject="Emergency enquiry")
    assert alert.subject == "Emergency enquiry on the helpline: please claim it"
    assert "has just arrived while you are on duty" in alert.text
    assert "Still unclaimed" not in alert.subject and reference not in alert.text and "tess" not in alert.text

    # Signing in, she lands on her queue, where the emergency is first.
    queue = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    queue.get_by_role("heading", level=1, name="Helpline queue").wait_for()
    browse.check(public=False)
    queue.get_by_role("alert").filter(has_text="waiting for a nurse").get_by_role("link", name=reference).wait_for()
    row = queue.locator("table.queue tbody tr", has_text=reference)
    assert "Emergency" in row.inner_text()
    row.get_by_role("link", name=reference).click()
    queue.get_by_role("heading", level=1, name=f"Enquiry {reference}").wait_for()
    queue.get_by_role("button", name="Claim this enquiry").click()
    queue.get_by_text("You are now looking after this enquiry.").wait_for()

    # She answers; the queue shows the next move is hers.
    queue.get_by_label("Subject").fill("Your back pain")
    queue.get_by_label("Your reply").fill("Dear Tess,\n\nThank you for writing. I have tried to ring you.")
    queue.get_by_role("button", name="Send reply").click()
    browse.check(public=False)
    queue.get_by_role("navigation", name="Main").get_by_role("link", name="Helpline queue").click()
    row = queue.locator("table.queue tbody tr", has_text=reference)
    assert "Answered, waiting for her" in row.inner_text()
    assert "New" not in row.inner_text().split()
    browse.check(public=False)
    screenshot(queue, "snags-emergency-answered")
    assert Enquiry.objects.get(reference=reference).status == Status.ANSWERED
