"""What people could not find: counts of failed searches for editors, with no one's details."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from leaflet import services
from leaflet.models import SearchStat
from leaflet.selectors import failed_searches
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def search_for(client, query: str):
    return client.get(reverse("leaflet:search"), {"q": query})


def test_a_search_that_finds_nothing_is_counted_with_its_words_only(client, leaflet):
    search_for(client, "Xylophone  QWXZ?")
    search_for(client, "xylophone qwxz")
    row = SearchStat.objects.get()
    assert (row.query, row.searches, row.without_results, row.clicks) == ("xylophone qwxz", 2, 2, 0)
    assert row.day == timezone.localdate()
    assert {f.name for f in SearchStat._meta.fields} == {"id", "day", "query", "searches", "without_results", "clicks"}


def test_a_followed_result_is_counted_through_the_search_id(client, leaflet):
    page = search_for(client, "breastfeed").content.decode()
    row = SearchStat.objects.get(query="breastfeed")
    link = f"/search/go/{row.pk}/?to=/guidance/breastfeeding/"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/guidance/breastfeeding/"
    row.refresh_from_db()
    assert (row.searches, row.without_results, row.clicks) == (1, 0, 1)


def test_the_click_counter_redirects_only_to_search_results(client, leaflet):
    search_for(client, "breastfeed")
    row = SearchStat.objects.get()
    for to in ["https://evil.example/", "//evil.example/", "/accounts/logout/", ""]:
        response = client.get(f"/search/go/{row.pk}/", {"to": to})
        assert response["Location"] == reverse("leaflet:search")
    row.refresh_from_db()
    assert row.clicks == 0


@pytest.mark.parametrize(
    "query",
    [
        "mary.smith@example.org calcium",
        "calcium for someone at mary@example",
        "call me on 07700 900123",
        "+44 7700-900-123 pain",
        "(0117) 496 0000",
    ],
)
def test_a_query_holding_an_email_address_or_phone_number_is_never_stored(client, leaflet, query):
    response = search_for(client, query)
    assert response.status_code == 200
    assert "/search/go/" not in response.content.decode()  # results link straight to the page
    assert not SearchStat.objects.exists()


def test_a_query_holding_a_name_the_portal_holds_is_never_stored(client, leaflet, nurse):
    from peers.models import PeerRequest
    from tests.helpline.conftest import make_enquiry
    from tests.peers.builders import make_request, make_volunteer

    make_user("p@example.org", first_name="Philippa", last_name="Quixote")
    make_enquiry(nurse, name="Harriet Zamberlin")
    make_volunteer(first_name="Wilhelmina")
    make_request(first_name="Ottoline")
    assert PeerRequest.objects.filter(first_name="Ottoline").exists()
    for query in ["philippa calcium", "QUIXOTE", "zamberlin pain", "harriet", "wilhelmina", "ottoline exercises"]:
        search_for(client, query)
    assert not SearchStat.objects.exists()
    search_for(client, "harri calcium")  # part of a name is not a name
    assert list(SearchStat.objects.values_list("query", flat=True)) == ["harri calcium"]


def test_the_report_lists_searches_that_failed_for_editors_and_nurses(client, editor, nurse, leaflet):
    search_for(client, "xylophone")
    search_for(client, "breastfeed")  # results, none followed
    search_for(client, "calcium")
    row = SearchStat.objects.get(query="calcium")
    client.get(f"/search/go/{row.pk}/?to=/guidance/treatments/")
    assert [(f.query, f.without_results, f.without_click) for f in failed_searches(days=90)] == [
        ("breastfeed", 0, 1),
        ("xylophone", 1, 0),
    ]
    for persona, may_edit in ((editor, True), (nurse, False)):
        client.force_login(persona)
        page = client.get(reverse("leaflet:search-report")).content.decode()
        assert "xylophone" in page and "breastfeed" in page
        assert (reverse("leaflet:synonyms") in page) is may_edit  # nurses read; editors also change
    assert reverse("leaflet:search-report") in client.get(reverse("helpline:gaps")).content.decode()


def test_counts_are_kept_90_days_by_an_hourly_idempotent_job(leaflet):
    today = timezone.localdate()
    for age in (0, 90, 91, 400):
        SearchStat.objects.create(day=today - datetime.timedelta(days=age), query=f"q{age}", searches=1)
    assert services.search_stats_purge(today=today) == 2
    assert services.search_stats_purge(today=today) == 0
    assert sorted(SearchStat.objects.values_list("query", flat=True)) == ["q0", "q90"]
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["leaflet.search_stats_purge"] <= 24 * 60 * 60
