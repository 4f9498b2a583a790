import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from portal.models import User
from portal.roles import Role
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_a_mother_signs_up_verifies_her_email_and_signs_in(client, django_capture_on_commit_callbacks):
    # Account mail goes through the outbox: it is delivered once the sign-up commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "new.mum@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        )
    assert response.status_code == 302
    assert User.objects.filter(email="new.mum@example.org").exists()

    # Unverified: signing in only resends the verification mail.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": "new.mum@example.org", "password": TEST_PASSWORD})
    assert "/accounts/confirm-email/" in response.url

    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    client.post("/" + path)

    response = client.post("/accounts/login/", {"login": "new.mum@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_a_short_or_common_password_is_refused(client):
    for password in ("short-pw-11", "password1234"):
        response = client.post(
            "/accounts/signup/", {"email": "x@example.org", "password1": password, "password2": password}
        )
        assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_nurse_without_mfa_is_sent_to_set_it_up_before_any_staff_page(client):
    nurse = make_user("new.nurse@example.org", role=Role.NURSE)
    client.force_login(nurse)
    for path in ("/account/", "/admin/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp")


def test_a_nurse_with_mfa_reaches_her_pages(client, nurse):
    assert Authenticator.objects.filter(user=nurse).exists()
    client.force_login(nurse)
    assert client.get("/account/").status_code == 200


def test_a_mother_may_use_the_portal_without_mfa(client, mother):
    client.force_login(mother)
    assert client.get("/account/").status_code == 200


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
