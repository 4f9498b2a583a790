""" "Was this page helpful?": a plain form on every guidance page, no one's details kept, read by editors."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from leaflet import helpfulness
from leaflet.models import PageFeedback

pytestmark = pytest.mark.django_db

URL = "/guidance/breastfeeding/helpful/"


def test_every_guidance_page_asks_whether_it_helped_with_a_plain_form(client, leaflet):
    page = client.get("/guidance/breastfeeding/").content.decode()
    assert "Was this page helpful?" in page
    assert f'action="{URL}"' in page and 'method="post"' in page
    assert 'value="yes"' in page and 'value="no"' in page
    # The page is kept whole for every anonymous reader, so it must not carry anyone's token.
    assert "csrfmiddlewaretoken" not in page


def test_a_yes_is_counted_and_she_is_thanked_on_the_page(client, leaflet):
    response = client.post(URL, {"helpful": "yes", "comment": "ignored with a yes"}, follow=True)
    assert response.redirect_chain == [("/guidance/breastfeeding/#helpful", 302)]
    assert str(helpfulness.THANKS) in response.content.decode()
    feedback = PageFeedback.objects.get()
    assert (feedback.section.slug, feedback.helpful, feedback.comment) == ("breastfeeding", True, "")


def test_a_no_keeps_what_was_missing_and_nothing_about_her(leaflet):
    # A real browser: CSRF checks on, a session and an address, none of which may be kept.
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
    response = client.post(URL, {"helpful": "no", "comment": "Nothing  about twins"})
    assert response.status_code == 302
    feedback = PageFeedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "Nothing about twins")
    assert {f.name for f in PageFeedback._meta.fields} == {"id", "section", "day", "helpful", "comment"}
    assert "203.0.113.9" not in str(PageFeedback.objects.values().get())


def test_a_comment_with_contact_details_is_refused_and_nothing_she_typed_is_lost(client, leaflet):
    response = client.post(URL, {"helpful": "no", "comment": "Call me on 07700 900123 about twins"})
    assert response.status_code == 400
    page = response.content.decode()
    assert str(helpfulness.COMMENT_HOLDS_CONTACT_DETAILS) in page
    assert "Call me on 07700 900123 about twins" in page
    assert PageFeedback.objects.count() == 0


def test_a_comment_naming_someone_the_portal_holds_is_dropped_but_the_answer_counts(client, leaflet, mother):
    response = client.post(URL, {"helpful": "no", "comment": "Alice said it was wrong"}, follow=True)
    assert str(helpfulness.THANKS_COMMENT_DROPPED) in response.content.decode()
    feedback = PageFeedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, helpfulness.HELPFUL_REQUIRED),
        ({"helpful": "maybe"}, helpfulness.HELPFUL_REQUIRED),
        ({"helpful": "no", "comment": "x" * 501}, helpfulness.COMMENT_TOO_LONG),
    ],
)
def test_garbage_gets_a_clear_error_and_changes_nothing(client, leaflet, data, error):
    response = client.post(URL, data)
    assert response.status_code == 400
    assert str(error) in response.content.decode()
    assert PageFeedback.objects.count() == 0


def test_a_bot_filling_the_hidden_field_is_told_and_nothing_is_counted(client, leaflet):
    response = client.post(URL, {"helpful": "no", "comment": "buy pills", "website": "http://spam.example"})
    assert response.status_code == 400
    assert "looked automated" in response.content.decode()
    assert PageFeedback.objects.count() == 0


def test_a_page_that_does_not_exist_cannot_be_answered(client, leaflet):
    assert client.post("/guidance/no-such-page/helpful/", {"helpful": "yes"}).status_code == 404
    assert client.get(URL).status_code == 405
    assert PageFeedback.objects.count() == 0


@override_settings(LEAFLET_FEEDBACK_LIMIT_PER_IP=3)
def test_answers_from_one_connection_are_rate_limited(leaflet):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.post(URL, {"helpful": "yes"}).status_code == 302
    response = client.post(URL, {"helpful": "no", "comment": "Nothing on twins"})
    assert response.status_code == 429
    assert "paused this for a while" in response.content.decode()
    assert "Nothing on twins" in response.content.decode()
    assert PageFeedback.objects.count() == 3
    # Another connection is not held up by this one.
    assert Client(REMOTE_ADDR="198.51.100.8").post(URL, {"helpful": "yes"}).status_code == 302


def test_editors_see_each_pages_answers_and_comments(client, leaflet, editor):
    client.post(URL, {"helpful": "yes"})
    client.post(URL, {"helpful": "no", "comment": "Nothing about twins"})
    client.post("/guidance/pain/helpful/", {"helpful": "no"})
    client.force_login(editor)
    page = client.get(reverse("leaflet:helpfulness")).content.decode()
    assert "Nothing about twins" in page
    assert "1 said yes, 1 said no." in page
    assert "50%" in page


def test_no_comments_feed_the_report_of_what_people_could_not_find(client, leaflet, editor):
    client.post(URL, {"helpful": "no", "comment": "Nothing about twins"})
    client.force_login(editor)
    page = client.get(reverse("leaflet:search-report")).content.decode()
    assert "What readers said was missing" in page
    assert "Nothing about twins" in page


def test_the_editors_page_is_for_editors_and_nurses_only(client, leaflet, mother):
    assert client.get(reverse("leaflet:helpfulness")).status_code == 302
    client.force_login(mother)
    assert client.get(reverse("leaflet:helpfulness")).status_code == 403
