"""Time counted in opening hours: evenings, weekends, bank holidays and closures an administrator adds."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from helpline import opening_hours
from helpline.models import HelplineClosure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def weekday_hours(settings):
    settings.HELPLINE_HOURS = "Mon-Fri 09:00-17:00"


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_a_target_that_runs_past_closing_time_carries_on_next_morning():
    # Tuesday 8 December 2026, 4pm: one hour left today, three tomorrow.
    assert opening_hours.add(local(2026, 12, 8, 16, 0), hours(4)) == local(2026, 12, 9, 12, 0)


def test_the_evening_does_not_count():
    assert opening_hours.add(local(2026, 12, 8, 20, 0), hours(1)) == local(2026, 12, 9, 10, 0)
    assert opening_hours.elapsed(local(2026, 12, 8, 16, 30), local(2026, 12, 9, 9, 30)) == hours(1)


def test_a_target_met_at_closing_time_is_due_at_closing_time_not_next_morning():
    assert opening_hours.add(local(2026, 12, 8, 16, 0), hours(1)) == local(2026, 12, 8, 17, 0)


def test_the_weekend_does_not_count():
    assert opening_hours.add(local(2026, 12, 11, 16, 0), hours(2)) == local(2026, 12, 14, 10, 0)
    # Asked on a Saturday: the clock starts on Monday morning.
    assert opening_hours.add(local(2026, 12, 12, 11, 0), timedelta(minutes=30)) == local(2026, 12, 14, 9, 30)
    assert opening_hours.elapsed(local(2026, 12, 11, 16, 0), local(2026, 12, 14, 10, 0)) == hours(2)


def test_christmas_and_the_boxing_day_substitute_are_bank_holidays():
    # Christmas Day 2026 is a Friday; Boxing Day falls on the Saturday, so Monday 28th is the bank holiday.
    assert opening_hours.is_bank_holiday(local(2026, 12, 25, 12).date())
    assert opening_hours.is_bank_holiday(local(2026, 12, 28, 12).date())
    assert opening_hours.add(local(2026, 12, 24, 16, 0), hours(2)) == local(2026, 12, 29, 10, 0)


def test_good_friday_and_easter_monday_are_bank_holidays():
    # Good Friday 3 April and Easter Monday 6 April 2026.
    assert opening_hours.add(local(2026, 4, 2, 16, 30), hours(1)) == local(2026, 4, 7, 9, 30)
    assert opening_hours.elapsed(local(2026, 4, 2, 9, 0), local(2026, 4, 7, 17, 0)) == hours(16)


def test_a_closure_an_administrator_adds_does_not_count():
    HelplineClosure.objects.create(
        starts_at=local(2026, 12, 9, 9, 0), ends_at=local(2026, 12, 9, 13, 0), reason="Team training"
    )
    # One hour on Tuesday, then Wednesday from 1pm.
    assert opening_hours.add(local(2026, 12, 8, 16, 0), hours(4)) == local(2026, 12, 9, 16, 0)
    assert opening_hours.elapsed(local(2026, 12, 9, 8, 0), local(2026, 12, 9, 17, 0)) == hours(4)


def test_a_closure_over_several_days_and_outside_hours_counts_only_what_it_covers():
    HelplineClosure.objects.create(
        starts_at=local(2026, 12, 9, 15, 0), ends_at=local(2026, 12, 11, 11, 0), reason="Office move"
    )
    # Wednesday 9-3 (6 h), Friday 11-5 (6 h).
    assert opening_hours.elapsed(local(2026, 12, 9, 0, 0), local(2026, 12, 12, 0, 0)) == hours(12)


def test_saturday_opening_hours_count_when_the_helpline_has_them(settings):
    settings.HELPLINE_HOURS = "Mon-Fri 09:00-17:00; Sat 10:00-13:00"
    assert opening_hours.add(local(2026, 12, 11, 16, 0), hours(2)) == local(2026, 12, 12, 11, 0)


def test_time_elapsed_backwards_is_negative():
    assert opening_hours.elapsed(local(2026, 12, 9, 10, 0), local(2026, 12, 8, 16, 0)) == -hours(2)


def test_the_clocks_changing_does_not_move_opening_time():
    # British Summer Time starts at 1am on Sunday 29 March 2026.
    assert opening_hours.add(local(2026, 3, 27, 16, 0), hours(2)) == local(2026, 3, 30, 10, 0)
    assert opening_hours.elapsed(local(2026, 3, 27, 9, 0), local(2026, 3, 30, 17, 0)) == hours(16)
