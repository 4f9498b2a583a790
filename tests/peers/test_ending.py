"""The planned length, the midpoint check-in, the reminder before the end, and the ending page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from peers import lifecycle, services
from peers.models import CheckIn, Ending, Introduction, NurseTask, PeerRequest
from portal.models import OutboundEmail
from portal.outbox import emails_about

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def intro(mother, volunteer, nurse) -> Introduction:
    proposed = services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
    )
    return services.introduction_accept(by=volunteer, introduction=proposed)


def test_an_introduction_is_planned_for_eight_weeks_with_a_midpoint_check_in_and_a_reminder(intro):
    assert intro.planned_weeks == 8
    assert intro.planned_end_at == intro.responded_at + timedelta(weeks=8)
    first = CheckIn.objects.filter(introduction=intro).order_by("due_at").first()
    assert first.due_at == intro.responded_at + timedelta(weeks=4)
    reminders = emails_about(intro).filter(template="peers/email/end_reminder")
    assert reminders.count() == 2
    assert {r.send_after for r in reminders} == {intro.planned_end_at - timedelta(days=7)}


def test_a_nurse_changes_the_length_and_the_check_in_and_reminders_move(client, intro, nurse):
    client.force_login(nurse)
    client.post(reverse("peers:nurse-introduction-length", args=[intro.pk]), {"planned_weeks": 12})
    intro.refresh_from_db()
    assert intro.planned_weeks == 12 and intro.planned_end_at == intro.responded_at + timedelta(weeks=12)
    first = CheckIn.objects.filter(introduction=intro).order_by("due_at").first()
    assert first.due_at == intro.responded_at + timedelta(weeks=6)
    check_in_times = set(
        emails_about(intro)
        .filter(template="peers/email/check_in", status="scheduled")
        .values_list("send_after", flat=True)
    )
    assert intro.responded_at + timedelta(weeks=6) in check_in_times
    live = emails_about(intro).filter(template="peers/email/end_reminder", status=OutboundEmail.Status.SCHEDULED)
    assert {r.send_after for r in live} == {intro.planned_end_at - timedelta(days=7)} and live.count() == 2


def test_a_length_out_of_range_is_refused(client, intro, nurse):
    client.force_login(nurse)
    response = client.post(
        reverse("peers:nurse-introduction-length", args=[intro.pk]), {"planned_weeks": 40}, follow=True
    )
    assert str(lifecycle.BAD_LENGTH) in response.text
    intro.refresh_from_db()
    assert intro.planned_weeks == 8


def test_the_ending_page_ends_it_records_how_it_went_and_feeds_the_volunteers_record(
    client, intro, mother, volunteer, nurse
):
    client.force_login(mother)
    page = client.get(reverse("peers:ending", args=[intro.pk]))
    assert "How helpful was it?" in page.text and "I would like another peer contact" in page.text
    assert "hours did you give" not in page.text
    response = client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "5", "comment": "She was lovely"})
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ENDED
    intro.volunteer.refresh_from_db()
    assert intro.volunteer.resting_until is not None  # her rest period after an ending

    client.force_login(volunteer)
    page = client.get(reverse("peers:ending", args=[intro.pk])).text
    assert "hours did you give" in page and "another peer contact" not in page
    client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "4", "hours_given": "10"})
    assert Ending.objects.count() == 2

    record = lifecycle.volunteer_record(intro.volunteer)
    assert (record.introductions, record.ended, record.ended_well, record.hours_given) == (1, 1, 1, 10)
    client.force_login(nurse)
    page = client.get(reverse("peers:nurse-volunteer", args=[intro.volunteer_id])).text
    assert "1 ended well by the mothers" in page and "about 10 hours given" in page
    page = client.get(reverse("peers:nurse-request", args=[intro.peer_request_id])).text
    assert "The mother rated it 5/5: “She was lovely”" in page


def test_a_rating_is_needed_and_what_she_wrote_is_kept(client, intro, mother):
    client.force_login(mother)
    response = client.post(reverse("peers:ending", args=[intro.pk]), {"comment": "Kept words"})
    assert response.status_code == 400
    assert "Please choose how helpful it was, from 1 to 5." in response.text and "Kept words" in response.text
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED and not Ending.objects.exists()


def test_after_a_poor_ending_she_asks_for_another_contact_without_starting_again(client, intro, mother, nurse):
    client.force_login(mother)
    response = client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "1", "wants_another": "on"})
    new = PeerRequest.objects.get(mother=mother, status=PeerRequest.Status.WAITING)
    assert response.status_code == 302 and response.url == reverse("peers:request-detail", args=[new.pk])
    old = intro.peer_request
    old.refresh_from_db()
    assert old.status == PeerRequest.Status.CLOSED
    assert (new.first_name, new.topics, new.talk_by) == (old.first_name, old.topics, old.talk_by)
    task = NurseTask.objects.get(peer_request=new)
    assert task.kind == NurseTask.Kind.ANOTHER_CONTACT
    notice = OutboundEmail.objects.filter(template="peers/email/nurses_notice", to=nurse.email).latest("id")
    assert "after a poor ending" in notice.body_text and f"V-{intro.volunteer_id}" in notice.body_text


def test_she_tells_us_once(client, intro, mother):
    client.force_login(mother)
    client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "3"})
    client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "1"})
    assert list(Ending.objects.values_list("rating", flat=True)) == [3]


def test_someone_else_cannot_open_or_send_the_ending_page(client, intro, other_mother):
    client.force_login(other_mother)
    assert client.get(reverse("peers:ending", args=[intro.pk])).status_code == 404
    assert client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "1"}).status_code == 404
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED


def test_the_nurses_see_how_introductions_ended_each_quarter_in_counts_only(client, intro, mother, volunteer, nurse):
    import time_machine

    with time_machine.travel("2026-11-20 10:00 +00:00", tick=False):
        client.force_login(mother)
        client.post(
            reverse("peers:ending", args=[intro.pk]),
            {"rating": "2", "comment": "We never found a time", "wants_another": "on"},
        )
        client.force_login(volunteer)
        client.post(reverse("peers:ending", args=[intro.pk]), {"rating": "3", "hours_given": "6"})

    [quarter] = lifecycle.endings_by_quarter()
    assert (quarter.quarter, quarter.told, quarter.ended_well, quarter.wanted_another) == ("2026 Q4", 1, 0, 1)
    assert (quarter.average_rating, quarter.volunteer_hours) == (2.0, 6)
    client.force_login(nurse)
    page = client.get(reverse("peers:nurse-moderation")).text
    assert "How introductions ended" in page and '<th scope="row">2026 Q4</th>' in page
    assert "We never found a time" not in page
