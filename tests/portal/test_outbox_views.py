"""Staff visibility: the email list include, a nurse cancelling a scheduled email, an admin retrying failed ones."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry, OutboundEmail
from portal.outbox import email_queue, email_retry, emails_about
from portal.outbox.services import CANCELLED_BY_STAFF
from portal.outbox.views import CANCELLED, TOO_LATE
from portal.roles import user_roles

pytestmark = pytest.mark.django_db

TEMPLATE = "portal/email/test_message"
Status = OutboundEmail.Status


@pytest.fixture
def scheduled(mother):
    return email_queue(
        to="alice@example.org",
        template=TEMPLATE,
        about=mother,
        kind=OutboundEmail.Kind.FOLLOW_UP,
        send_after=timezone.now() + timedelta(days=14),
    )


def cancel_url(message) -> str:
    return reverse("portal:email-cancel", args=[message.pk])


def test_a_nurse_cancels_a_scheduled_email_and_returns_to_her_page(client, nurse, scheduled):
    client.force_login(nurse)
    response = client.post(cancel_url(scheduled), {"next": "/helpline/enquiries/7/"}, follow=False)
    assert response.status_code == 302
    assert response.url == "/helpline/enquiries/7/"
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED
    assert scheduled.last_error == CANCELLED_BY_STAFF
    entry = AuditEntry.objects.get(action="email.cancel")
    assert entry.actor == nurse
    assert entry.target_id == str(scheduled.pk)
    assert [str(m) for m in client.get("/").context["messages"]] == [CANCELLED]


@pytest.mark.parametrize("next_url", ["0098-05-27", "https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_next_that_is_not_a_path_on_this_site_returns_home(client, nurse, scheduled, next_url):
    client.force_login(nurse)
    response = client.post(cancel_url(scheduled), {"next": next_url})
    assert (response.status_code, response.url) == (302, "/")


def test_an_admin_may_cancel_too(client, admin_user, scheduled):
    client.force_login(admin_user)
    client.post(cancel_url(scheduled))
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED


def test_an_email_already_sent_cannot_be_cancelled(client, nurse, scheduled):
    OutboundEmail.objects.filter(pk=scheduled.pk).update(status=Status.SENT, sent_at=timezone.now())
    client.force_login(nurse)
    response = client.post(cancel_url(scheduled), {"next": "/account/"}, follow=True)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SENT
    assert TOO_LATE.format(status="sent") in [str(m) for m in response.context["messages"]]
    assert not AuditEntry.objects.filter(action="email.cancel").exists()


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)", ""])
def test_an_unsafe_next_goes_home_instead(client, nurse, scheduled, target):
    client.force_login(nurse)
    response = client.post(cancel_url(scheduled), {"next": target})
    assert response.url == "/"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, scheduled):
    response = client.post(cancel_url(scheduled))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED


@pytest.mark.parametrize("persona", ["mother", "volunteer", "editor", "outsider"])
def test_other_roles_may_not_cancel(client, request, scheduled, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(cancel_url(scheduled)).status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED


def test_cancel_refuses_get_and_unknown_emails(client, nurse, scheduled):
    client.force_login(nurse)
    assert client.get(cancel_url(scheduled)).status_code == 405
    assert client.post(reverse("portal:email-cancel", args=[scheduled.pk + 1000])).status_code == 404


def test_the_email_list_shows_each_state_masks_addresses_and_offers_cancel_only_while_scheduled(
    nurse, mother, scheduled, django_assert_num_queries
):
    failed = email_queue(to="bea@example.org", template=TEMPLATE, about=mother)
    OutboundEmail.objects.filter(pk=failed.pk).update(status=Status.FAILED, last_error="The mail server refused it.")
    request = RequestFactory().get("/helpline/enquiries/7/")
    request.user = nurse
    user_roles(nurse)  # the page's context processor reads roles once; the include itself adds no query
    emails = list(emails_about(mother))
    with django_assert_num_queries(0):
        html = render_to_string(
            "portal/includes/email_list.html", {"emails": emails, "next": "/helpline/enquiries/7/"}, request=request
        )
    assert html.count('<li class="email-list__item') == 2
    assert "a\u2026@example.org" in html and "b\u2026@example.org" in html
    assert "alice@example.org" not in html
    assert "Scheduled" in html and "Failed" in html
    assert "Why it failed</dt><dd>The mail server refused it." in html
    assert html.count("Cancel this email") == 1
    assert f'action="{cancel_url(scheduled)}"' in html
    assert 'name="next" value="/helpline/enquiries/7/"' in html
    readonly = render_to_string("portal/includes/email_list.html", {"emails": emails, "readonly": True})
    assert "Cancel this email" not in readonly


def test_an_admin_retries_failed_emails_from_the_admin_list(client, admin_user, django_capture_on_commit_callbacks):
    failed = email_queue(to="alice@example.org", template=TEMPLATE)
    OutboundEmail.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=8, last_error="SMTP 550")
    scheduled = email_queue(to="bea@example.org", template=TEMPLATE, send_after=timezone.now() + timedelta(days=1))
    client.force_login(admin_user)
    changelist = reverse("admin:portal_outboundemail_changelist")
    assert b"SMTP 550" in client.get(changelist, {"status__exact": "failed"}).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry_failed", "_selected_action": [failed.pk, scheduled.pk]}, follow=True
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    scheduled.refresh_from_db()
    assert failed.status == Status.SENT
    assert failed.attempts == 1
    assert scheduled.status == Status.SCHEDULED
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.get(action="email.retry").actor == admin_user


def test_a_nurse_cannot_reach_the_admin_outbox(client, nurse):
    client.force_login(nurse)
    response = client.get(reverse("admin:portal_outboundemail_changelist"))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_only_a_failed_email_can_be_retried(admin_user, scheduled):
    with pytest.raises(ValidationError) as error:
        email_retry(message=scheduled, by=admin_user)
    assert error.value.messages == ['Only a failed email can be retried; this one is "scheduled".']
