"""Only helpline nurses and site admins reach the nurse pages; everyone else is sent to sign in or refused."""

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from helpline import people, services
from helpline.models import Callback, DutyShift, Enquiry, FlagKind, FollowUpTemplate
from portal.inbound import inbound_receive
from portal.models import InboundAttachment
from tests.mailboxes import make_email

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

# The signed link in her email is the credential for the last (tests/helpline/test_callback_booking.py).
PUBLIC = {
    "helpline:ask",
    "helpline:ask-thanks",
    "helpline:ask-callback",
    "helpline:callback-manage",
    "helpline:feedback",
}
# A mother's own enquiries: swept in tests/helpline/test_her_side.py and the security access matrix.
HER_PAGES = {"helpline:my-enquiries", "helpline:my-enquiry", "helpline:my-enquiry-callback"}
# Site administrators only: tests/helpline/test_funder_report.py and the security access matrix.
ADMINS_ONLY = {"helpline:funder-report", "helpline:funder-report-csv"}
# Counts only, so content editors may see it too: they decide what to write next.
EDITORS_TOO = {"gaps"}


def nurse_urls(enquiry, callback, template, attachment, shift, flag):
    """Every helpline URL except the public ones, with the method it answers to."""
    args = {
        "enquiry-detail": [enquiry.pk],
        "enquiry-edit": [enquiry.pk],
        "enquiry-claim": [enquiry.pk],
        "enquiry-assign": [enquiry.pk],
        "enquiry-transition": [enquiry.pk],
        "enquiry-note": [enquiry.pk],
        "callback-schedule": [enquiry.pk],
        "callback-done": [enquiry.pk, callback.pk],
        "reply": [enquiry.pk],
        "reply-preview": [enquiry.pk],
        "reply-preview-html": [enquiry.pk],
        "reply-send-draft": [enquiry.pk],
        "refer": [enquiry.pk],
        "template-edit": [template.pk],
        "attachment-download": [enquiry.pk, attachment.pk],
        "enquiry-urgency": [enquiry.pk],
        "rota-remove": [shift.pk],
        "person-link": [enquiry.pk],
        "person-unlink": [enquiry.pk],
        "flag-set": [enquiry.pk],
        "flag-end": [enquiry.pk, flag.pk],
        "flag-review": [enquiry.pk, flag.pk],
    }
    post_only = {
        "enquiry-claim",
        "enquiry-assign",
        "enquiry-transition",
        "enquiry-note",
        "callback-schedule",
        "callback-done",
        "reply",
        "reply-send-draft",
        "refer",
        "enquiry-urgency",
        "rota-remove",
        "person-link",
        "person-unlink",
        "flag-set",
        "flag-end",
        "flag-review",
        "slots-publish",
    }
    urls = []
    for name in helpline_url_names():
        if f"helpline:{name}" in PUBLIC | HER_PAGES | ADMINS_ONLY:
            continue
        urls.append(
            (name, reverse(f"helpline:{name}", args=args.get(name, [])), "post" if name in post_only else "get")
        )
    return urls


def helpline_url_names() -> list[str]:
    resolver = get_resolver()
    helpline = resolver.namespace_dict["helpline"][1]
    return sorted(p.name for p in helpline.url_patterns)


@pytest.fixture
def objects(nurse):
    enquiry = make_enquiry(nurse)
    callback = Callback.objects.create(enquiry=enquiry, due_at=enquiry.created_at, assigned_to=nurse)
    template = FollowUpTemplate.objects.first()
    # So the reply preview pages have a draft to show.
    services.reply_draft_save(enquiry=enquiry, by=nurse, subject="S", body="A reply", links=[])
    inbound_receive(
        raw=make_email(subject=f"Re: {enquiry.reference}", files=(("scan.pdf", "application/pdf", b"%PDF-1.7 x"),))
    )
    attachment = InboundAttachment.objects.get()
    shift = DutyShift.objects.create(
        nurse=nurse, starts_at=enquiry.created_at, ends_at=enquiry.created_at + timedelta(hours=8)
    )
    flag = people.flag_set(
        enquiry=enquiry, kind=FlagKind.INTERPRETER, reason="Speaks Polish", review_on=timezone.localdate(), by=nurse
    )
    return enquiry, callback, template, attachment, shift, flag


def test_every_helpline_url_is_either_public_or_in_this_sweep(objects):
    names = {f"helpline:{name}" for name in helpline_url_names()}
    swept = {f"helpline:{name}" for name, _, _ in nurse_urls(*objects)}
    assert names == swept | PUBLIC | HER_PAGES | ADMINS_ONLY
    assert "helpline:queue" in swept


def test_anonymous_visitors_are_sent_to_sign_in_from_every_nurse_page(client, objects):
    for name, url, method in nurse_urls(*objects):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize("persona", ["mother", "volunteer", "editor", "outsider"])
def test_signed_in_people_who_are_not_nurses_are_refused_every_nurse_page(client, objects, persona, request):
    client.force_login(request.getfixturevalue(persona))
    enquiry = objects[0]
    before = (enquiry.events.count(), Enquiry.objects.get(pk=enquiry.pk).status)

    for name, url, method in nurse_urls(*objects):
        response = getattr(client, method)(url, {"action": "close", "outcome": "signposted", "text": "x"})
        expected = 200 if persona == "editor" and name in EDITORS_TOO else 403
        assert response.status_code == expected, name

    assert (enquiry.events.count(), Enquiry.objects.get(pk=enquiry.pk).status) == before


@pytest.mark.parametrize("persona", ["nurse", "admin_user"])
def test_nurses_and_admins_can_open_every_nurse_page(client, objects, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name, url, method in nurse_urls(*objects):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, name
            assert "no-store" in response["Cache-Control"], name


def test_post_only_views_reject_get(nurse_client, objects):
    for name, url, method in nurse_urls(*objects):
        if method == "post":
            assert nurse_client.get(url).status_code == 405, name


def test_a_missing_enquiry_is_not_found(nurse_client):
    assert nurse_client.get("/helpline/enquiries/999999/").status_code == 404


def test_a_callback_of_another_enquiry_is_not_found(nurse_client, nurse, objects):
    enquiry, callback, *_ = objects
    other = make_enquiry(nurse)
    response = nurse_client.post(f"/helpline/enquiries/{other.pk}/callbacks/{callback.pk}/done/")
    assert response.status_code == 404
    callback.refresh_from_db()
    assert callback.done_at is None


def test_the_public_pages_need_no_account(client):
    assert client.get("/helpline/ask/").status_code == 200


def test_the_nav_shows_the_queue_link_to_nurses_only(client, nurse, mother):
    assert "Helpline queue" not in client.get("/helpline/ask/").content.decode()
    assert "Ask a nurse" in client.get("/helpline/ask/").content.decode()
    client.force_login(mother)
    assert "Helpline queue" not in client.get("/helpline/ask/").content.decode()
    client.force_login(nurse)
    assert "Helpline queue" in client.get("/helpline/ask/").content.decode()


def test_editors_see_the_gaps_page_without_the_nurse_menu(client, editor):
    client.force_login(editor)
    page = client.get("/helpline/reports/gaps/").content.decode()
    assert "<h1>Gaps in the guidance</h1>" in page
    assert 'href="/helpline/enquiries/new/"' not in page
