"""The editors' list of passages that may be out of date since the 2008 leaflet."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leaflet import services
from leaflet.models import Section

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

URL = reverse("leaflet:out-of-date")
# What the issue names, each as the page marks it.
NAMED = [
    "0845 450 0230",
    "0870 444 8709",
    "www.nos.org.uk",
    "www.pippin.org.uk",
    "Benefits Agency",
    "Disability Living Allowance",
    "Incapacity Benefit",
    "Calcitonin",
    "strontium ranelate",
    "etidronate",
    "vitamin D",
]


def _rows(body: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>(.*?)</tr>", body, flags=re.S)


def test_every_named_detail_is_listed_and_marked_with_its_review_state(client, leaflet, editor):
    client.force_login(editor)
    body = client.get(URL).content.decode()
    for detail in NAMED:
        assert f"<mark>{detail}</mark>" in body, detail
    assert "From the 2008 leaflet: never reviewed online" in body
    assert "Details from the 2008 leaflet: never checked" in body
    assert "No clinical sign-off recorded (edited in the admin)" in body
    pippin = next(row for row in _rows(body) if "Contacts › Parents in Partnership" in row)
    assert "<mark>01727 899099</mark>" in pippin


def test_overdue_passages_come_first(client, leaflet, editor, nurse):
    treatments = Section.objects.get(slug="treatments")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/London")), tick=False):
        services.section_save_draft(
            section=treatments,
            by=editor,
            **draft_fields(treatments, body=treatments.body + "\nChecked.", next_review_due=datetime.date(2026, 6, 1)),
        )
        services.section_submit(section=treatments, by=editor)
        services.section_approve(section=treatments, by=nurse)
    client.force_login(editor)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/London")), tick=False):
        rows = _rows(client.get(URL).content.decode())
    assert "Treatments › What about calcium and vitamin D?" in rows[0]
    assert "Review overdue since 1 June 2026" in rows[0]
    assert "never reviewed online" in rows[-1] or "never checked" in rows[-1] or "sign-off" in rows[-1]


def test_one_topic_at_a_time(client, leaflet, editor, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(16):  # one of them the footer's health statements
        body = client.get(URL, {"topic": "phone"}).content.decode()
    rows = _rows(body)
    assert rows and all(re.search(r"<mark>0[\d ]+</mark>", row) for row in rows)
    assert "What about calcium and vitamin D?" not in body
    assert re.search(r"<strong>Phone numbers: \d+</strong>", body)
    assert "Benefits: " in body


def test_it_is_for_editors_and_nurses_only(client, leaflet, nurse, outsider):
    assert client.get(URL).status_code == 302
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    client.force_login(nurse)
    assert client.get(URL).status_code == 200
