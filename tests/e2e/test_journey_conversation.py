"""A conversation on one enquiry: the nurse answers in her own words with a guidance link, previews and sends it;
the mother reads it in her account and replies there; the nurse sees that on the timeline and answers again."""

import pytest

from helpline import services
from helpline.models import EnquiryEvent
from leaflet.loader import content_load
from leaflet.models import Section
from tests.conftest import TEST_PASSWORD, totp_secret

from .browsing import PHONE, mother_opens_her_enquiry, nurse_previews_reply, nurse_sends_reply, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Is it safe to lift my baby out of the cot while my spine heals?"
FIRST_REPLY = "Dear Alice,\n\nThank you for asking. The guidance below covers lifting and carrying safely.\n\nNora"
SECOND_REPLY = "Dear Alice,\n\nI am glad it helped. Do ask again whenever you need to.\n\nNora"


def test_the_nurse_and_the_mother_hold_a_conversation_by_email_and_in_her_account(
    browse, open_tab, nurse, mother, mailbox
):
    content_load()
    section = Section.objects.filter(published_at__isnull=False).order_by("order").first()
    enquiry = services.enquiry_ask(question=QUESTION, topics=["pain"], name="Alice", email=mother.email, user=mother)
    mailbox.wait_for(to=mother.email, subject="")  # the acknowledgement

    # The nurse writes her answer, adds a guidance link and previews it.
    page = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse), public=False)
    preview_text = nurse_previews_reply(
        browse, enquiry, subject="Lifting your baby", body=FIRST_REPLY, link_title=section.title
    )
    assert "The guidance below covers lifting" in preview_text
    assert f"- {section.title}: {browse.site_url}{section.get_absolute_url()}" in preview_text
    frame = page.frame_locator("iframe.reply-preview__html")
    assert frame.get_by_role("link", name=section.title).get_attribute("href") == (
        browse.site_url + section.get_absolute_url()
    )
    screenshot(page, "conversation-preview")
    page.get_by_role("button", name="Send this reply").click()
    browse.check(public=False)

    # The email arrives: her words, the link, who answered, her reference.
    email = mailbox.wait_for(to=mother.email, subject="Lifting your baby")
    assert enquiry.reference in email.subject
    assert "The guidance below covers lifting" in email.text
    assert email.link(section.get_absolute_url()) == browse.site_url + section.get_absolute_url()
    assert "Nora, Helpline nurse" in email.text
    assert "You can reply to this email" in email.text

    # She signs in and reads the conversation in her account, then answers there.
    her = open_tab(viewport=PHONE)
    mother_opens_her_enquiry(her, mother.email, TEST_PASSWORD, enquiry.reference)
    screenshot(her.page, "conversation-her-account")
    conversation = her.page.locator(".conversation").inner_text()
    assert QUESTION in conversation and "The guidance below covers lifting" in conversation
    her.page.get_by_label("Your message").fill("Thank you, that really helps. Can I carry the car seat?")
    her.page.get_by_role("button", name="Send your message").click()
    her.page.get_by_text("Your message has been sent to the helpline nurses.").wait_for()
    her.check(public=False)

    # The nurse sees her message on the timeline and answers again.
    page.reload()
    timeline = page.locator(".timeline")
    assert "Can I carry the car seat?" in timeline.inner_text()
    assert "Message from her" in timeline.inner_text()
    nurse_sends_reply(browse, subject="Carrying the car seat", body=SECOND_REPLY)
    mailbox.wait_for(to=mother.email, subject="Carrying the car seat")
    assert enquiry.events.filter(kind=EnquiryEvent.Kind.MESSAGE_OUT).count() == 2
    assert "Sent" in page.locator(".timeline").inner_text()

    her.page.reload()
    assert "Do ask again whenever you need to." in her.page.locator(".conversation").inner_text()


def test_without_javascript_a_nurse_keeps_a_draft_across_pages_and_previews_it(open_tab, nurse, mother):
    enquiry = services.enquiry_ask(question=QUESTION, topics=["pain"], name="Alice", email=mother.email, user=mother)
    tab = open_tab(java_script_enabled=False)
    page = tab.page
    sign_in(tab, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse), public=False)
    tab.goto(f"/helpline/enquiries/{enquiry.pk}/")
    page.get_by_label("Your reply").fill(FIRST_REPLY)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()

    tab.goto("/helpline/")
    tab.goto(f"/helpline/enquiries/{enquiry.pk}/")
    assert page.get_by_label("Your reply").input_value() == FIRST_REPLY
    assert "Draft last saved by you" in page.locator(".reply-compose__draft").inner_text()
    page.get_by_role("button", name="Preview").click()
    assert "Thank you for asking." in page.locator(".reply-preview__text").inner_text()
