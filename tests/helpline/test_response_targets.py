"""First-response targets: due times, the queue's order and words, the warning sent once, the weekly figures."""

import csv
import io
import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from helpline import response_targets, services
from helpline.models import Channel, DutyShift, Enquiry, EnquiryEvent, HelplineClosure, ResponseTarget, Urgency
from portal.models import AuditEntry, OutboundEmail
from portal.roles import Role
from tests.conftest import make_user

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

URL = "/helpline/"


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# Tuesday 1 December 2026, 2pm (in the past, so the signed-in session is not expired); the helpline is open Monday to Friday, 9am to 5pm.
NOW = local(2026, 12, 1, 14, 0)


@pytest.fixture(autouse=True)
def weekday_hours(settings):
    settings.HELPLINE_HOURS = "Mon-Fri 09:00-17:00"
    settings.HELPLINE_TARGET_WARN_MINUTES = 60


def letter(nurse, at: datetime, *, urgency=Urgency.ROUTINE, name="Harriet Example") -> Enquiry:
    """An enquiry that came by letter: logged, not yet answered (a phone call is answered as it is logged)."""
    with time_machine.travel(at, tick=False):
        return make_enquiry(nurse, channel=Channel.LETTER, urgency=urgency, name=name)


def test_a_new_enquiry_is_due_by_its_levels_target_in_opening_hours(nurse):
    # Routine: 16 opening hours (two opening days). Friday 3pm: 2 h on Friday, 8 on Monday, 6 on Tuesday.
    enquiry = letter(nurse, local(2026, 11, 27, 15, 0))
    assert enquiry.response_due_at == local(2026, 12, 1, 15, 0)
    assert enquiry.awaiting_response_due_at == enquiry.response_due_at


def test_emergency_and_crisis_targets_are_clock_time(nurse):
    # Saturday night: an emergency is due 15 minutes later, whatever the opening hours.
    enquiry = letter(nurse, local(2026, 12, 5, 23, 50), urgency=Urgency.EMERGENCY)
    assert enquiry.response_due_at == local(2026, 12, 6, 0, 5)


def test_the_first_response_stops_the_clock_but_the_due_time_stays_for_the_reports(nurse):
    enquiry = letter(nurse, local(2026, 11, 27, 15, 0))
    with time_machine.travel(local(2026, 11, 30, 10, 0), tick=False):
        services.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")
    enquiry.refresh_from_db()
    assert enquiry.awaiting_response_due_at is None
    assert enquiry.response_due_at == local(2026, 12, 1, 15, 0)


def test_a_correction_that_raises_the_urgency_brings_the_due_time_forward(nurse):
    enquiry = letter(nurse, local(2026, 12, 1, 10, 0))
    with time_machine.travel(local(2026, 12, 1, 10, 30), tick=False):
        services.enquiry_update(enquiry=enquiry, by=nurse, summary="She has a fever and back pain.")
    enquiry.refresh_from_db()
    assert enquiry.urgency == Urgency.URGENT
    assert enquiry.awaiting_response_due_at == local(2026, 12, 1, 14, 0)  # 4 opening hours from when she wrote


def test_an_administrator_changing_a_target_moves_the_enquiries_still_waiting(admin_user, nurse):
    waiting = letter(nurse, local(2026, 12, 1, 10, 0))
    answered = letter(nurse, local(2026, 12, 1, 10, 0))
    services.enquiry_transition(enquiry=answered, by=nurse, action="triage")
    answered.refresh_from_db()
    before = answered.response_due_at

    client = Client()
    client.force_login(admin_user)
    target = ResponseTarget.objects.get(urgency=Urgency.ROUTINE)
    response = client.post(
        f"/admin/helpline/responsetarget/{target.pk}/change/", {"urgency": Urgency.ROUTINE, "minutes": 8 * 60}
    )
    assert response.status_code == 302

    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.awaiting_response_due_at == local(2026, 12, 2, 10, 0)  # one opening day
    assert answered.response_due_at == before  # already answered: judged by the target it had
    assert AuditEntry.objects.filter(action="helpline.response_target_changed", actor=admin_user).exists()


def test_a_closure_an_administrator_adds_moves_the_due_times(admin_user, nurse):
    enquiry = letter(nurse, local(2026, 12, 1, 10, 0))  # due Thursday 3 December, 10am
    assert enquiry.awaiting_response_due_at == local(2026, 12, 3, 10, 0)

    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/helpline/helplineclosure/add/",
        {
            "starts_at_0": "2026-12-02",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-12-02",
            "ends_at_1": "17:00",
            "reason": "Team training day",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    enquiry.refresh_from_db()
    assert enquiry.awaiting_response_due_at == local(2026, 12, 4, 10, 0)

    closure = HelplineClosure.objects.get()
    assert closure.created_by == admin_user
    client.post(f"/admin/helpline/helplineclosure/{closure.pk}/delete/", {"post": "yes"})
    enquiry.refresh_from_db()
    assert enquiry.awaiting_response_due_at == local(2026, 12, 3, 10, 0)


def test_a_closure_must_end_after_it_starts(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/helpline/helplineclosure/add/",
        {"starts_at_0": "2026-12-02", "starts_at_1": "17:00", "ends_at_0": "2026-12-02", "ends_at_1": "09:00"},
    )
    assert response.status_code == 200
    assert not HelplineClosure.objects.exists()


# ---------------------------------------------------------------- the queue


@pytest.fixture
def queue_mix(nurse):
    """Routine enquiries late, near and comfortable, one answered (the oldest), and an urgent one."""
    answered = letter(nurse, local(2026, 11, 24, 9, 0))
    services.enquiry_transition(enquiry=answered, by=nurse, action="triage")
    late = letter(nurse, local(2026, 11, 25, 9, 0))  # due Thursday 26 November, 5pm
    near = letter(nurse, local(2026, 11, 27, 15, 0))  # due today, 3pm
    later = letter(nurse, local(2026, 11, 30, 10, 0))  # due tomorrow, 10am
    urgent = letter(nurse, local(2026, 12, 1, 13, 0), urgency=Urgency.URGENT)  # due today, 5pm
    return answered, late, near, later, urgent


def test_the_queue_puts_each_level_in_order_of_its_target_and_says_how_long_is_left(nurse_client, queue_mix):
    answered, late, near, later, urgent = queue_mix
    with time_machine.travel(NOW, tick=False):
        response = nurse_client.get(URL)
    rows = response.context["page"].object_list

    assert [r["reference"] for r in rows] == [e.reference for e in (urgent, late, near, later, answered)]
    assert [r["target"] for r in rows] == [
        "3 h left (opening hours)",
        "Late by 4 days",
        "1 h left (opening hours)",
        "4 h left (opening hours)",
        "",
    ]
    page = response.content.decode()
    assert '<strong class="overdue">Late by 4 days</strong>' in page
    assert "<strong>1 h left (opening hours)</strong>" in page  # within the warning time


def test_the_time_left_stops_over_the_weekend(nurse_client, nurse):
    enquiry = letter(nurse, local(2026, 12, 4, 15, 50), urgency=Urgency.URGENT)  # due Monday 11:50
    with time_machine.travel(local(2026, 12, 5, 18, 0), tick=False):
        response = nurse_client.get(URL)
    row = next(r for r in response.context["page"].object_list if r["reference"] == enquiry.reference)
    assert row["target"] == "2 h 50 min left (opening hours)"


def test_an_emergency_counts_in_clock_minutes(nurse_client, nurse):
    enquiry = letter(nurse, local(2026, 12, 5, 23, 50), urgency=Urgency.EMERGENCY)
    with time_machine.travel(local(2026, 12, 5, 23, 55), tick=False):
        rows = nurse_client.get(URL).context["page"].object_list
    assert rows[0]["reference"] == enquiry.reference
    assert rows[0]["target"] == "10 min left"
    with time_machine.travel(local(2026, 12, 6, 2, 10), tick=False):
        rows = nurse_client.get(URL).context["page"].object_list
    assert rows[0]["target"] == "Late by 2 h 5 min"


def test_the_queue_with_targets_keeps_a_fixed_number_of_queries(
    nurse_client, nurse, django_assert_max_num_queries, monkeypatch
):
    for n in range(30):
        letter(
            nurse, local(2026, 11, 30, 9, 0) + timedelta(minutes=7 * n), urgency=(Urgency.URGENT, Urgency.SOON)[n % 2]
        )
    nurse_client.get("/helpline/ask/")
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(14):
        response = nurse_client.get(URL)
    assert (
        sum(
            "left (opening hours)" in r["target"] or "Late by" in r["target"]
            for r in response.context["page"].object_list
        )
        == 30
    )


# ---------------------------------------------------------------- the warning before a target is missed


@pytest.fixture
def duty(nurse):
    DutyShift.objects.create(nurse=nurse, starts_at=local(2026, 12, 1, 9, 0), ends_at=local(2026, 12, 1, 17, 0))
    return nurse


def warnings_sent():
    return OutboundEmail.objects.filter(template=response_targets.WARNING_TEMPLATE)


def test_an_enquiry_near_its_target_is_sent_once_to_the_nurses_on_duty(duty, queue_mix):
    make_user("off.duty@example.org", role=Role.NURSE, first_name="Olwen")
    answered, late, near, later, urgent = queue_mix

    with time_machine.travel(NOW, tick=False):
        assert response_targets.targets_warn_due() == 2  # near (1 h left) and late; not the others
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert response_targets.targets_warn_due() == 0

    sent = warnings_sent()
    assert sorted(e.about_id for e in sent) == sorted([str(late.pk), str(near.pk)])
    assert {e.to for e in sent} == {duty.email}
    near.refresh_from_db()
    assert near.target_warned_at == NOW
    assert EnquiryEvent.objects.filter(enquiry=near, kind=EnquiryEvent.Kind.ALERT, text__contains="Nora").exists()

    # Half an hour before closing, the urgent one due at 5pm; at 9am, the one due at 10am.
    with time_machine.travel(local(2026, 12, 1, 16, 30), tick=False):
        assert response_targets.targets_warn_due() == 1
    assert warnings_sent().filter(about_id=str(urgent.pk)).count() == 1
    with time_machine.travel(local(2026, 12, 2, 9, 0), tick=False):
        assert response_targets.targets_warn_due() == 1
    assert warnings_sent().filter(about_id=str(later.pk)).exists()


def test_nothing_is_sent_while_the_helpline_is_closed(nurse):
    enquiry = letter(nurse, local(2026, 11, 30, 10, 0), urgency=Urgency.SOON)  # due Tuesday 10am
    with time_machine.travel(local(2026, 11, 30, 18, 0), tick=False):
        assert response_targets.targets_warn_due() == 0  # the evening before: one opening hour away, but closed
    with time_machine.travel(local(2026, 12, 1, 9, 0), tick=False):
        assert response_targets.targets_warn_due() == 1
    assert warnings_sent().filter(about_id=str(enquiry.pk)).exists()


def test_the_warning_carries_the_reference_and_level_and_nothing_about_her(duty, nurse):
    enquiry = letter(nurse, local(2026, 11, 27, 15, 0), name="Harriet Example")
    with time_machine.travel(NOW, tick=False):
        response_targets.targets_warn_due()
    email = warnings_sent().get()
    assert email.subject == f"Response target near: {enquiry.reference} (Routine)"
    assert enquiry.reference in email.body_text and "Routine" in email.body_text
    assert "Due: Tue 1 Dec 2026, 15:00" in email.body_text
    for private in ("Harriet", "harriet@example.net", "07700 900123", "vertebrae", "Mornings"):
        assert private not in email.subject + email.body_text + email.body_html


def test_an_answered_enquiry_or_an_emergency_is_not_warned_about(duty, nurse):
    answered = letter(nurse, local(2026, 11, 27, 15, 0))
    services.enquiry_transition(enquiry=answered, by=nurse, action="triage")
    letter(nurse, local(2026, 12, 1, 13, 50), urgency=Urgency.EMERGENCY)  # it has its own alert
    with time_machine.travel(NOW, tick=False):
        assert response_targets.targets_warn_due() == 0
    assert not warnings_sent().exists()


def test_with_nobody_on_duty_every_nurse_is_warned(nurse):
    other = make_user("second.nurse@example.org", role=Role.NURSE, first_name="Siân")
    letter(nurse, local(2026, 11, 27, 15, 0))
    with time_machine.travel(NOW, tick=False):
        response_targets.targets_warn_due()
    assert {e.to for e in warnings_sent()} == {nurse.email, other.email}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_still_warn_once(nurse):
    DutyShift.objects.create(nurse=nurse, starts_at=local(2026, 12, 1, 9, 0), ends_at=local(2026, 12, 1, 17, 0))
    enquiry = letter(nurse, local(2026, 11, 27, 15, 0))
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            start.wait()
            results.append(response_targets.targets_warn_due(now=NOW))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(results) == [0, 1]
    assert warnings_sent().filter(about_id=str(enquiry.pk)).count() == 1


# ---------------------------------------------------------------- the weekly figures


@pytest.fixture
def answered_weeks(nurse):
    """ISO week 48 (from Monday 23 November): three routine enquiries, two answered in time; one urgent, late.
    Week 49 (from Monday 30 November): one routine still waiting within its target."""

    def answer(enquiry, at):
        with time_machine.travel(at, tick=False):
            services.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")

    a = letter(nurse, local(2026, 11, 23, 9, 0))  # due Tuesday 5pm
    answer(a, local(2026, 11, 23, 10, 0))  # 1 hour
    b = letter(nurse, local(2026, 11, 24, 9, 0))  # due Wednesday 5pm
    answer(b, local(2026, 11, 24, 12, 0))  # 3 hours
    c = letter(nurse, local(2026, 11, 25, 9, 0))  # due Thursday 5pm
    answer(c, local(2026, 11, 27, 9, 0))  # 2 days: late
    d = letter(nurse, local(2026, 11, 26, 9, 0), urgency=Urgency.URGENT)  # due 1pm, never answered
    letter(nurse, local(2026, 12, 1, 9, 0))  # due Thursday, still waiting
    return a, b, c, d


def test_the_report_gives_the_share_within_target_and_the_median_per_week_and_level(answered_weeks):
    report = response_targets.target_report(start=local(2026, 11, 23, 0, 0), now=NOW)
    figures = {(w.week, w.level): (w.received, w.due, w.within_target, w.share_text, w.median_response) for w in report}
    assert figures == {
        ("2026-W48", "Routine"): (3, 3, 2, "67%", timedelta(hours=3)),
        ("2026-W48", "Urgent"): (1, 1, 0, "0%", None),
        ("2026-W49", "Routine"): (1, 0, 0, "–", None),
    }


def test_the_reports_page_and_csv_show_the_target_figures(nurse_client, answered_weeks):
    with time_machine.travel(NOW, tick=False):
        page = nurse_client.get("/helpline/reports/?weeks=4").content.decode()
        download = nurse_client.get("/helpline/reports/figures.csv?weeks=4").content.decode()
    assert "First responses against their targets" in page
    assert "<td>Routine</td><td>3</td><td>3</td><td>2</td><td>67%</td><td>3 hours</td>" in page
    assert "Routine 960 minutes of opening hours" in page

    rows = list(csv.reader(io.StringIO(download)))
    assert ["target_answered_within", "Routine", "2026-11-23", "2"] in rows
    assert ["target_share_within_percent", "Routine", "2026-11-23", "67"] in rows
    assert ["target_median_first_response_hours", "Routine", "2026-11-23", "3.0"] in rows
    assert ["target_due", "Urgent", "2026-11-23", "1"] in rows
