"""No personal data in URLs, log lines or Celery task arguments.

Flows run with a canary value in every personal field; everything logged, every
task argument and every URL visited or redirected to is then searched for it.
Apps add their flows to FLOWS.
"""

import logging

import pytest
from celery import signals
from django.test import Client

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CANARY = "cnry5150"
CANARY_EMAIL = f"{CANARY}@example.org"


class RecordingClient(Client):
    """A client that remembers every URL it requested and every redirect it was given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls: list[str] = []

    def request(self, **request):
        response = super().request(**request)
        self.urls.append(request.get("PATH_INFO", "") + "?" + request.get("QUERY_STRING", ""))
        if response.has_header("Location"):
            self.urls.append(response["Location"])
        return response


def account_flows(client: RecordingClient) -> None:
    client.post("/accounts/signup/", {"email": CANARY_EMAIL, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    client.post("/accounts/login/", {"login": CANARY_EMAIL, "password": f"wrong-{CANARY}-pw"})
    client.post("/accounts/password/reset/", {"email": CANARY_EMAIL})
    from allauth.account.models import EmailAddress

    from portal.models import User

    user = User.objects.get(email=CANARY_EMAIL)
    EmailAddress.objects.filter(user=user).update(verified=True)
    User.objects.filter(pk=user.pk).update(first_name=f"Ann{CANARY}", last_name=f"Smith{CANARY}")
    client.post("/accounts/login/", {"login": CANARY_EMAIL, "password": TEST_PASSWORD})
    client.get("/account/")
    client.get("/account/data/")
    client.get("/account/data.json")
    client.post("/account/delete/", {"confirm": "on"})


def peers_flows(client: RecordingClient) -> None:
    """A mother asks for support, is introduced, then downloads and erases her data from her peer support page."""
    from peers import services
    from peers.models import PeerRequest
    from portal.roles import Role
    from tests.conftest import make_user
    from tests.peers.builders import make_volunteer

    mother = make_user(f"mum.{CANARY_EMAIL}", first_name=f"Mum{CANARY}")
    volunteer = make_volunteer(
        make_user(f"vol.{CANARY_EMAIL}", role=Role.VOLUNTEER), first_name=f"Vol{CANARY}", contact_phone=f"0770{CANARY}"
    )
    nurse = make_user(f"nurse.{CANARY_EMAIL}", role=Role.NURSE, mfa=True)
    client.post("/accounts/login/", {"login": mother.email, "password": TEST_PASSWORD})
    client.post(
        "/peers/request/new/",
        {
            "first_name": f"Mum{CANARY}",
            "contact_method": "email",
            "contact_email": f"home.{CANARY_EMAIL}",
            "contact_phone": f"0770{CANARY}",
            "about": f"About {CANARY}",
            "languages": CANARY,
            "consent_nurses_read": "on",
            "consent_share_details": "on",
        },
    )
    request = PeerRequest.objects.get(mother=mother)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=volunteer, note=CANARY)
    services.introduction_accept(by=volunteer.user, introduction=intro)
    client.get("/peers/my-data/")
    assert client.get("/peers/my-data/download/").status_code == 200
    assert client.post("/peers/my-data/delete/", {"confirm": "yes"}).status_code == 302
    assert not PeerRequest.objects.filter(mother=mother).exists()
    client.post("/accounts/logout/")


def helpline_flows(client: RecordingClient) -> None:
    """A nurse logs a caller's enquiry, then finds it by name and by email from the queue's search box."""
    from portal.roles import Role
    from tests.conftest import make_user

    nurse = make_user(f"nurse2.{CANARY_EMAIL}", role=Role.NURSE, mfa=True)
    client.force_login(nurse)
    logged = client.post(
        "/helpline/enquiries/new/",
        {
            "channel": "phone",
            "caller_type": "self",
            "name": f"Caller {CANARY}",
            "email": f"caller.{CANARY_EMAIL}",
            "phone": "07700 900555",
            "topics": ["pain"],
            "urgency": "3",
            "summary": f"Summary {CANARY}",
        },
    )
    assert logged.status_code == 302
    for term in (f"Caller {CANARY}", f"caller.{CANARY_EMAIL}"):
        results = client.get(client.post("/helpline/", {"q": term, "status": "all"})["Location"])
        assert CANARY in results.content.decode()  # found: the search really ran
    client.post("/accounts/logout/")


# Apps append functions taking the client (signed out) and using CANARY in every personal field.
FLOWS = [account_flows, peers_flows, helpline_flows]


@pytest.fixture
def task_args():
    seen = []

    def record(sender=None, args=None, kwargs=None, body=None, **extra):
        seen.append(repr((args, kwargs, body)))

    signals.before_task_publish.connect(record, weak=False)
    signals.task_prerun.connect(record, weak=False)
    yield seen
    signals.before_task_publish.disconnect(record)
    signals.task_prerun.disconnect(record)


def test_the_canary_appears_in_no_url_log_line_or_task_argument(caplog, task_args, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    client = RecordingClient()
    with django_capture_on_commit_callbacks(execute=True):
        for flow in FLOWS:
            flow(client)
    assert client.urls, "the flows made no requests"
    assert task_args, "the flows queued no tasks (mail should have been sent)"
    assert [url for url in client.urls if CANARY in url.lower()] == []
    assert [line for line in caplog.messages if CANARY in line.lower()] == []
    assert [args for args in task_args if CANARY in args.lower()] == []
