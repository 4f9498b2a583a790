"""Who may reach what: anonymous, wrong role, someone else's object, GET on POST-only views."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peers import services

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduced(mother, volunteer, nurse):
    request = make_request(mother)
    profile = make_volunteer(volunteer)
    intro = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    return request, profile, intro


NURSE_PAGES = ["peers:nurse-queue", "peers:nurse-volunteers"]


@pytest.mark.parametrize("name", NURSE_PAGES)
def test_nurse_pages_send_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("name", NURSE_PAGES)
def test_a_volunteer_or_mother_cannot_see_the_nurse_queue(client, volunteer, mother, name):
    for user in (volunteer, mother):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_a_volunteer_cannot_open_a_request_as_a_nurse(client, introduced):
    request, profile, _ = introduced
    client.force_login(profile.user)
    assert client.get(reverse("peers:nurse-request", args=[request.pk])).status_code == 403
    assert client.post(reverse("peers:nurse-request-contact", args=[request.pk])).status_code == 403


def test_another_mothers_request_is_404(client, other_mother, introduced):
    request, _, _ = introduced
    client.force_login(other_mother)
    assert client.get(reverse("peers:request-detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("peers:request-withdraw", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == "proposed"


def test_another_volunteers_introduction_is_404(client, introduced):
    _, _, intro = introduced
    someone_else = make_volunteer()
    client.force_login(someone_else.user)
    assert client.post(reverse("peers:introduction-accept", args=[intro.pk])).status_code == 404
    assert client.post(reverse("peers:introduction-decline", args=[intro.pk])).status_code == 404
    intro.refresh_from_db()
    assert intro.status == "proposed"


def test_the_mother_cannot_accept_on_the_volunteers_behalf(client, mother, introduced):
    _, _, intro = introduced
    client.force_login(mother)
    assert client.post(reverse("peers:introduction-accept", args=[intro.pk])).status_code == 403


@pytest.mark.parametrize(
    ("name", "needs_pk"),
    [
        ("peers:request-withdraw", True),
        ("peers:introduction-accept", True),
        ("peers:introduction-decline", True),
        ("peers:introduction-end", True),
        ("peers:volunteer-pause", False),
        ("peers:volunteer-resume", False),
        ("peers:nurse-request-contact", True),
        ("peers:nurse-propose", True),
        ("peers:nurse-introduction-close", True),
        ("peers:nurse-task-done", True),
        ("peers:nurse-volunteer-contact", True),
        ("peers:nurse-volunteer-briefing", True),
        ("peers:nurse-volunteer-decline", True),
    ],
)
def test_post_only_views_refuse_get(client, nurse, name, needs_pk):
    client.force_login(nurse)
    url = reverse(name, args=[1] if needs_pk else [])
    assert client.get(url).status_code == 405


def test_nurses_and_volunteers_cannot_make_a_mothers_request(client, nurse, volunteer):
    for user in (nurse, volunteer):
        client.force_login(user)
        assert client.get(reverse("peers:request-new")).status_code == 403


def test_the_public_pages_are_public(client):
    for name in ("peers:index", "peers:request-start"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("peers:request-new")).status_code == 302


def queries_for(client, url) -> int:
    client.get(url)  # the first request of a session does one-off work (session, MFA checks)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_nurse_queue_query_count_does_not_grow_with_requests(client, nurse):
    client.force_login(nurse)
    make_request(None)
    few = queries_for(client, reverse("peers:nurse-queue"))
    for n in range(30):
        make_request(None, first_name=f"C{n}", contact_email=f"c{n}@example.org")
    assert queries_for(client, reverse("peers:nurse-queue")) == few
    assert client.get(reverse("peers:nurse-queue")).text.count("/peers/nurse/requests/") == 31


def test_the_nurse_request_page_query_count_does_not_grow_with_volunteers(client, nurse):
    request = make_request(None)
    make_volunteer()
    client.force_login(nurse)
    url = reverse("peers:nurse-request", args=[request.pk]) + "?all=1"
    few = queries_for(client, url)
    for _ in range(25):
        make_volunteer()
    assert queries_for(client, url) == few
    assert client.get(url).text.count("Propose V-") == 26
