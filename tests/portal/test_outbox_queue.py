"""Queueing email in the same transaction as the action, and delivering it after commit (eager Celery)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.models import OutboundEmail
from portal.outbox import email_queue, emails_about, emails_sweep, unsubscribe_url

pytestmark = pytest.mark.django_db

TEMPLATE = "portal/email/test_message"


def test_a_committed_action_sends_exactly_one_email(mother, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = email_queue(to="alice@example.org", template=TEMPLATE, about=mother)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert list(emails_about(mother)) == [message]


def test_a_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_queue(to="alice@example.org", template=TEMPLATE)
        raise RuntimeError("the business action failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_a_scheduled_email_is_not_sent_before_its_time_and_is_sent_after_it(django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            message = email_queue(to="alice@example.org", template=TEMPLATE, send_after=start + timedelta(days=14))
        assert callbacks == []  # not published now: a broker countdown of 14 days would outlive Redis' visibility
        assert message.enqueued_at is None

    with time_machine.travel(start + timedelta(days=14) - timedelta(seconds=1), tick=False):
        assert emails_sweep() == 0
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SCHEDULED

    with time_machine.travel(start + timedelta(days=14, seconds=30), tick=False):
        assert emails_sweep() == 1
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT


def test_every_email_has_text_and_html_parts_with_the_footer_and_an_absolute_link(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to="alice@example.org", template=TEMPLATE)
    sent = mail.outbox[0]
    html = sent.alternatives[0]
    assert html.mimetype == "text/html"
    assert sent.subject == f"Test message from {settings.SITE_NAME}"
    for part in (sent.body, html.content):
        assert f"This email was sent by the {settings.CHARITY_NAME} nurse helpline: {settings.HELPLINE_PHONE}" in part
        assert "https://portal.example.org/" in part
    # Random, so a reply that quotes it proves it saw our message; stored so the inbound side can match it.
    message_id = OutboundEmail.objects.get().message_id
    assert sent.extra_headers["Message-ID"] == message_id
    assert re.fullmatch(r"<[A-Za-z0-9_-]{32}@portal\.example\.org>", message_id)
    # Not a row number: the 32 characters vary whole from one email to the next.
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to="alice@example.org", template=TEMPLATE)
    first, second = (m[1:33] for m in OutboundEmail.objects.order_by("pk").values_list("message_id", flat=True))
    assert sum(a == b for a, b in zip(first, second, strict=True)) < 16
    # Transactional mail carries no unsubscribe link or header.
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "unsubscribe" not in sent.body.lower()


def test_a_follow_up_carries_a_one_click_unsubscribe_link_without_the_address(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to="Alice@Example.org", template=TEMPLATE, kind=OutboundEmail.Kind.FOLLOW_UP)
    sent = mail.outbox[0]
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert link == unsubscribe_url("alice@example.org")  # the same link in the header and the body
    assert link.startswith(settings.SITE_URL + "/email/unsubscribe/")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "alice" not in link.lower()
    assert link in sent.body
    assert link.replace("&", "&amp;") in sent.alternatives[0].content


def test_a_newline_in_a_subject_cannot_add_a_header(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = email_queue(
            to="alice@example.org", template=TEMPLATE, context={"site_name": "Hi\r\nBcc: evil@example.com"}
        )
    message.refresh_from_db()
    assert message.subject == "Test message from Hi Bcc: evil@example.com"
    assert message.status == OutboundEmail.Status.SENT
    assert mail.outbox[0].bcc == []
