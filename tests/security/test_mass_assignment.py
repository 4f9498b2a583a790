"""Posting fields a form does not offer changes nothing: forms whitelist what they accept."""

import pytest
from django.contrib.auth.models import Group

from portal.models import User
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

EXTRA = {
    "is_staff": "on",
    "is_superuser": "on",
    "is_active": "on",
    "groups": "1",
    "user": "1",
    "owner": "1",
    "user_id": "1",
    "status": "closed",
    "consent": "on",
    "consent_contact": "on",
    "email_verified": "on",
    "verified": "on",
}


def test_signing_up_with_extra_fields_gives_an_ordinary_account(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "mass@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD, **EXTRA},
    )
    assert response.status_code == 302
    user = User.objects.get(email="mass@example.org")
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert not user.groups.exists()
    assert not user.emailaddress_set.filter(verified=True).exists()


def test_the_delete_form_ignores_extra_fields_and_deletes_only_her_own_account(client, mother, other_mother):
    client.force_login(mother)
    client.post("/account/delete/", {"confirm": "on", "user": other_mother.pk, "user_id": other_mother.pk, **EXTRA})
    other_mother.refresh_from_db()
    assert other_mother.is_active
    mother.refresh_from_db()
    assert not mother.is_active
    assert Group.objects.filter(name="mother").get().user_set.filter(pk=other_mother.pk).exists()
