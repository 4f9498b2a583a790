"""A conversation carried by email: the nurse previews and sends a reply with a guidance link; the mother answers
it from her mail client; one read of the inbox puts her answer on the timeline; the nurse answers again; and the
mother, signed in, reads the whole conversation in her account."""

import pytest

from helpline import services
from helpline.models import EnquiryEvent
from leaflet.loader import content_load
from leaflet.models import Section
from portal.inbound import inbound_read
from portal.models import OutboundEmail
from tests.conftest import TEST_PASSWORD, totp_secret
from tests.mailboxes import drop_into_maildir, make_email

from .browsing import PHONE, mother_opens_her_enquiry, nurse_previews_reply, nurse_sends_reply, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Is it safe to lift my baby out of the cot while my spine heals?"
FIRST_REPLY = "Dear Alice,\n\nThank you for asking. The guidance below covers lifting and carrying safely.\n\nNora"
HER_REPLY = "Thank you, that really helps. Can I carry the car seat yet?"
SECOND_REPLY = "Dear Alice,\n\nNot yet: ask your physiotherapist first. Do write again whenever you need to.\n\nNora"


def test_her_emailed_answer_joins_the_conversation_and_she_reads_it_all_in_her_account(
    browse, open_tab, nurse, mother, mailbox, maildir
):
    content_load()
    section = Section.objects.filter(published_at__isnull=False).order_by("order").first()
    enquiry = services.enquiry_ask(question=QUESTION, topics=["pain"], name="Alice", email=mother.email, user=mother)
    mailbox.wait_for(to=mother.email, subject="")  # the acknowledgement

    # The nurse writes her answer with a guidance link, previews it and sends it.
    page = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse), public=False)
    preview_text = nurse_previews_reply(
        browse, enquiry, subject="Lifting your baby", body=FIRST_REPLY, link_title=section.title
    )
    assert f"- {section.title}: {browse.site_url}{section.get_absolute_url()}" in preview_text
    page.get_by_role("button", name="Send this reply").click()
    browse.check(public=False)

    # The outbox delivers it, with the link and the Message-ID her answer will refer to.
    email = mailbox.wait_for(to=mother.email, subject="Lifting your baby")
    assert email.link(section.get_absolute_url()) == browse.site_url + section.get_absolute_url()
    assert "You can reply to this email" in email.text
    sent = OutboundEmail.objects.get(to=mother.email, subject=email.subject)
    assert email.message_id == sent.message_id

    # Her mail client answers it, quoting the nurse's email below her words.
    drop_into_maildir(
        maildir,
        make_email(
            sender=f"Alice <{mother.email}>",
            subject=f"Re: {email.subject}",
            text=f"{HER_REPLY}\n\nAlice\n\nOn Monday the helpline wrote:\n> Thank you for asking.",
            in_reply_to=email.message_id,
        ),
    )
    assert inbound_read().handled == 1  # one read, as beat does every minute

    # On the nurse's next look, her answer is on the timeline; the nurse answers again.
    page.reload()
    answer = page.locator(".timeline__item--message_in")
    answer.get_by_text(HER_REPLY).first.wait_for()  # her new words, then the whole email one click away
    assert "Message from her" in answer.inner_text()
    nurse_sends_reply(browse, subject="Carrying the car seat", body=SECOND_REPLY)
    mailbox.wait_for(to=mother.email, subject="Carrying the car seat")
    assert enquiry.events.filter(kind=EnquiryEvent.Kind.MESSAGE_OUT).count() == 2

    # She signs in and reads the whole conversation, in order, in her account.
    her = open_tab(viewport=PHONE)
    mother_opens_her_enquiry(her, mother.email, TEST_PASSWORD, enquiry.reference)
    items = her.page.locator(".conversation__item").all_inner_texts()
    expected = [
        ("You", QUESTION),
        ("Nora, helpline nurse", "The guidance below covers lifting"),
        ("You", HER_REPLY),
        ("Nora, helpline nurse", "Not yet: ask your physiotherapist first."),
    ]
    assert len(items) == len(expected), items
    for item, (who, words) in zip(items, expected, strict=True):
        assert item.startswith(who) and words in item, (who, words, item)
