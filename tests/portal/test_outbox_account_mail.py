"""Account mail (verification, password reset) is rendered by allauth and sent through the outbox."""

import pytest
from django.core import mail

from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_a_password_reset_email_goes_through_the_outbox_as_transactional_mail(
    client, mother, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    message = OutboundEmail.objects.get()
    assert message.kind == OutboundEmail.Kind.TRANSACTIONAL
    assert message.template == "account/email/password_reset_key"
    assert message.status == OutboundEmail.Status.SENT
    # The reset link is a secret: the outbox keeps no copy once it is sent.
    assert message.body_text == message.body_html == ""

    sent = mail.outbox[0]
    assert sent.to == ["alice@example.org"]
    assert "/accounts/password/reset/key/" in sent.body
    assert f"This email was sent by the {settings.CHARITY_NAME} nurse helpline: {settings.HELPLINE_PHONE}" in sent.body
    html = sent.alternatives[0].content
    assert '<a href="http://testserver/accounts/password/reset/key/' in html
    assert "List-Unsubscribe" not in sent.extra_headers


def test_account_mail_reaches_an_address_that_unsubscribed_from_follow_ups(
    client, mother, django_capture_on_commit_callbacks
):
    from portal.outbox import suppression_add
    from portal.outbox.consent import address_hash

    suppression_add(address_hash=address_hash("alice@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
