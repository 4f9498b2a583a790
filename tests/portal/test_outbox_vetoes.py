"""An app's veto is asked where the outbox decides to send: at queue time and again at send time."""

import pytest
from django.core import mail

from portal.models import OutboundEmail
from portal.outbox import email_deliver, email_queue, register_veto, vetoes

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status


@pytest.fixture
def blocked(monkeypatch):
    addresses = set()
    monkeypatch.setattr(vetoes, "_vetoes", dict(vetoes._vetoes))
    register_veto("test", lambda *, to, about_type, about_id: "Not sent: test veto." if to in addresses else "")
    return addresses


def test_a_vetoed_email_is_recorded_as_cancelled_with_the_reason(blocked):
    blocked.add("her@example.net")
    message = email_queue(to="her@example.net", template="portal/email/test_message", context={})
    assert (message.status, message.last_error) == (Status.CANCELLED, "Not sent: test veto.")


def test_a_veto_raised_after_queueing_stops_it_at_send_time(blocked):
    message = email_queue(to="her@example.net", template="portal/email/test_message", context={})
    assert message.status == Status.SCHEDULED
    blocked.add("her@example.net")

    assert email_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.CANCELLED and mail.outbox == []


def test_without_a_veto_it_is_sent(blocked):
    message = email_queue(to="someone@example.net", template="portal/email/test_message", context={})
    assert email_deliver(message_id=message.pk) is True
    assert len(mail.outbox) == 1
