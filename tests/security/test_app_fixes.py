"""Bad requests found by the security sweeps that used to crash (500) and now get a plain message."""

import pytest

from peers.services import NOT_A_VOLUNTEER

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/peers/volunteer/pause/", "/peers/volunteer/resume/"])
def test_pausing_or_resuming_without_an_approved_profile_is_a_message_not_a_crash(client, volunteer, path):
    client.force_login(volunteer)  # has the role, but no approved profile
    response = client.post(path, {}, follow=True)
    assert response.status_code == 200
    assert str(NOT_A_VOLUNTEER) in response.content.decode()


def test_a_search_containing_a_nul_byte_is_answered_not_a_crash(client):
    # PostgreSQL rejects NUL in text; found by the fuzzer against PostgreSQL.
    response = client.get("/search/", {"q": "heparin\x00pain"})
    assert response.status_code == 200
