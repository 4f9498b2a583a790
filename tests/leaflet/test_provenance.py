"""Every guidance page says where its words come from, who reviewed them and when,
and says so honestly once a review is overdue."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leaflet import services
from leaflet.models import Section

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

CITATION = "From the leaflet ‘Pregnancy and osteoporosis’, National Osteoporosis Society, December 2008."
NOTICE = (
    "This guidance was written in 2008. Some details, such as phone numbers, benefits and medicines, "
    "may have changed. The helpline nurses are reviewing it."
)
LONDON = ZoneInfo("Europe/London")
APPROVED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def _text(response) -> str:
    from .test_fidelity import page_text

    assert response.status_code == 200
    return page_text(response.content)


def _approve(section, editor, nurse, due=None):
    services.section_save_draft(
        section=section, by=editor, **draft_fields(section, body=section.body + "\nChecked.", next_review_due=due)
    )
    services.section_submit(section=section, by=editor)
    services.section_approve(section=section, by=nurse)


def test_a_page_never_reviewed_online_names_the_leaflet_and_carries_the_calm_notice(client, breastfeeding):
    text = _text(client.get(breastfeeding.get_absolute_url()))
    assert CITATION + " Not yet reviewed online." in text
    assert NOTICE in text
    assert "call the Royal Osteoporosis Society nurse helpline free on 0808 800 0035" in text
    assert "Next review due" not in text  # a loaded page is not "due" on the day it was loaded
    assert "overdue" not in text
    breastfeeding.refresh_from_db()
    assert breastfeeding.next_review_due is None


def test_a_reviewed_page_names_the_nurse_her_role_the_date_and_the_next_review(client, breastfeeding, editor, nurse):
    nurse.last_name = "Okafor"
    nurse.save()
    with time_machine.travel(APPROVED, tick=False):
        _approve(breastfeeding, editor, nurse)
        text = _text(client.get(breastfeeding.get_absolute_url()))
    assert "Reviewed by Nora Okafor, helpline nurse, on 2 March 2026. Next review due 2 March 2027." in text
    assert CITATION not in text
    assert NOTICE not in text


def test_the_overdue_label_appears_the_day_after_the_review_date(client, breastfeeding, editor, nurse):
    with time_machine.travel(APPROVED, tick=False):
        _approve(breastfeeding, editor, nurse, due=datetime.date(2027, 6, 30))
    url = breastfeeding.get_absolute_url()

    with time_machine.travel(datetime.datetime(2027, 6, 30, 23, 0, tzinfo=LONDON), tick=False):
        text = _text(client.get(url))  # also puts the page in the page cache
    assert "Next review due 30 June 2027." in text
    assert "overdue" not in text

    with time_machine.travel(datetime.datetime(2027, 7, 1, 0, 5, tzinfo=LONDON), tick=False):
        text = _text(client.get(url))
        contents = _text(client.get(reverse("leaflet:contents")))
    assert "Review overdue since 30 June 2027." in text
    assert "Next review due" not in text
    assert "1 page overdue for review." in contents


def test_the_print_view_carries_the_provenance_of_every_section(client, leaflet, editor, nurse):
    breastfeeding = Section.objects.get(slug="breastfeeding")
    with time_machine.travel(APPROVED, tick=False):
        _approve(breastfeeding, editor, nurse)
        text = _text(client.get(reverse("leaflet:print")))
    assert "Most of this guidance comes from the leaflet ‘Pregnancy and osteoporosis’" in text
    assert "1 of 17 pages have been reviewed online so far." in text
    assert NOTICE in text
    assert text.count(CITATION + " Not yet reviewed online.") == 16
    assert "Reviewed by Nora, helpline nurse, on 2 March 2026. Next review due 2 March 2027." in text


def test_summary_pages_say_how_much_has_been_reviewed(client, leaflet):
    for name in ("leaflet:home", "leaflet:contents", "leaflet:case-studies"):
        text = _text(client.get(reverse(name)))
        assert "This guidance comes from the leaflet ‘Pregnancy and osteoporosis’" in text, name
        assert "0 of 17 pages have been reviewed online so far." in text, name
