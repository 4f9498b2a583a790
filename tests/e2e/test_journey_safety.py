"""Journey: a woman in crisis writes to "Ask a nurse"; the nurse on duty is told at once and takes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpline.models import DutyShift, Enquiry, SafetyAlert
from tests.conftest import TEST_PASSWORD, totp_secret

from .browsing import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CRISIS_MESSAGE = "I feel so low since the fractures. Honestly everyone would be better off without me."


@pytest.fixture
def on_duty(nurse):
    now = timezone.now()
    DutyShift.objects.create(nurse=nurse, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=8))
    return nurse


@pytest.fixture
def her_phone(open_tab):
    """The public form, open on her phone."""
    member = open_tab(viewport=PHONE)
    member.goto("/helpline/ask/")
    return member


def test_a_crisis_message_shows_samaritans_first_and_the_nurse_on_duty_claims_it(browse, her_phone, on_duty, mailbox):
    nurse = on_duty
    # She writes on her phone.
    member = her_phone
    page = member.page
    page.get_by_label("Email address").fill("mina@example.net")
    page.get_by_label("Emotional support", exact=True).check()
    page.get_by_label("Your question").fill(CRISIS_MESSAGE)
    page.get_by_label("I agree that the helpline nurses may store my question").check()
    page.get_by_role("button", name="Send your question").click()
    page.get_by_role("heading", level=1, name="Your question has been sent").wait_for()
    member.check()

    # Samaritans come first, before anything else on the page below its heading.
    assert page.locator(".safety-advice p").first.inner_text().startswith("Samaritans")
    main_text = page.locator("main").inner_text()
    assert main_text.index("Samaritans") < main_text.index("Your reference number")
    assert main_text.index("116 123") < main_text.index("Your reference number")
    screenshot(page, "journey-safety-crisis-advice")
    reference = page.locator(".reference-panel__number").inner_text().strip()

    # The nurse on duty is emailed at once: the level and a link, nothing about her.
    alert = mailbox.wait_for(to=nurse.email, subject="Crisis enquiry")
    assert "mina" not in alert.text.lower() and reference not in alert.text
    assert CRISIS_MESSAGE[:20] not in alert.text

    # The nurse signs in, sees the banner on the queue and follows it.
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    queue = browse.page
    browse.goto("/helpline/")
    banner = queue.get_by_role("alert").filter(has_text="waiting for a nurse")
    banner.wait_for()
    browse.check(public=False)
    banner.get_by_role("link", name=reference).click()
    queue.get_by_role("heading", level=1, name=f"Enquiry {reference}").wait_for()
    assert "thoughts of suicide" in queue.locator(".triage-reasons").inner_text()
    queue.get_by_role("button", name="Claim this enquiry").click()
    queue.get_by_text("You are now looking after this enquiry.").wait_for()
    browse.check(public=False)

    # The banner has gone.
    browse.goto("/helpline/")
    queue.get_by_role("heading", level=1, name="Helpline queue").wait_for()
    assert queue.get_by_text("waiting for a nurse").count() == 0
    assert Enquiry.objects.get(reference=reference).assigned_to == nurse
    assert SafetyAlert.objects.get().handled_by == nurse


EMERGENCY_MESSAGE = "my back is agony and theres a numb patch around my bottom, is that normal??"


def test_an_emergency_sent_without_a_topic_or_consent_reaches_the_nurse_on_duty(browse, her_phone, on_duty, mailbox):
    nurse = on_duty
    # Frightened, on her phone: no topic, no consent, and a slip in her email address.
    member = her_phone
    page = member.page
    page.get_by_label("Email address").fill("mina@example,net")
    page.get_by_label("Phone number").fill("07700 900321")
    page.get_by_label("Your question").fill(EMERGENCY_MESSAGE)
    page.get_by_role("button", name="Send your question").click()
    page.get_by_role("heading", level=1, name="Your question has been sent").wait_for()
    member.check()
    assert page.locator(".safety-advice").count() == 1
    assert "We could not use the email address you typed" in page.locator("main").inner_text()
    screenshot(page, "journey-safety-emergency-without-topic")
    reference = page.locator(".reference-panel__number").inner_text().strip()

    alert = mailbox.wait_for(to=nurse.email, subject="Emergency enquiry")
    assert reference not in alert.text
    enquiry = Enquiry.objects.get(reference=reference)
    assert (enquiry.summary, enquiry.phone, enquiry.email) == (EMERGENCY_MESSAGE, "07700 900321", "")
    assert list(enquiry.topic_links.values_list("topic", flat=True)) == ["other"]

    # The nurse finds it from the queue's banner and reads what she typed.
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    queue = browse.page
    browse.goto("/helpline/")
    banner = queue.get_by_role("alert").filter(has_text="waiting for a nurse")
    banner.get_by_role("link", name=reference).click()
    queue.get_by_role("heading", level=1, name=f"Enquiry {reference}").wait_for()
    browse.check(public=False)
    assert "mina@example,net" in queue.locator("main").inner_text()
