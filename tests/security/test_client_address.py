"""Behind nginx (TRUSTED_PROXY_COUNT=1) the audit log, rate limits and sessions all see the visitor's address.

nginx connects from 127.0.0.1 and puts the address it saw last in X-Forwarded-For; anything
before that entry was written by the visitor and must not be believed.
"""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from portal.models import AuditEntry
from tests.conftest import TEST_PASSWORD
from tests.helpline.conftest import make_enquiry

pytestmark = pytest.mark.django_db

NGINX = "127.0.0.1"
HER = "203.0.113.5"
SOMEONE_ELSE = "198.51.100.20"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def through_nginx(address: str, forged: str = "") -> dict:
    """The request's headers as nginx passes them on, after any X-Forwarded-For the visitor sent herself."""
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"{forged}, {address}" if forged else address}


def test_the_audit_log_records_the_visitors_address_not_nginxs_nor_a_forged_one(client, nurse):
    enquiry = make_enquiry(nurse)
    client.force_login(nurse)

    client.get(enquiry.get_absolute_url(), **through_nginx(HER, forged="192.0.2.66"))

    assert AuditEntry.objects.get(action="enquiry.viewed").ip == HER


def test_the_ask_form_limit_counts_per_visitor_and_a_forged_entry_does_not_escape_it(client, settings):
    settings.HELPLINE_ASK_LIMIT_PER_IP = 2
    incomplete = {"question": "Is it safe?"}  # counted against the address, never stored
    for n in range(2):
        assert client.post("/helpline/ask/", incomplete, **through_nginx(HER, forged=f"192.0.2.{n}")).status_code == 200

    assert client.post("/helpline/ask/", incomplete, **through_nginx(HER, forged="192.0.2.99")).status_code == 429
    # Another visitor behind the same nginx is not held up by her.
    assert client.post("/helpline/ask/", incomplete, **through_nginx(SOMEONE_ELSE)).status_code == 200


def test_the_failed_sign_in_limit_counts_per_visitor_and_a_forged_entry_does_not_escape_it(mother):
    guesser = Client()
    for n in range(5):
        guesser.post(
            "/accounts/login/",
            {"login": mother.email, "password": "guessing-123"},
            **through_nginx(SOMEONE_ELSE, forged=f"192.0.2.{n}"),
        )
    signing_in = {"login": mother.email, "password": TEST_PASSWORD}

    assert (
        guesser.post("/accounts/login/", signing_in, **through_nginx(SOMEONE_ELSE, forged="192.0.2.99")).status_code
        == 429
    )
    assert Client().post("/accounts/login/", signing_in, **through_nginx(HER)).status_code == 302


def test_where_she_is_signed_in_shows_her_address(client, mother):
    response = client.post(
        "/accounts/login/",
        {"login": mother.email, "password": TEST_PASSWORD},
        **through_nginx(HER, forged="192.0.2.66"),
    )

    assert response.status_code == 302
    assert UserSession.objects.get(user=mother).ip == HER


def test_without_a_proxy_the_address_is_the_connections_own_and_the_header_is_ignored(client, nurse, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    enquiry = make_enquiry(nurse)
    client.force_login(nurse)

    client.get(enquiry.get_absolute_url(), REMOTE_ADDR=SOMEONE_ELSE, HTTP_X_FORWARDED_FOR=HER)

    assert AuditEntry.objects.get(action="enquiry.viewed").ip == SOMEONE_ELSE
