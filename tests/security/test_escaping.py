"""Hostile text comes back escaped wherever it is shown: public pages, nurses' pages and emails."""

import pytest
from django.core.cache import cache

from helpline import services as helpline_services
from helpline.models import Enquiry, FollowUpTemplate
from peers import services as peers_services
from portal.models import OutboundEmail
from tests.helpline.conftest import make_enquiry
from tests.peers.builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert("
RAW_MARKERS = ("<script>alert", "<img src=x")


def assert_escaped(html: str, where: str) -> None:
    assert [raw for raw in RAW_MARKERS if raw in html] == [], where
    assert ESCAPED in html, where


def test_a_question_from_the_public_form_is_escaped_on_the_nurses_pages(client, nurse):
    cache.clear()
    response = client.post(
        "/helpline/ask/",
        {
            "name": PAYLOAD,
            "email": "x@example.org",
            "question": PAYLOAD,
            "topics": ["pain"],
            "preferred_times": PAYLOAD,
            "consent": "on",
        },
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    client.force_login(nurse)
    queue = client.get("/helpline/").content.decode()
    assert [raw for raw in RAW_MARKERS if raw in queue] == []
    assert_escaped(client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode(), "enquiry detail")


def test_a_reply_email_escapes_her_name_and_the_nurse_s_words_in_html(nurse, django_capture_on_commit_callbacks):
    from helpline.replies import starting_point

    enquiry = make_enquiry(nurse, name=PAYLOAD)
    template = FollowUpTemplate.objects.create(name="T", subject="About your call", body=f"Body {PAYLOAD}")
    start = starting_point(template, enquiry=enquiry, nurse=nurse)
    helpline_services.enquiry_reply_send(enquiry=enquiry, by=nurse, **start)
    message = OutboundEmail.objects.get(to=enquiry.email)
    assert_escaped(message.body_html, "reply email html")
    assert "\n" not in message.subject


def test_a_mother_s_words_are_escaped_for_the_nurse_and_in_the_volunteer_s_email(client, mother, nurse):
    request = make_request(mother, first_name=PAYLOAD[:60], about=PAYLOAD, recovery=PAYLOAD)
    client.force_login(nurse)
    page = client.get(f"/peers/nurse/requests/{request.pk}/").content.decode()
    assert [raw for raw in RAW_MARKERS if raw in page] == []
    assert "&lt;script&gt;" in page

    volunteer = make_volunteer()
    intro = peers_services.introduction_propose(by=nurse, peer_request=request, volunteer=volunteer)
    peers_services.introduction_accept(by=volunteer.user, introduction=intro)
    emails = OutboundEmail.objects.exclude(body_html="")
    assert emails.exists()
    for message in emails:
        assert [raw for raw in RAW_MARKERS if raw in message.body_html] == [], message.template


def test_a_search_for_script_is_shown_escaped(client):
    page = client.get("/search/", {"q": PAYLOAD}).content.decode()
    assert [raw for raw in RAW_MARKERS if raw in page] == []


def test_a_header_injection_in_a_name_does_not_reach_the_mail_headers(nurse):
    enquiry = make_enquiry(nurse, name="Ann\r\nBcc: victim@example.org")
    event = helpline_services.enquiry_reply_send(
        enquiry=enquiry, by=nurse, subject="Hello\r\nBcc: victim@example.org", body="Hi", links=[]
    )
    message = event.email
    assert "\n" not in message.subject and "\r" not in message.subject
