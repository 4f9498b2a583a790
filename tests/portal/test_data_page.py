"""The "Your data" page reads as words for a person; the download keeps every detail for software."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.usersessions.models import UserSession

from portal.data_page import browser_in_words
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def signed_in(client):
    user = make_user("rhian@example.org", first_name="Rhian")
    user.date_joined = datetime(2026, 7, 3, 14, 5, tzinfo=LONDON)
    user.save(update_fields=["date_joined"])
    # Signed in from her phone.
    client.defaults.update(HTTP_USER_AGENT=SAFARI_ON_IPHONE, REMOTE_ADDR="203.0.113.9")
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302
    assert UserSession.objects.filter(user=user, ip="203.0.113.9", user_agent=SAFARI_ON_IPHONE).exists()
    return client


def test_the_page_gives_dates_in_words_the_kind_of_browser_and_no_internet_address(signed_in):
    page = signed_in.get("/account/data/").content.decode()

    assert "3 July 2026 at 14:05" in page and "2026-07-03T" not in page
    assert "Safari on a phone" in page and "AppleWebKit" not in page
    assert "203.0.113.9" not in page and "Ip<" not in page
    assert "Last signed in" in page and "Last login" not in page
    assert "Auth: login" in page and "auth.login" not in page


def test_the_download_keeps_the_exact_details_for_software(signed_in):
    data = json.loads(signed_in.get("/account/data.json").content)

    (session,) = [s for s in data["account"]["sessions"] if s["ip"] == "203.0.113.9"]
    assert session["browser"] == SAFARI_ON_IPHONE
    assert data["account"]["date_joined"].startswith("2026-07-03T13:05:00")


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (FIREFOX_ON_LINUX, "Firefox on a computer"),
        (SAFARI_ON_IPHONE, "Safari on a phone"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/125.0 Mobile Safari/537.36",
            "Chrome on a phone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0 Safari/537.36 Edg/125.0",
            "Edge on a computer",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1",
            "Safari on a tablet",
        ),
        ("curl/8.5", "a computer browser"),
        ("", "(not known)"),
    ],
)
def test_a_browser_is_named_by_its_kind_and_device(user_agent, words):
    assert browser_in_words(user_agent) == words
