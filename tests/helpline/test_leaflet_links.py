"""What the helpline takes from the leaflet: links in follow-ups, and the gaps in its guidance."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from helpline import replies, selectors, services
from helpline.models import FollowUpTemplate, Topic
from leaflet.models import Organisation, Section
from leaflet.selectors import published_section_count_matching

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(leaflet):
    template = FollowUpTemplate.objects.get(name="Information you asked for")
    template.section_slugs = ["breastfeeding", "no-such-section"]
    template.organisation_slugs = ["nct", "citizens-advice"]
    template.save()
    return template


def test_a_reply_started_from_a_template_links_its_sections_and_organisations(
    nurse, enquiry, template, django_capture_on_commit_callbacks
):
    start = replies.starting_point(template, enquiry=enquiry, nurse=nurse)
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_reply_send(enquiry=enquiry, by=nurse, **start)

    body = mail.outbox[0].body
    section = Section.objects.get(slug="breastfeeding")
    assert f"- {section.title}: http://127.0.0.1:8000/{section.get_absolute_url().lstrip('/')}" in body
    assert "https://www.nctpregnancyandbabycare.com" in body
    citizens_advice = Organisation.objects.get(slug="citizens-advice")  # no website: its entry in the leaflet
    assert f"http://127.0.0.1:8000{citizens_advice.get_absolute_url()}" in body
    assert "no-such-section" not in body
    html = mail.outbox[0].alternatives[0].content
    assert f'<a href="http://127.0.0.1:8000{section.get_absolute_url()}">{section.title}</a>' in html


def test_only_published_sections_are_linked(template):
    keys = ["section:breastfeeding", "section:no-such-section", "organisation:nct", "organisation:citizens-advice"]
    assert len(replies.links_for(keys)) == 3
    Section.objects.filter(slug="breastfeeding").update(published_at=None)

    links = replies.links_for(keys)

    assert len(links) == 2
    assert all("/breastfeeding" not in link["url"] for link in links)


def test_nurses_pick_links_from_the_live_leaflet_when_editing_a_template(nurse_client, template):
    page = nurse_client.get(f"/helpline/templates/{template.pk}/").content.decode()
    assert 'name="section_slugs" value="breastfeeding"' in page
    assert 'name="organisation_slugs" value="nct"' in page

    nurse_client.post(
        f"/helpline/templates/{template.pk}/",
        {
            "name": template.name,
            "subject": template.subject,
            "body": template.body,
            "section_slugs": ["coping-with-pain", "exercises"],
            "organisation_slugs": [],
            "is_active": "on",
        },
    )

    template.refresh_from_db()
    assert (template.section_slugs, template.organisation_slugs) == (["coping-with-pain", "exercises"], [])


def test_the_gaps_are_topics_asked_about_often_and_covered_thinly(nurse, leaflet):
    for _ in range(4):
        make_enquiry(nurse, topics=[Topic.EMOTIONAL_SUPPORT, Topic.PAIN])
    make_enquiry(nurse, topics=[Topic.HEPARIN])

    gaps, others = selectors.guidance_gaps(since=timezone.now() - timedelta(days=30))

    by_topic = {g.topic: g for g in gaps + others}
    assert by_topic[Topic.EMOTIONAL_SUPPORT].enquiries == 4
    assert by_topic[Topic.EMOTIONAL_SUPPORT].sections == published_section_count_matching("emotional") <= 1
    assert Topic.EMOTIONAL_SUPPORT in [g.topic for g in gaps]
    assert by_topic[Topic.PAIN].sections > 1
    assert Topic.PAIN not in [g.topic for g in gaps]  # asked often, but well covered
    assert Topic.HEPARIN not in [g.topic for g in gaps]  # covered thinly, but rarely asked
    assert by_topic[Topic.HEPARIN].enquiries == 1


def test_the_gaps_page_shows_counts_and_no_personal_details(nurse_client, nurse, leaflet):
    for _ in range(3):
        make_enquiry(nurse, topics=[Topic.EMOTIONAL_SUPPORT])

    page = nurse_client.get("/helpline/reports/gaps/").content.decode()

    assert 'Emotional support <span class="tag tag--urgent">Gap</span>' in page
    assert "Harriet" not in page and "harriet@example.net" not in page
