"""Her reply comes back: she answers the acknowledgement by email, with a scan attached; her nurse reads it."""

import pytest

from portal.inbound import inbound_read
from portal.models import OutboundEmail
from tests.conftest import TEST_PASSWORD, totp_secret
from tests.mailboxes import drop_into_maildir, make_email

from .browsing import PHONE, sign_in
from .test_journey_helpline import ask_a_nurse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCAN = b"%PDF-1.7\n% her scan report\n"


def test_her_emailed_reply_reaches_the_timeline_in_one_read_and_her_nurse_reads_it(
    browse, open_tab, nurse, mailbox, maildir
):
    reference = ask_a_nurse(open_tab(viewport=PHONE))
    mailbox.wait_for(to="rosa@example.net", subject="")
    acknowledgement = OutboundEmail.objects.get(to="rosa@example.net")

    # Her mail client answers the acknowledgement, quoting it, with a PDF attached.
    drop_into_maildir(
        maildir,
        make_email(
            sender="Rosa <rosa@example.net>",
            subject=f"Re: {acknowledgement.subject}",
            text="The pain is a little better today.\n\nRosa\n\nOn Monday the helpline wrote:\n> Thank you for contacting",
            in_reply_to=acknowledgement.message_id,
            files=(("scan.pdf", "application/pdf", SCAN),),
        ),
    )
    assert inbound_read().handled == 1  # one read, as beat does every minute

    page = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Helpline queue").click()
    replies = page.get_by_role("region", name="Replies waiting")
    replies.get_by_role("link", name=reference).click()
    page.get_by_role("heading", level=1, name=f"Enquiry {reference}").wait_for()
    browse.check(public=False)
    email = page.locator(".timeline__item--message_in")
    assert "The pain is a little better today." in email.inner_text()
    quoted = email.get_by_text("> Thank you for contacting")
    assert not quoted.is_visible()
    email.get_by_text("The whole email").click()
    assert quoted.is_visible()

    with page.expect_download() as download:
        email.get_by_role("link", name="scan.pdf").click()
    assert download.value.suggested_filename == "scan.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == SCAN
