"""Consent: one-click unsubscribe from follow-up mail; transactional mail is exempt."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.models import AuditEntry, EmailSuppression, OutboundEmail
from portal.outbox import email_queue, emails_sweep, is_suppressed, suppression_erase, unsubscribe_url
from portal.outbox.services import NOT_SENT_UNSUBSCRIBED

pytestmark = pytest.mark.django_db

TEMPLATE = "portal/email/test_message"
FOLLOW_UP = OutboundEmail.Kind.FOLLOW_UP


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_link_shows_a_confirmation_page_and_a_get_changes_nothing(client):
    response = client.get(path_of(unsubscribe_url("alice@example.org")))
    assert response.status_code == 200
    assert b"<h1>Unsubscribe from follow-up emails</h1>" in response.content
    assert b'<button type="submit">Unsubscribe</button>' in response.content
    assert not EmailSuppression.objects.exists()
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_button_unsubscribes_without_signing_in():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(path_of(unsubscribe_url("alice@example.org")))
    assert response.status_code == 200
    assert b"You have unsubscribed" in response.content
    assert is_suppressed("alice@example.org")
    assert is_suppressed("  ALICE@example.org ")
    assert not is_suppressed("bea@example.org")


def test_a_mail_clients_one_click_post_works_without_a_csrf_token_and_twice_is_harmless():
    csrf_client = Client(enforce_csrf_checks=True)
    url = path_of(unsubscribe_url("alice@example.org"))
    for _ in range(2):
        response = csrf_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
    assert EmailSuppression.objects.count() == 1
    [entry] = AuditEntry.objects.filter(action="email.unsubscribed")
    assert entry.actor is None
    assert entry.target_id == str(EmailSuppression.objects.get().pk)
    assert "alice" not in str(entry.detail)


@pytest.mark.parametrize("token", ["nonsense", "abc:def", "x" * 64])
def test_an_invalid_or_altered_link_is_not_found(client, token):
    assert client.post(f"/email/unsubscribe/{token}/").status_code == 404
    assert client.get(f"/email/unsubscribe/{token}/").status_code == 404
    genuine = path_of(unsubscribe_url("alice@example.org"))
    tampered = genuine[:-3] + ("A" if genuine[-3] != "A" else "B") + genuine[-2:]
    assert client.post(tampered).status_code == 404
    assert not EmailSuppression.objects.exists()


def test_other_methods_are_refused(client):
    assert client.put(path_of(unsubscribe_url("alice@example.org"))).status_code == 405


def test_unsubscribing_stops_later_follow_ups_and_leaves_transactional_mail(client, django_capture_on_commit_callbacks):
    client.post(path_of(unsubscribe_url("alice@example.org")))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        follow_up = email_queue(to="Alice@example.org", template=TEMPLATE, kind=FOLLOW_UP)
        reset = email_queue(to="alice@example.org", template=TEMPLATE)
    assert len(callbacks) == 1  # only the transactional one is published
    follow_up.refresh_from_db()
    reset.refresh_from_db()
    assert follow_up.status == OutboundEmail.Status.CANCELLED
    assert follow_up.last_error == NOT_SENT_UNSUBSCRIBED
    assert reset.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "unsubscribe" not in mail.outbox[0].body.lower()


def test_a_follow_up_queued_before_unsubscribing_is_cancelled_when_it_falls_due(client):
    due = timezone.now() + timedelta(days=14)
    follow_up = email_queue(to="alice@example.org", template=TEMPLATE, kind=FOLLOW_UP, send_after=due)
    client.post(path_of(unsubscribe_url("alice@example.org")))
    with time_machine.travel(due + timedelta(minutes=1)):
        emails_sweep()
    follow_up.refresh_from_db()
    assert follow_up.status == OutboundEmail.Status.CANCELLED
    assert follow_up.last_error == NOT_SENT_UNSUBSCRIBED
    assert mail.outbox == []


def test_the_suppression_list_holds_no_address_and_an_entry_can_be_erased(client):
    client.post(path_of(unsubscribe_url("alice@example.org")))
    stored = EmailSuppression.objects.get()
    assert "alice" not in stored.address_hash
    assert len(stored.address_hash) == 64
    assert suppression_erase(address="ALICE@example.org") == 1
    assert not is_suppressed("alice@example.org")
