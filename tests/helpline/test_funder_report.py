"""The quarterly funder report: its figures, what is hidden, who may see it, and the region question."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from helpline.funder_report import Quarter, funder_report, quarter_parse, suppress
from helpline.models import Channel, Enquiry, Person, Region
from portal.models import AuditEntry
from tests.helpline.conftest import ask_data, make_enquiry

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 11, 18, 12, 0))
IN_Q3 = timezone.make_aware(datetime(2026, 8, 10, 10, 0))
PAGE = "/helpline/reports/funders/"
CSV = "/helpline/reports/funders/figures.csv"


def logged(nurse, when, **fields):
    with time_machine.travel(when, tick=False):
        return make_enquiry(nurse, **fields)


@pytest.fixture
def quarter_data(nurse):
    """Q3 2026: 8 phone calls from London and 3 emails from Wales (one from a woman who asked in June),
    with one enquiry either side of the quarter."""
    for _ in range(8):
        logged(nurse, IN_Q3, channel=Channel.PHONE, region=Region.LONDON)
    emails = [logged(nurse, IN_Q3, channel=Channel.EMAIL, caller_type="partner", region=Region.WALES) for _ in range(3)]
    june = logged(nurse, timezone.make_aware(datetime(2026, 6, 15, 9, 0)), region=Region.SCOTLAND)
    logged(nurse, timezone.make_aware(datetime(2026, 10, 1, 0, 30)), region=Region.SCOTLAND)
    person = Person.objects.create()
    Enquiry.objects.filter(pk__in=[june.pk, emails[0].pk]).update(person=person)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def breakdown(report, key):
    return dict(next(b for b in report.breakdowns if b.key == key).rows)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# ---------------------------------------------------------------- the figures


def test_the_figures_count_the_enquiries_that_arrived_in_the_quarter(quarter_data):
    report = funder_report(quarter=Quarter(2026, 3), now=NOW)

    assert report.received == 11
    assert breakdown(report, "channel") == {"Phone": 8, "Email": 3, "Letter": 0, "Web form": 0}
    assert breakdown(report, "caller_type")["Partner"] == 3
    region = breakdown(report, "region")
    assert (region["London"], region["Wales"], region["Scotland"]) == (8, 3, 0)
    assert list(breakdown(report, "new_or_returning").values()) == [10, 1]
    assert breakdown(report, "topic")["Pain"] == 11
    # Phone calls are answered as they are logged; the emails were never answered and are past their target.
    [routine] = report.targets
    assert (routine.level, routine.due, routine.within) == ("Routine", 11, 8)
    assert report.complete is True


def test_the_quarter_under_way_is_marked_as_so_far(quarter_data):
    report = funder_report(quarter=Quarter(2026, 4), now=NOW)

    assert report.received == 1
    assert report.complete is False


# ---------------------------------------------------------------- disclosure control


def test_counts_under_5_are_hidden_and_one_more_when_subtraction_would_give_them_away():
    cells, total = suppress([0, 3, 10, 7], total=20)

    assert [c.text for c in cells] == ["0", "fewer than 5", "10", "hidden"]
    assert total.text == "20"


def test_no_second_count_is_hidden_when_two_are_small_already_or_there_is_no_total():
    assert [c.text for c in suppress([2, 3, 10], total=15)[0]] == ["fewer than 5", "fewer than 5", "10"]
    assert [c.text for c in suppress([3, 10], total=None)[0]] == ["fewer than 5", "10"]
    assert suppress([1, 2], total=3)[1].text == "fewer than 5"


def test_the_csv_hides_small_counts_and_the_counts_that_would_reveal_them(admin_client, quarter_data):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(CSV, {"quarter": "2026-Q3"})

    rows = csv_rows(response)
    assert response["Content-Disposition"] == 'attachment; filename="funder-report-2026-Q3.csv"'
    assert rows[0] == ["quarter", "measure", "category", "figure"]
    assert ["2026-Q3", "enquiries_received", "", "11"] in rows
    assert ["2026-Q3", "channel", "Email", "fewer than 5"] in rows
    assert ["2026-Q3", "channel", "Phone", "hidden"] in rows  # else 11 - 8 gives the 3 emails away
    assert ["2026-Q3", "channel", "Letter", "0"] in rows
    assert ["2026-Q3", "region", "Wales", "fewer than 5"] in rows
    assert ["2026-Q3", "region", "London", "hidden"] in rows
    assert ["2026-Q3", "new_or_returning", "Returning: she asked before", "fewer than 5"] in rows
    # 8 of 11 within target would say that 3 were late.
    assert ["2026-Q3", "target_share_within", "Routine", "not shown (too few)"] in rows
    body = response.content.decode()
    for figure in (",3\r", ",1\r", ",8\r", "73%"):
        assert figure not in body
    for personal in ("Harriet", "harriet@example.net", "07700", "vertebrae"):
        assert personal not in body


def test_the_page_hides_the_same_counts_and_draws_its_charts(admin_client, quarter_data):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(PAGE, {"quarter": "2026-Q3"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="chart__svg" role="img"') == 6
    assert "<td>fewer than 5</td>" in page
    assert '<tr><th scope="row">Phone</th><td>hidden</td></tr>' in page
    assert '<tr><th scope="row">Email</th><td>fewer than 5</td></tr>' in page
    # The charts do not give the hidden counts away either: no bar for them, the words instead.
    assert 'class="chart__value" x="196" y="16">hidden</text>' in page
    assert "<script" not in page and "style=" not in page
    assert 'href="/static/css/funder-print.css" media="print"' in page
    assert "Harriet" not in page


def test_viewing_and_downloading_are_audited(admin_client, admin_user, quarter_data):
    with time_machine.travel(NOW, tick=False):
        admin_client.get(PAGE, {"quarter": "2026-Q3"})
        admin_client.get(CSV, {"quarter": "2026-Q3"})

    exported = AuditEntry.objects.get(action="helpline.funder_report_exported")
    assert (exported.actor, exported.detail) == (admin_user, {"quarter": "2026-Q3"})
    assert AuditEntry.objects.filter(action="helpline.funder_report_viewed", actor=admin_user).count() == 1


# ---------------------------------------------------------------- the quarter picker


def test_without_a_quarter_it_shows_the_last_complete_one(admin_client):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(PAGE)

    assert response.status_code == 200
    assert "2026-Q3 (1 July to 30 September 2026)" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-Q5", "Choose a quarter written like 2026-Q3"),
        ("last quarter", "Choose a quarter written like 2026-Q3"),
        ("2027-Q1", "That quarter has not started yet."),
    ],
)
def test_a_bad_or_future_quarter_gets_a_clear_message_and_no_figures(admin_client, typed, message):
    with time_machine.travel(NOW, tick=False):
        page = admin_client.get(PAGE, {"quarter": typed})
        download = admin_client.get(CSV, {"quarter": typed})

    assert page.status_code == 400 and download.status_code == 400
    assert message in page.content.decode()
    assert f'value="{typed}"' in page.content.decode()  # what she typed stays in the box
    assert "Enquiries received" not in page.content.decode()
    assert not AuditEntry.objects.filter(action="helpline.funder_report_exported").exists()


def test_quarters_parse_with_or_without_the_dash():
    assert quarter_parse("2026q2", today=date(2026, 11, 18)) == Quarter(2026, 2)
    assert quarter_parse("2026-Q4", today=date(2026, 10, 1)).bounds()[0] == timezone.make_aware(datetime(2026, 10, 1))


# ---------------------------------------------------------------- who may see it


@pytest.mark.parametrize("persona", ["nurse", "editor", "mother"])
def test_only_site_administrators_may_see_or_download_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(CSV)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- the region question


def test_the_ask_form_stores_where_she_lives(client):
    response = client.post("/helpline/ask/", ask_data(region="wales"))

    assert response.status_code == 302
    assert Enquiry.objects.get().region == Region.WALES


def test_the_region_question_is_optional_and_says_why_it_is_asked(client):
    page = client.get("/helpline/ask/").content.decode()
    response = client.post("/helpline/ask/", ask_data())

    assert "Where do you live? (optional)" in page
    assert "where its help goes" in page
    assert response.status_code == 302
    assert Enquiry.objects.get().region == ""


def test_administrators_find_it_from_the_nurses_reports(admin_client, client, nurse):
    assert PAGE in admin_client.get("/helpline/reports/").content.decode()
    client.force_login(nurse)
    assert PAGE not in client.get("/helpline/reports/").content.decode()


def test_peer_introductions_made_and_ended_well_are_counted_and_guarded(admin_client, nurse):
    from peers import services as peer_services
    from peers.models import Ending
    from tests.peers.builders import make_request, make_volunteer

    with time_machine.travel(IN_Q3, tick=False):
        for rating in (5, 5, 4, 5, 4, 2):
            volunteer = make_volunteer()
            proposed = peer_services.introduction_propose(by=nurse, peer_request=make_request(), volunteer=volunteer)
            intro = peer_services.introduction_accept(by=volunteer.user, introduction=proposed)
            Ending.objects.create(introduction=intro, side="mother", rating=rating)

    report = funder_report(quarter=Quarter(2026, 3), now=NOW)
    assert (report.introductions_made, report.endings_told, report.endings_well) == (6, 6, 5)
    with time_machine.travel(NOW, tick=False):
        rows = csv_rows(admin_client.get(CSV, {"quarter": "2026-Q3"}))
    assert ["2026-Q3", "peer_support", "Introductions made (both women agreed)", "6"] in rows
    # 5 of 6 ended well would say that one did not.
    assert ["2026-Q3", "peer_support", "Of those, ended well (4 or 5 out of 5)", "hidden"] in rows
    assert ["2026-Q3", "peer_support", "Share that ended well", "not shown (too few)"] in rows


def test_guidance_pages_helpfulness_is_counted_per_page_with_small_counts_hidden(admin_client):
    from leaflet.models import PageFeedback, Section

    pain = Section.objects.create(order=1, slug="pain", title="Pain", draft_title="Pain", published_at=NOW)
    diet = Section.objects.create(order=2, slug="diet", title="Diet", draft_title="Diet", published_at=NOW)
    answers = [(pain, True)] * 12 + [(pain, False)] * 6 + [(diet, True)] * 2 + [(diet, True, date(2026, 10, 1))]
    for section, helpful, *day in answers:
        PageFeedback.objects.create(section=section, helpful=helpful, day=day[0] if day else date(2026, 8, 3))

    assert funder_report(quarter=Quarter(2026, 3), now=NOW).pages == [("Pain", 12, 6), ("Diet", 2, 0)]
    with time_machine.travel(NOW, tick=False):
        rows = csv_rows(admin_client.get(CSV, {"quarter": "2026-Q3"}))
    assert ["2026-Q3", "page_share_yes", "Pain", "67%"] in rows
    assert ["2026-Q3", "page_answers", "Diet", "fewer than 5"] in rows
    assert ["2026-Q3", "page_yes", "Diet", "fewer than 5"] in rows
    assert ["2026-Q3", "page_share_yes", "Diet", "not shown (too few)"] in rows


def test_feedback_scores_are_counted_with_the_mean_hidden_on_too_few_answers(admin_client, nurse):
    from helpline.models import EnquiryFeedback

    sent = timezone.make_aware(datetime(2026, 8, 20, 12, 0))
    for score in (5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 2, None):
        EnquiryFeedback.objects.create(
            enquiry=make_enquiry(nurse),
            token_hash="x" * 64,
            sent_at=sent,
            answered_at=sent if score else None,
            score=score,
        )

    report = funder_report(quarter=Quarter(2026, 3), now=NOW)
    assert (report.feedback.sent, report.feedback.answered) == (13, 12)
    with time_machine.travel(NOW, tick=False):
        rows = csv_rows(admin_client.get(CSV, {"quarter": "2026-Q3"}))
        page = admin_client.get(PAGE, {"quarter": "2026-Q3"}).content.decode()
    figures = {row[1]: row[3] for row in rows if row[1].startswith("feedback_")}
    assert figures == {
        "feedback_sent": "13",
        "feedback_answered": "12",
        "feedback_score_1": "0",
        "feedback_score_2": "fewer than 5",
        "feedback_score_3": "0",
        "feedback_score_4": "6",
        "feedback_score_5": "hidden",  # else 12 - 6 - 0 - 0 gives the one 2 away
        "feedback_mean": "not shown (too few)",  # 4.25 would too: 2a + 5b = 27 with a + b = 6
    }
    assert "<td>hidden</td>" in page


def test_the_mean_score_is_shown_when_no_score_count_is_hidden(nurse):
    from helpline.funder_report import publish
    from helpline.models import EnquiryFeedback

    sent = timezone.make_aware(datetime(2026, 8, 20, 12, 0))
    for score in (5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4):
        EnquiryFeedback.objects.create(
            enquiry=make_enquiry(nurse), token_hash="x" * 64, sent_at=sent, answered_at=sent, score=score
        )

    published = publish(funder_report(quarter=Quarter(2026, 3), now=NOW))
    assert [cell.text for cell in published.feedback.cells] == ["11", "11", "0", "0", "0", "6", "5", "4.5"]


def test_the_mean_score_is_not_shown_on_fewer_than_5_answers():
    from helpline.closure_feedback import FeedbackSummary
    from helpline.funder_report import FunderReport, publish

    few = FeedbackSummary(sent=9, answered=4, per_score={1: 0, 2: 0, 3: 0, 4: 0, 5: 4}, mean=5.0)
    report = FunderReport(Quarter(2026, 3), True, 9, [], [], 0, 0, 0, few, [])

    assert publish(report).feedback.cells[-1].text == "not shown (too few)"
