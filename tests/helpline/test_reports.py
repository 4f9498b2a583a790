"""The reporting dashboard and its CSV: counts per week, response times, open and overdue, no personal data."""

import csv
import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from helpline import selectors, services
from helpline.models import Channel, Enquiry, Outcome, Topic
from helpline.selectors import percentile
from helpline.views import duration_text
from portal.models import AuditEntry

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

# A Wednesday, so "this week" started on Monday 16 November 2026.
NOW = timezone.make_aware(datetime(2026, 11, 18, 12, 0))


def at(days_ago: float, **kwargs):
    return NOW - timedelta(days=days_ago, **kwargs)


@pytest.fixture
def figures(nurse):
    """Three enquiries this week, one last week, one long ago; one closed; one with an overdue callback."""
    with time_machine.travel(at(1), tick=False):
        phone = make_enquiry(nurse, topics=[Topic.PAIN, Topic.HEPARIN])
    with time_machine.travel(at(2), tick=False):
        web = services.enquiry_ask(question="Calcium?", topics=[Topic.CALCIUM_VITAMIN_D], email="w@example.net")
    with time_machine.travel(at(2, hours=-4), tick=False):
        services.enquiry_transition(enquiry=web, by=nurse, action="triage")  # answered 4 hours later
    with time_machine.travel(at(0.5), tick=False):
        letter = make_enquiry(nurse, channel=Channel.LETTER, topics=[Topic.PAIN])
        services.callback_schedule(enquiry=letter, by=nurse, due_at=at(0.4), assigned_to=nurse)
    with time_machine.travel(at(8), tick=False):
        last_week = make_enquiry(nurse, topics=[Topic.EXERCISE])
        services.enquiry_transition(enquiry=last_week, by=nurse, action="close", outcome=Outcome.REFERRED_GP)
    with time_machine.travel(at(200), tick=False):
        make_enquiry(nurse, topics=[Topic.OTHER])
    return phone, web, letter, last_week


def row(breakdown, label):
    return next(r for r in breakdown.rows if r[0] == label)


def test_counts_per_week_by_channel_topic_and_outcome(figures):
    report = selectors.helpline_report(weeks=4, now=NOW)

    assert [w.isoformat() for w in report.weeks] == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    assert row(report.by_channel, "Phone") == ("Phone", [0, 0, 1, 1], 2)
    assert row(report.by_channel, "Web form") == ("Web form", [0, 0, 0, 1], 1)
    assert row(report.by_channel, "Letter") == ("Letter", [0, 0, 0, 1], 1)
    assert report.by_channel.totals == [0, 0, 1, 3]
    assert row(report.by_topic, "Pain") == ("Pain", [0, 0, 0, 2], 2)
    assert row(report.by_topic, "Exercise") == ("Exercise", [0, 0, 1, 0], 1)
    assert row(report.by_outcome, "Referred to GP") == ("Referred to GP", [0, 0, 1, 0], 1)
    assert report.received == 4


def test_response_times_open_and_overdue(figures):
    report = selectors.helpline_report(weeks=4, now=NOW)

    # Phone calls count as answered at once; the letter was answered when a nurse scheduled its
    # callback on logging it; the web question 4 hours after it arrived: [0, 0, 0, 4h].
    assert report.responded == 4
    assert report.median_response == timedelta(0)
    assert report.p90_response == timedelta(hours=4) * 0.7
    assert report.open_count == 4  # including the enquiry from 200 days ago
    assert report.overdue_count == 1


def test_percentile_interpolates_like_the_usual_definition():
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile(sorted(float(n) for n in range(1, 11)), 0.9) == pytest.approx(9.1)


def test_durations_read_as_words():
    assert duration_text(None) == "No responses yet"
    assert duration_text(timedelta(seconds=20)) == "under a minute"
    assert duration_text(timedelta(minutes=45)) == "45 minutes"
    assert duration_text(timedelta(hours=5, minutes=1)) == "5 hours 1 minute"
    assert duration_text(timedelta(days=2, hours=3, minutes=10)) == "2 days 3 hours"


def test_the_dashboard_draws_accessible_svg_charts_with_tables(nurse_client, figures):
    with time_machine.travel(NOW, tick=False):
        response = nurse_client.get("/helpline/reports/", {"weeks": 4})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="chart__svg" role="img"') == 4
    assert '<title id="chart-weekly-title">Enquiries received each week</title>' in page
    assert '<desc id="chart-weekly-desc">' in page
    assert "<caption>Enquiries by topic, week by week (weeks start on Monday)</caption>" in page
    assert "<script" not in page and "style=" not in page
    assert "Harriet" not in page


def test_the_csv_has_counts_only_and_the_export_is_audited(nurse_client, nurse, figures):
    with time_machine.travel(NOW, tick=False):
        response = nurse_client.get("/helpline/reports/figures.csv", {"weeks": 4})

    body = response.content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="helpline-figures-2026-11-18.csv"'
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["measure", "category", "week_starting", "count"]
    assert ["channel", "Phone", "2026-11-16", "1"] in rows
    assert ["topic", "Pain", "2026-11-16", "2"] in rows
    assert ["open_now", "", "", "4"] in rows
    for enquiry in Enquiry.objects.all():
        assert enquiry.reference not in body
    for personal in ("Harriet", "harriet@example.net", "w@example.net", "07700", "Calcium?", "vertebrae"):
        assert personal not in body
    assert AuditEntry.objects.filter(action="helpline.report_exported", actor=nurse).count() == 1


def test_the_report_page_runs_a_fixed_number_of_queries(nurse_client, nurse, django_assert_max_num_queries):
    for _ in range(30):
        make_enquiry(nurse, topics=[Topic.PAIN, Topic.EXERCISE])
    nurse_client.get("/helpline/ask/")
    with django_assert_max_num_queries(18):  # one of them the footer's health statements, one the feedback quarters
        assert nurse_client.get("/helpline/reports/").status_code == 200
