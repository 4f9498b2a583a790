"""Every block of clinical text the site shows, with its state.

Each is under the clinical workflow (a status, review dates, revisions) and none of its words
can be changed in the admin. Organisations' contact details go through their own
propose-and-approve flow, so they are listed with whether a nurse has checked them.
"""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory

from helpline.triage import ADVICE
from leaflet.health_statements import SITE_STATEMENTS
from leaflet.models import (
    CaseStudy,
    ClinicallyReviewed,
    ClinicalText,
    Exercise,
    ExerciseGroup,
    ExerciseProgramme,
    Organisation,
    ReviewStatus,
    Section,
)

pytestmark = pytest.mark.django_db

REVIEWED = (Section, ClinicalText, CaseStudy, ExerciseProgramme, ExerciseGroup, Exercise)
WORKFLOW_FIELDS = ("status", "published_at", "approved_by", "last_reviewed", "next_review_due", "draft_author")


def inventory() -> list[tuple[str, str, str, str, str]]:
    """(kind, block, state, last reviewed, next review due) for every clinical text block."""
    rows = [
        (
            model._meta.verbose_name,
            str(item),
            item.get_status_display(),
            str(item.last_reviewed or "never"),
            str(item.next_review_due or "not set"),
        )
        for model in REVIEWED
        for item in model.objects.all()
    ]
    rows += [
        (
            "organisation",
            o.name,
            "details checked" if o.details_checked else "as printed in 2008",
            str(o.details_checked_on or "never"),
            "-",
        )
        for o in Organisation.objects.all()
    ]
    return rows


def test_every_clinical_text_block_is_listed_with_its_state(leaflet, capsys):
    rows = inventory()
    with capsys.disabled():
        print("\nClinical text blocks:")
        for row in rows:
            print("  " + " | ".join(row))
    kinds = {kind for kind, *_ in rows}
    assert kinds == {
        "section",
        "clinical text",
        "case study",
        "exercise programme",
        "exercise group",
        "exercise",
        "organisation",
    }
    slugs = set(ClinicalText.objects.values_list("slug", flat=True))
    assert set(SITE_STATEMENTS) | {advice.slug for advice in ADVICE.values()} <= slugs


@pytest.mark.parametrize("model", REVIEWED, ids=lambda m: m.__name__)
def test_each_block_has_a_status_review_dates_and_revisions(leaflet, model):
    assert issubclass(model, ClinicallyReviewed) and model.CLINICAL_FIELDS
    assert tuple(f"draft_{name}" for name in model.CLINICAL_FIELDS) == model.DRAFT_FIELDS
    items = list(model.objects.all())
    assert items
    for item in items:
        assert item.status in ReviewStatus.values
        assert item.is_live  # shown to the public only as approved (or as loaded from the leaflet)
        assert item.history.exists()
        for name in ("last_reviewed", "next_review_due", "draft_next_review_due"):
            assert hasattr(item, name)


@pytest.mark.parametrize("model", REVIEWED, ids=lambda m: m.__name__)
def test_no_clinical_words_are_editable_in_the_admin(client, leaflet, admin_user, model):
    item = model.objects.first()
    # Exercises appear in the admin only inside their group's page.
    shown_in = item.group if model is Exercise else item
    client.force_login(admin_user)
    response = client.get(f"/admin/leaflet/{shown_in._meta.model_name}/{shown_in.pk}/change/")
    assert response.status_code == 200
    inputs = set(re.findall(r'name="(?:[a-z_]+-\d+-)?([a-z_]+)"', response.content.decode()))
    assert not inputs & {*model.CLINICAL_FIELDS, *model.DRAFT_FIELDS, *WORKFLOW_FIELDS}
    request = RequestFactory().get("/")
    request.user = admin_user
    registered = admin.site._registry[type(shown_in)]
    if model is Exercise:
        assert not registered.get_inline_instances(request, shown_in)[0].has_add_permission(request, shown_in)
    else:
        assert not registered.has_add_permission(request)


def test_organisations_contact_details_are_not_editable_in_the_admin(client, leaflet, admin_user):
    organisation = Organisation.objects.first()
    client.force_login(admin_user)
    page = client.get(f"/admin/leaflet/organisation/{organisation.pk}/change/").content.decode()
    for name in (*Organisation.DETAIL_FIELDS, "details_checked_on"):
        assert f'name="{name}"' not in page, name
