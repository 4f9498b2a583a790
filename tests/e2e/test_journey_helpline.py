"""Journey 2: a member of the public asks a nurse; a nurse with TOTP works the enquiry through to closed.

Also journey 5's second half: the public form with the keyboard alone, and without JavaScript.
"""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone

from helpline.models import Enquiry, FollowUpTemplate, Status
from tests.conftest import TEST_PASSWORD, totp_secret
from tests.helpline.conftest import make_enquiry

from .browsing import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

URGENT_QUESTION = "Since this morning I have sudden severe back pain and tingling in my legs. I had my baby in May."
# A question that raises no alarm: an alarm is saved at once, even with the form's other errors.
CALM_QUESTION = "Is it safe to keep breastfeeding while I wait for my bone scan results?"


@pytest.fixture
def follow_up_templates(db):
    # A data migration made these; the transactional tests before this one emptied the table.
    starter = importlib.import_module("helpline.migrations.0002_starter_follow_up_templates")
    for template in starter.TEMPLATES:
        FollowUpTemplate.objects.get_or_create(name=template["name"], defaults=template)


def ask_a_nurse(tab) -> str:
    """Fill in the public form with a pointer; return the reference the page shows."""
    page = tab.page
    tab.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask a nurse").click()
    page.get_by_role("heading", level=1, name="Ask a nurse").wait_for()
    tab.check()
    page.get_by_label("Your first name (optional)").fill("Rosa")
    page.get_by_label("Email address").fill("rosa@example.net")
    page.get_by_label("Pain", exact=True).check()
    page.get_by_label("Your question").fill(URGENT_QUESTION)
    page.get_by_label("I agree that the helpline nurses may store my question").check()
    page.get_by_role("button", name="Send your question").click()
    return read_reference(tab)


def read_reference(tab) -> str:
    page = tab.page
    page.get_by_role("heading", level=1, name="Your question has been sent").wait_for()
    tab.check()
    reference = page.locator(".reference-panel__number").inner_text().strip()
    assert Enquiry.objects.get(reference=reference).email == "rosa@example.net"
    return reference


def test_a_member_of_the_public_asks_and_a_nurse_sees_it_through_to_closed(
    browse, open_tab, nurse, mailbox, follow_up_templates
):
    long_ago = make_enquiry(nurse, name="Earlier caller", email="earlier@example.net")
    Enquiry.objects.filter(pk=long_ago.pk).update(created_at=timezone.now() - timedelta(days=3))

    # She asks, with no account, on her phone.
    member = open_tab(viewport=PHONE)
    reference = ask_a_nurse(member)
    acknowledgement = mailbox.wait_for(to="rosa@example.net", subject="")
    assert reference in acknowledgement.text
    screenshot(member.page, "journey-2-question-sent")

    # A nurse signs in with her password and authenticator code.
    page = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Helpline queue").click()
    browse.check(public=False)
    first_row = page.locator("table.queue tbody tr").first
    assert reference in first_row.inner_text()
    assert "Emergency" in first_row.inner_text()  # tingling in her legs: 999 or A&E
    first_row.get_by_role("link", name=reference).click()
    page.get_by_role("heading", level=1, name=f"Enquiry {reference}").wait_for()
    browse.check(public=False)

    page.get_by_role("button", name="Claim this enquiry").click()
    browse.check(public=False)
    page.get_by_label("Add a note").fill("Rang her GP surgery; she is being seen this afternoon.")
    page.get_by_role("button", name="Add note").click()
    browse.check(public=False)
    # A template is only a starting point: it fills the reply box, and nothing goes until she sends it.
    page.get_by_label("Start from a template (optional)").select_option(label="Information you asked for")
    page.get_by_role("button", name="Put it in the reply box").click()
    browse.check(public=False)
    assert page.get_by_label("Your reply").input_value().startswith("Dear Rosa,")
    page.get_by_role("button", name="Send reply").click()
    browse.check(public=False)
    # Answered: the queue shows the next move is hers.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Helpline queue").click()
    row = page.locator("table.queue tbody tr", has_text=reference)
    assert "Answered, waiting for her" in row.inner_text()
    browse.check(public=False)
    row.get_by_role("link", name=reference).click()
    page.get_by_role("heading", level=1, name=f"Enquiry {reference}").wait_for()
    page.get_by_label("Call her back at").fill((timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Schedule callback").click()
    browse.check(public=False)
    page.get_by_label("Outcome").select_option(index=1)
    page.get_by_role("button", name="Close with this outcome").click()
    browse.check(public=False)
    screenshot(page, "journey-2-enquiry-closed")

    enquiry = Enquiry.objects.get(reference=reference)
    assert enquiry.status == Status.CLOSED
    assert enquiry.assigned_to == nurse
    timeline = page.locator(".timeline").inner_text()
    assert "Rang her GP surgery" in timeline

    # The nurse's answer arrives, as a reply she asked for, not mailing-list mail; she opens the link in it.
    follow_up = mailbox.wait_for(to="rosa@example.net", subject="The information you asked for")
    assert reference in follow_up.text
    assert "unsubscribe" not in follow_up.text.lower()
    member.network.reset()
    member.page.goto(follow_up.link(browse.site_url))
    member.page.get_by_role("heading", level=1).wait_for()
    member.check()


def test_the_public_form_can_be_filled_in_with_the_keyboard_alone(browse):
    page = browse.page
    browse.goto("/helpline/ask/")

    def tab_to(element_id: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            assert browse.focused_has_visible_indicator(), page.evaluate("document.activeElement.outerHTML")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("id_name")
    page.keyboard.type("Rosa")
    tab_to("id_email")
    page.keyboard.type("rosa@example.net")
    tab_to(page.get_by_label("Pain", exact=True).get_attribute("id"))
    page.keyboard.press("Space")
    tab_to("id_question")
    page.keyboard.type(URGENT_QUESTION)
    tab_to("id_consent")
    page.keyboard.press("Space")
    for _ in range(5):
        page.keyboard.press("Tab")
        assert browse.focused_has_visible_indicator(), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate("document.activeElement.textContent.trim()") == "Send your question":
            break
    page.keyboard.press("Enter")
    read_reference(browse)
    screenshot(page, "journey-5-keyboard-question-sent")


def test_the_public_form_works_without_javascript_and_keeps_what_she_typed_on_an_error(open_tab):
    tab = open_tab(viewport=PHONE, java_script_enabled=False)
    page = tab.page
    tab.goto("/helpline/ask/")
    page.get_by_label("Your question").fill(CALM_QUESTION)
    page.get_by_role("button", name="Send your question").click()
    tab.check()
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_label("Your question").input_value() == CALM_QUESTION
    page.get_by_label("Email address").fill("rosa@example.net")
    page.get_by_label("Pain", exact=True).check()
    page.get_by_label("I agree that the helpline nurses may store my question").check()
    page.get_by_role("button", name="Send your question").click()
    read_reference(tab)
