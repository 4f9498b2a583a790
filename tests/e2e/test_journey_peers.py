"""Journey 3: a mother asks for a peer contact; a nurse proposes the best volunteer; she accepts by email;
they talk by messages in the portal (the default way).

Neither woman sees the other's name until the volunteer has accepted, nor ever the other's contact details.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from peers.models import Introduction, PeerRequest, VolunteerProfile
from portal.roles import Role
from tests.conftest import TEST_PASSWORD, make_user, totp_secret
from tests.peers.builders import make_volunteer

from .browsing import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOTHER_EMAIL = "maya@example.net"
MOTHER_PHONE = "07700 900456"
VOLUNTEER_PHONE = "07700 900654"


def record_pages(tab) -> list[str]:
    """Every page this woman's tab reaches, to scan again at the end."""
    urls: list[str] = []
    tab.page.on("framenavigated", lambda frame: urls.append(frame.url) if frame == tab.page.main_frame else None)
    return urls


def answer_experience(page, *, topic: str) -> None:
    page.get_by_label("What kind of fracture was it?").select_option(label="Spinal (vertebral) fractures")
    page.get_by_label("When did it happen?").select_option(label="In the weeks after the birth")
    page.get_by_label(topic, exact=True).check()


def test_a_mother_and_a_volunteer_meet_talk_and_end_inside_the_portal_never_seeing_each_others_details(
    browse, open_tab, volunteer, nurse, mailbox
):
    # Another approved volunteer with nothing in common, so "first" means something.
    make_volunteer(make_user("val@example.org", role=Role.VOLUNTEER, first_name="Val"))

    # The volunteer applies.
    vol = open_tab()
    vol_pages = record_pages(vol)
    sign_in(vol, volunteer.email, TEST_PASSWORD)
    vol.goto("/peers/volunteer/apply/")
    vol.check(public=False)
    answer_experience(vol.page, topic="Breastfeeding decisions")
    vol.page.get_by_label("How did you recover?").fill("Physiotherapy and a lot of patience.")
    vol.page.get_by_role("textbox", name="Phone number").fill(VOLUNTEER_PHONE)
    vol.page.get_by_role("button", name="Send my application").click()
    vol.page.get_by_role("heading", name="Your volunteer page").wait_for()
    vol.check(public=False)
    profile = VolunteerProfile.objects.get(user=volunteer)

    # A nurse approves her after the briefing.
    page = browse.page
    sign_in(browse, nurse.email, TEST_PASSWORD, totp_secret=totp_secret(nurse))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Peer requests").click()
    browse.check(public=False)
    page.get_by_role("link", name="Volunteers", exact=True).click()
    browse.check(public=False)
    page.get_by_role("link", name=f"V-{profile.pk} Vicky").click()
    browse.check(public=False)
    today = timezone.localdate()
    page.get_by_label("Briefing completed on").fill(today.isoformat())
    page.get_by_label("Briefing expires on").fill((today + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Approve").click()
    browse.check(public=False)
    profile.refresh_from_db()
    assert profile.status == VolunteerProfile.Status.APPROVED

    # The mother registers on her phone, confirms her email and asks, with both consents.
    mum = open_tab(viewport=PHONE)
    mum_pages = record_pages(mum)
    mum.goto("/peers/request/")
    mum.check()
    mum.page.get_by_role("link", name="create an account").click()
    mum.page.get_by_label("Email").fill(MOTHER_EMAIL)
    mum.page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    mum.page.get_by_label("Password (again)").fill(TEST_PASSWORD)
    mum.page.get_by_role("button", name="Create account").click()
    mum.page.get_by_role("heading", name="Check your email").wait_for()
    confirm = mailbox.wait_for(to=MOTHER_EMAIL, subject="confirm")
    mum.page.goto(confirm.link("/accounts/confirm-email/"))
    mum.page.get_by_role("button", name="Confirm").click()
    # Confirming in the browser she signed up in signs her in.
    mum.page.get_by_role("button", name="Sign out").wait_for()
    mum.goto("/peers/request/new/")
    mum.check(public=False)
    mum.page.get_by_label("Your first name").fill("Maya")
    mum.page.get_by_role("textbox", name="Phone number").fill(MOTHER_PHONE)
    answer_experience(mum.page, topic="Breastfeeding decisions")
    mum.page.get_by_label("I agree that the charity's nurses may read this request.").check()
    mum.page.get_by_label("I agree that my first name and the contact details I chose").check()
    mum.page.get_by_role("button", name="Send my request").click()
    mum.page.get_by_role("heading", name="Your peer support request").wait_for()
    mum.check(public=False)
    peer_request = PeerRequest.objects.get(contact_email=MOTHER_EMAIL)

    # The nurse opens the request: Vicky is ranked first, with her reasons.
    browse.goto(f"/peers/nurse/requests/{peer_request.pk}/")
    browse.check(public=False)
    first = page.locator(".peers-suggestions > li").first
    assert f"V-{profile.pk} Vicky" in first.get_by_role("heading").inner_text()
    assert first.locator("ul li").count() >= 1, "no reasons given for the suggestion"
    first.get_by_label("Short note to the volunteer").fill("Also had spinal fractures after her baby.")
    first.get_by_role("button", name=f"Propose V-{profile.pk}").click()
    browse.check(public=False)
    screenshot(page, "journey-3-nurse-proposed")

    # Before she accepts, neither page shows the other woman.
    mum.goto(f"/peers/request/{peer_request.pk}/")
    assert "Vicky" not in mum.page.content() and volunteer.email not in mum.page.content()
    vol.goto("/peers/volunteer/")
    vol.check(public=False)
    assert "A mother would like to talk" in vol.page.content()
    assert "Maya" not in vol.page.content() and MOTHER_EMAIL not in vol.page.content()

    # The volunteer accepts from the link in her email.
    proposal = mailbox.wait_for(to=volunteer.email, subject="")
    vol.network.reset()
    vol.page.goto(proposal.link("/peers/respond/"))
    vol.page.get_by_role("heading", name="Can you support this mother?").wait_for()
    vol.check(public=False)
    assert "Maya" not in vol.page.content() and MOTHER_EMAIL not in vol.page.content()
    vol.page.get_by_role("button", name="Yes, I will talk with her").click()
    vol.check(public=False)
    assert Introduction.objects.get(peer_request=peer_request).status == Introduction.Status.ACCEPTED

    # They talk in the portal: each sees the other's first name, never her email address or phone number.
    vol.goto("/peers/volunteer/")
    vol.check(public=False)
    assert "Maya" in vol.page.content() and MOTHER_EMAIL not in vol.page.content()
    mum.goto(f"/peers/request/{peer_request.pk}/")
    mum.check(public=False)
    assert "Vicky has agreed to talk with you" in mum.page.inner_text("main")
    assert volunteer.email not in mum.page.content()
    screenshot(mum.page, "journey-3-introduced")

    mum.page.get_by_role("link", name="Messages with Vicky").click()
    mum.page.get_by_role("heading", name="Your conversation with Vicky").wait_for()
    mum.check(public=False)
    vol.page.get_by_role("link", name="Messages with Maya").click()
    vol.page.get_by_role("heading", name="Your conversation with Maya").wait_for()
    vol.check(public=False)

    # The mother writes without waiting for JavaScript (a plain form post); her phone number is held back.
    mum.page.get_by_label("Your message").fill("Hello Vicky! My number is 07700 900321 if that is easier.")
    mum.page.get_by_role("button", name="Send").click()
    mum.page.get_by_text("We held back what looked like contact details from Vicky").wait_for()
    mum.check(public=False)

    # On the volunteer's open page, the message appears without reloading (the page's script polls).
    vol.page.get_by_text("Hello Vicky! My number is").wait_for(timeout=30_000)
    assert "07700 900321" not in vol.page.content() and MOTHER_EMAIL not in vol.page.content()
    assert "Some contact details were held back" in vol.page.inner_text("main")
    vol.page.get_by_label("Your message").fill("Hello Maya, lovely to meet you. How is the baby?")
    vol.page.get_by_role("button", name="Send").click()
    vol.check(public=False)
    mum.page.get_by_text("lovely to meet you").wait_for(timeout=30_000)
    assert volunteer.email not in mum.page.content()
    screenshot(mum.page, "journey-3-conversation")

    # The mother ends it on the ending page: a rating and a word; the volunteer says how it went too.
    mum.page.get_by_role("link", name="End the introduction and tell us how it went").click()
    mum.page.get_by_role("heading", name="How did it go?").wait_for()
    mum.check(public=False)
    mum.page.get_by_label("4", exact=True).check()
    mum.page.get_by_label("Anything you would like to tell us?").fill("Vicky really understood.")
    mum.page.get_by_role("button", name="End the introduction and send").click()
    mum.page.get_by_text("Thank you for telling us how it went.").wait_for()
    mum.check(public=False)
    intro = Introduction.objects.get(peer_request=peer_request)
    assert intro.status == Introduction.Status.ENDED
    vol.goto(f"/peers/conversations/{intro.pk}/ending/")
    vol.check(public=False)
    vol.page.get_by_label("5: very helpful").check()
    vol.page.get_by_label("Roughly how many hours did you give?").fill("6")
    vol.page.get_by_role("button", name="Send").click()
    vol.page.get_by_text("Thank you for telling us how it went.").wait_for()
    vol.check(public=False)
    profile.refresh_from_db()
    assert profile.resting_until is not None

    # The nurse sees how it went in the volunteer's record.
    browse.goto(f"/peers/nurse/volunteers/{profile.pk}/")
    browse.check(public=False)
    assert "1 ended well by the mothers" in page.inner_text("main") and "about 6 hours given" in page.inner_text("main")

    # Neither woman's email address or phone number is on any page the other opened.
    for tab, urls, secrets in (
        (mum, mum_pages, (volunteer.email, VOLUNTEER_PHONE)),
        (vol, vol_pages, (MOTHER_EMAIL, MOTHER_PHONE)),
    ):
        for url in dict.fromkeys(urls):
            tab.page.goto(url)
            content = tab.page.content()
            for secret in secrets:
                assert secret not in content, f"{secret} on {url}"
