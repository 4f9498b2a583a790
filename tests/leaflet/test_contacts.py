"""Contact details from the 2008 leaflet are labelled and not clickable until a nurse
checks them; new details go live only when a second nurse approves them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from leaflet import services
from leaflet.loader import content_load
from leaflet.models import CONTACTS_SLUG, Organisation
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

PAGE = f"/guidance/{CONTACTS_SLUG}/"
UNCHECKED = "From the 2008 leaflet, may have changed."
CHECKED_DAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
NEW_DETAILS = {
    "name": "Royal Osteoporosis Society",
    "phone": "0808 800 0035",
    "website": "https://theros.org.uk",
    "email": "",
}


def _organisation(html: str, slug: str) -> str:
    start = html.index(f'id="{slug}"')
    return html[start : html.index("</li>", start)]


def _nos(leaflet) -> Organisation:
    return Organisation.objects.get(slug="national-osteoporosis-society")


def test_an_unchecked_0845_number_is_labelled_and_not_clickable(client, leaflet):
    html = client.get(PAGE).content.decode()
    nos = _organisation(html, "national-osteoporosis-society")
    assert "Tel: 0845 450 0230" in nos
    assert UNCHECKED in nos
    assert "tel:" not in nos
    assert "href=" not in nos  # nor is www.nos.org.uk a link
    assert "www.nos.org.uk" in nos
    assert "tel:" not in _organisation(html, "nct")
    # The leaflet's words are all still there, around the label.
    assert "call the National Osteoporosis Society Helpline on 0845 450 0230." in nos


def test_the_print_view_does_not_link_unchecked_numbers_either(client, leaflet):
    html = client.get(reverse("leaflet:print")).content.decode()
    assert "tel:08454500230" not in html
    assert UNCHECKED in _organisation(html, "pippin")


def test_a_nurse_marks_details_checked_and_they_become_links(client, leaflet, nurse):
    with time_machine.travel(CHECKED_DAY, tick=False):
        client.force_login(nurse)
        response = client.post(reverse("leaflet:organisation-checked", args=[_nos(leaflet).pk]))
    assert response.status_code == 302
    organisation = _nos(leaflet)
    assert organisation.details_checked_on == CHECKED_DAY.date()
    assert organisation.details_checked_by == nurse
    assert AuditEntry.objects.filter(action="leaflet.organisation_checked", actor=nurse).count() == 1

    client.logout()
    nos = _organisation(client.get(PAGE).content.decode(), "national-osteoporosis-society")
    assert '<a href="tel:08454500230">0845 450 0230</a>' in nos
    assert 'checked by the helpline nurses on <time datetime="2026-03-02">2 March 2026</time>.' in nos
    assert UNCHECKED not in nos


def test_only_a_nurse_can_mark_details_checked(client, leaflet, editor):
    client.force_login(editor)
    assert client.post(reverse("leaflet:organisation-checked", args=[_nos(leaflet).pk])).status_code == 403
    assert client.get(reverse("leaflet:organisation-checked", args=[_nos(leaflet).pk])).status_code in (403, 405)
    with pytest.raises(ValidationError, match="Only a helpline nurse"):
        services.organisation_mark_checked(organisation=_nos(leaflet), by=editor)
    assert not _nos(leaflet).details_checked


def test_proposed_details_go_live_only_when_a_second_nurse_approves(client, leaflet, nurse, other_nurse):
    client.force_login(nurse)
    response = client.post(reverse("leaflet:organisation-propose", args=[_nos(leaflet).pk]), NEW_DETAILS)
    assert response.status_code == 302
    organisation = _nos(leaflet)
    assert organisation.has_proposal and organisation.proposed_phone == "0808 800 0035"
    assert organisation.phone == "0845 450 0230"

    client.post(reverse("leaflet:organisation-approve", args=[organisation.pk]))
    assert _nos(leaflet).phone == "0845 450 0230"  # not by the nurse who proposed them
    with pytest.raises(ValidationError, match="another nurse must approve it"):
        services.organisation_approve(organisation=organisation, by=nurse)

    client.force_login(other_nurse)
    with time_machine.travel(CHECKED_DAY, tick=False):
        client.post(reverse("leaflet:organisation-approve", args=[organisation.pk]))
    organisation = _nos(leaflet)
    assert (organisation.name, organisation.phone, organisation.website) == (
        "Royal Osteoporosis Society",
        "0808 800 0035",
        "https://theros.org.uk",
    )
    assert organisation.details_checked_on == CHECKED_DAY.date()
    assert organisation.details_checked_by == other_nurse
    assert not organisation.has_proposal
    assert AuditEntry.objects.filter(action="leaflet.organisation_approved", actor=other_nurse).exists()

    client.logout()
    nos = _organisation(client.get(PAGE).content.decode(), "national-osteoporosis-society")
    assert '<a href="tel:08088000035">0808 800 0035</a>' in nos
    # The leaflet's sentence stays: the description is its words.
    assert "call the National Osteoporosis Society Helpline on 0845 450 0230." in nos


def test_a_rejected_proposal_leaves_the_live_details(leaflet, nurse, other_nurse):
    services.organisation_propose(organisation=_nos(leaflet), by=nurse, **NEW_DETAILS)
    with pytest.raises(ValidationError, match="already waiting for approval"):
        services.organisation_propose(organisation=_nos(leaflet), by=other_nurse, **NEW_DETAILS)
    services.organisation_reject(organisation=_nos(leaflet), by=other_nurse)
    organisation = _nos(leaflet)
    assert not organisation.has_proposal
    assert organisation.phone == "0845 450 0230"
    assert not organisation.details_checked


def test_a_proposal_must_change_something_and_be_well_formed(client, leaflet, nurse):
    organisation = _nos(leaflet)
    same = {field: getattr(organisation, field) for field in Organisation.DETAIL_FIELDS}
    with pytest.raises(ValidationError, match="mark them as checked instead"):
        services.organisation_propose(organisation=organisation, by=nurse, **same)
    client.force_login(nurse)
    response = client.post(
        reverse("leaflet:organisation-propose", args=[organisation.pk]), {**NEW_DETAILS, "website": "not a url"}
    )
    assert "Enter the web address in full, for example https://theros.org.uk." in response.content.decode()
    assert not _nos(leaflet).has_proposal


def test_the_contacts_page_lists_what_is_unchecked(client, leaflet, editor, outsider):
    client.force_login(outsider)
    assert client.get(reverse("leaflet:contacts-check")).status_code == 403
    client.force_login(editor)
    body = client.get(reverse("leaflet:contacts-check")).content.decode()
    assert "Not checked since the 2008 leaflet: 5" in body
    assert "Never: from the 2008 leaflet" in body
    assert "mark as checked today" not in body  # editors propose; nurses check


def test_reloading_the_leaflet_with_force_forgets_the_check(leaflet, nurse):
    services.organisation_mark_checked(organisation=_nos(leaflet), by=nurse)
    content_load(force=True)
    assert not _nos(leaflet).details_checked


def test_the_contacts_page_offers_only_the_actions_each_person_may_take(client, leaflet, nurse, editor, admin_user):
    services.organisation_propose(organisation=_nos(leaflet), by=editor, **NEW_DETAILS)
    client.force_login(editor)
    body = client.get(reverse("leaflet:contacts-check")).content.decode()
    assert "Withdraw them" in body and "Approve and publish" not in body

    client.force_login(admin_user)
    body = client.get(reverse("leaflet:contacts-check")).content.decode()
    assert "A nurse will approve or reject them." in body
    assert "Approve and publish" not in body and "mark as checked today" not in body

    client.force_login(nurse)
    body = client.get(reverse("leaflet:contacts-check")).content.decode()
    assert "Approve and publish" in body and "mark as checked today" in body
    client.post(reverse("leaflet:organisation-reject", args=[_nos(leaflet).pk]))
    assert not _nos(leaflet).has_proposal
    assert AuditEntry.objects.filter(action="leaflet.organisation_rejected", actor=nurse).exists()
