"""Every form that takes an email address refuses control characters, with a clear error.

Django's email validation accepts a form feed inside a quoted local part; in the To: header
it becomes a real line break, and the message can never be sent.
"""

import pytest

from helpline.forms import AskForm, EnquiryEditForm, EnquiryLogForm
from peers.forms import PeerRequestForm, VolunteerApplicationForm
from portal.models import User
from portal.validators import EMAIL_CONTROL_CHARACTERS
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

BAD = ['"x\x0cy:z"@example.org', '"x\x0by"@example.org', '"x\x7fy"@example.org']


@pytest.mark.parametrize("address", BAD)
@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (AskForm, "email"),
        (EnquiryLogForm, "email"),
        (EnquiryEditForm, "email"),
        (PeerRequestForm, "contact_email"),
        (VolunteerApplicationForm, "contact_email"),
    ],
)
def test_the_apps_forms_refuse_control_characters(form_class, field, address):
    form = form_class(data={field: address})
    assert form.errors.get(field) == [EMAIL_CONTROL_CHARACTERS]


def test_a_plain_address_is_still_accepted():
    form = AskForm(data={"email": "Alice.Smith+pop@example.org"})
    assert "email" not in form.errors


@pytest.mark.parametrize("address", BAD)
def test_signing_up_signing_in_and_resetting_a_password_refuse_control_characters(client, address):
    for url, data in [
        ("/accounts/signup/", {"email": address, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}),
        ("/accounts/login/", {"login": address, "password": TEST_PASSWORD}),
        ("/accounts/password/reset/", {"email": address}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert str(EMAIL_CONTROL_CHARACTERS) in response.content.decode(), url
    assert not User.objects.exists()


def test_adding_an_address_to_an_account_refuses_control_characters(client, mother):
    client.force_login(mother)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    response = client.post("/accounts/email/", {"action_add": "", "email": BAD[0]})
    assert str(EMAIL_CONTROL_CHARACTERS) in response.content.decode()
    assert list(mother.emailaddress_set.values_list("email", flat=True)) == [mother.email]


def test_the_admins_user_form_refuses_control_characters(client, admin_user, mother):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/portal/user/{mother.pk}/change/",
        {"email": BAD[0], "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"},
    )
    assert str(EMAIL_CONTROL_CHARACTERS) in response.content.decode()
    mother.refresh_from_db()
    assert mother.email == "alice@example.org"
