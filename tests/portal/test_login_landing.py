"""After signing in, staff land where their work is; a page she was sent to sign in for comes first."""

import pytest
import time_machine
from django.utils import timezone

from portal.roles import Role, grant_role
from tests.conftest import TEST_PASSWORD, make_user
from tests.security.test_accounts import LOGIN, MFA, current_code

pytestmark = pytest.mark.django_db


def sign_in(client, user, next_url: str = "") -> str:
    """Password, then the authenticator code for staff; where the portal sends her at the end."""
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    data = {"login": user.email, "password": TEST_PASSWORD, **({"next": next_url} if next_url else {})}
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(url, data)
        if response.url == MFA:
            response = client.post(MFA, {"code": current_code(user)})
    assert response.status_code == 302
    return response.url


def test_a_nurse_lands_on_the_helpline_queue(client, nurse):
    assert sign_in(client, nurse) == "/helpline/"
    assert "Helpline queue" in client.get("/helpline/").content.decode()


def test_an_editor_lands_on_the_review_list(client, editor):
    assert sign_in(client, editor) == "/editor/"


def test_someone_who_is_both_lands_on_the_queue_first(client, editor):
    grant_role(editor, Role.NURSE)
    assert sign_in(client, editor) == "/helpline/"


def test_a_mother_still_lands_on_her_account(client, mother):
    assert sign_in(client, mother) == "/account/"


def test_a_member_without_a_role_lands_on_her_account(client):
    assert sign_in(client, make_user("nobody@example.org")) == "/account/"


def test_a_page_she_was_sent_to_sign_in_for_comes_first(client, nurse):
    assert sign_in(client, nurse, next_url="/account/data/") == "/account/data/"
