import pytest

from leaflet.models import Section
from portal.roles import Role
from tests.conftest import make_user


@pytest.fixture
def other_nurse(db):
    return make_user("nia@example.org", role=Role.NURSE, mfa=True, first_name="Nia")


@pytest.fixture
def breastfeeding(leaflet):
    return Section.objects.get(slug="breastfeeding")


def draft_fields(section, **changes):
    fields = {
        "title": section.draft_title,
        "summary": section.draft_summary,
        "body": section.draft_body,
        "evidence_sources": section.draft_evidence_sources,
        "next_review_due": None,
    }
    fields.update(changes)
    return fields
