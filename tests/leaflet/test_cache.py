import pytest
from django.urls import reverse

from leaflet import services
from leaflet.cache import PUBLIC_MAX_AGE

from .conftest import draft_fields

pytestmark = pytest.mark.django_db

URL = "/guidance/breastfeeding/"


def test_anonymous_pages_are_public_with_validators(client, leaflet):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"]
    assert f"max-age={PUBLIC_MAX_AGE}" in response["Cache-Control"]


def test_a_repeat_visit_gets_304(client, leaflet):
    first = client.get(URL)
    by_etag = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_date.status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_cache_hit_needs_no_database(client, leaflet, django_assert_num_queries):
    client.get(URL)
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200
    assert b"This is a very personal decision." in response.content


def test_publishing_invalidates_the_cached_page(
    client, breastfeeding, editor, nurse, django_capture_on_commit_callbacks
):
    before = client.get(URL)
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="Fresh words."))
    services.section_submit(section=breastfeeding, by=editor)
    assert client.get(URL).content == before.content  # a draft changes nothing public

    with django_capture_on_commit_callbacks(execute=True):
        services.section_approve(section=breastfeeding, by=nurse)

    after = client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert b"Fresh words." in after.content
    assert after["ETag"] != before["ETag"]
    contents = client.get(reverse("leaflet:contents"))
    assert contents.status_code == 200


def test_signed_in_users_get_pages_no_cache_may_keep(client, leaflet, mother):
    client.get(URL)  # fill the anonymous cache
    client.force_login(mother)
    response = client.get(URL)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert b"Your account" in response.content  # rendered for her, not the anonymous copy
