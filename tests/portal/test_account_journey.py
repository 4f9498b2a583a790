"""Signing up from "Request a peer contact" keeps where she was going, in the portal's own words."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW_REQUEST = "/peers/request/new/"


def test_sign_up_confirm_and_sign_in_lead_back_to_the_peer_request(client, django_capture_on_commit_callbacks):
    start = client.get(reverse("peers:request-start")).text
    signup_url = f"{reverse('account_signup')}?next={NEW_REQUEST}"
    assert signup_url in start

    form = client.get(signup_url).text
    assert f'name="next" value="{NEW_REQUEST}"' in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "dana@example.org",
                "password1": "a-long-password-41",
                "password2": "a-long-password-41",
                "next": NEW_REQUEST,
            },
        )
    (message,) = mail.outbox
    assert message.subject == "Confirm your email address"
    assert "Please confirm that dana@example.org is your email address" in message.body
    assert "user " not in message.body
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", message.body).group(1)
    assert link.endswith("?next=%2Fpeers%2Frequest%2Fnew%2F")

    page = client.get(link).text
    assert "Please confirm that dana@example.org is your email address." in page
    assert "user #" not in page
    assert f'name="next" value="{NEW_REQUEST}"' in page
    confirm_path = link.split("?")[0]
    confirmed = client.post(confirm_path, {"next": NEW_REQUEST})
    assert confirmed.url == NEW_REQUEST

    # Confirming signed her in: no second trip through the sign-in page.
    assert client.get(confirmed.url).status_code == 200


def test_account_email_subjects_are_in_sentence_case(client, mother, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": mother.email})
    assert mail.outbox[0].subject == "Password reset email"


def test_a_next_pointing_to_another_site_is_not_carried_into_the_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "eve@example.org",
                "password1": "a-long-password-41",
                "password2": "a-long-password-41",
                "next": "https://elsewhere.example.com/",
            },
        )
    assert "next=" not in mail.outbox[0].body


def test_confirming_from_another_browser_still_asks_her_to_sign_in(client, django_capture_on_commit_callbacks):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "fay@example.org", "password1": "a-long-password-41", "password2": "a-long-password-41"},
        )
    path = re.search(r"http://testserver(/accounts/confirm-email/[^?\s]+)", mail.outbox[0].body).group(1)
    other = Client()
    other.post(path)

    assert other.get(NEW_REQUEST).status_code == 302


def test_the_ask_form_fills_in_a_signed_in_mothers_email_and_name(client, mother):
    client.force_login(mother)
    page = client.get(reverse("helpline:ask")).text
    assert f'value="{mother.email}"' in page
    assert f'value="{mother.first_name}"' in page
