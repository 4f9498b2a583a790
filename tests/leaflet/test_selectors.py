import pytest

from leaflet import selectors
from leaflet.models import Section

pytestmark = pytest.mark.django_db


def test_published_sections_are_in_leaflet_order_and_exclude_drafts(leaflet):
    Section.objects.create(order=99, slug="draft-only", draft_title="Draft only")
    sections = list(selectors.published_sections())
    assert len(sections) == 17
    assert sections[0].title == "What is osteoporosis?"
    assert sections[-1].get_absolute_url() == "/guidance/useful-contacts/"
    assert "draft-only" not in [s.slug for s in sections]


def test_organisations_carry_contact_details_and_a_link(leaflet):
    nct = selectors.organisations().get(slug="nct")
    assert nct.name == "The National Childbirth Trust (NCT)"
    assert nct.phone == "0870 444 8709"
    assert nct.get_absolute_url() == "/guidance/useful-contacts/#nct"
    names = set(selectors.organisations().values_list("name", flat=True))
    assert {"Citizens Advice Bureau", "Benefits Agency", "National Osteoporosis Society Helpline"} <= names
