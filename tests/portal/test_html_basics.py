"""A favicon on every page and `<time datetime>` values that are valid HTML."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from helpline import services as helpline
from tests.helpline.conftest import make_enquiry

pytestmark = pytest.mark.django_db

# HTML's valid date string, or global date and time string with at most milliseconds.
VALID_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d))?")


def datetimes(html: str) -> list[str]:
    values = re.findall(r'<time datetime="([^"]*)"', html)
    assert values, "the page has no <time> to check"
    return values


def test_every_page_links_a_favicon_and_favicon_ico_answers(client):
    page = client.get("/")
    assert re.search(r'<link rel="icon" href="/static/img/favicon\.svg"', page.text)
    assert finders.find("img/favicon.svg")
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_staff_pages_write_times_without_microseconds(client, nurse):
    enquiry = make_enquiry(nurse)
    helpline.enquiry_note_add(enquiry=enquiry, by=nurse, text="Called back.")
    client.force_login(nurse)
    for url in (reverse("helpline:queue"), enquiry.get_absolute_url()):
        for value in datetimes(client.get(url).text):
            assert VALID_DATETIME.fullmatch(value), f"{url}: {value}"
