"""The mother's request page says what is true at each stage and offers only what she can do then."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peers import services
from peers.models import PeerRequest

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db

WITHDRAW = "Withdraw my request"
END = "End the introduction"
NOT_YET_SHARED = "given to your volunteer only once she has agreed"


@pytest.fixture
def peer_request(mother):
    return services.peer_request_create(
        by=mother,
        data={"first_name": "Alice", "contact_email": mother.email},
        consent_nurses_read=True,
        consent_share_details=True,
    )


def page(client, mother, peer_request) -> str:
    client.force_login(mother)
    response = client.get(reverse("peers:request-detail", args=[peer_request.pk]))
    assert response.status_code == 200
    return response.text


def introduce(peer_request, nurse):
    volunteer = make_volunteer(first_name="Vera")
    intro = services.introduction_propose(by=nurse, peer_request=peer_request, volunteer=volunteer)
    return services.introduction_accept(by=volunteer.user, introduction=intro)


def test_while_she_waits_she_can_withdraw_and_nothing_is_shared_yet(client, mother, peer_request):
    text = page(client, mother, peer_request)
    assert NOT_YET_SHARED in text
    assert WITHDRAW in text
    assert END not in text
    assert "You chose not to say more about your experience." in text
    assert "She chose not to say more" not in text


def test_once_introduced_she_can_end_the_introduction_but_not_withdraw(client, mother, nurse, peer_request):
    introduce(peer_request, nurse)
    text = page(client, mother, peer_request)
    assert "Vera has agreed to talk with you." in text
    assert "given to Vera when she agreed" in text
    assert NOT_YET_SHARED not in text
    assert END in text
    assert WITHDRAW not in text


def test_after_withdrawing_it_says_so_and_offers_a_new_request(client, mother, peer_request):
    services.peer_request_withdraw(by=mother, peer_request=peer_request)
    text = page(client, mother, peer_request)
    assert "You withdrew this request on" in text
    assert "make a new request" in text
    assert NOT_YET_SHARED not in text
    assert WITHDRAW not in text and END not in text
    assert "She chose not to say more" not in text


def test_after_the_introduction_ends_it_says_so(client, mother, nurse, peer_request):
    intro = introduce(peer_request, nurse)
    services.introduction_end(by=mother, introduction=intro)
    text = page(client, mother, peer_request)
    assert "Your introduction ended on" in text
    assert WITHDRAW not in text and END not in text
    assert NOT_YET_SHARED not in text


def requests_made_earlier(count: int) -> None:
    for n in range(count):
        make_request(created_at=timezone.now() - timedelta(days=10 - n), contact_email=f"earlier{n}@example.org")


def test_while_a_nurse_looks_for_someone_she_sees_the_requests_still_waiting_before_hers(client, mother, peer_request):
    requests_made_earlier(4)

    text = page(client, mother, peer_request)

    assert "4 requests came in before yours and are still waiting for a nurse to find someone." in text
    assert "waiting for her answer" not in text


def test_once_a_volunteer_is_asked_she_sees_that_not_the_queue(client, mother, nurse, peer_request):
    requests_made_earlier(4)
    intro = services.introduction_propose(by=nurse, peer_request=peer_request, volunteer=make_volunteer())

    text = page(client, mother, peer_request)

    assert "A volunteer has been asked and we are waiting for her answer." in text
    assert f"she has until {intro.respond_by:%-d %B} to answer" in text
    assert "came in before yours" not in text and "Yours is the next request" not in text


def test_a_request_already_with_a_volunteer_is_not_counted_as_waiting_before_hers(client, mother, nurse, peer_request):
    requests_made_earlier(2)
    earliest = PeerRequest.objects.order_by("created_at").first()
    services.introduction_propose(by=nurse, peer_request=earliest, volunteer=make_volunteer())

    assert "1 request came in before yours and is still waiting" in page(client, mother, peer_request)
