"""Volunteer applications, review, pausing, resting, and the briefing that lapses."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peers import selectors, services, tasks
from peers.models import NurseTask, VolunteerProfile
from portal.models import AuditEntry, OutboundEmail
from portal.roles import Role, has_role

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db

APPLICATION = {
    "first_name": "Olive",
    "fracture_kind": "spinal",
    "timing": "during",
    "breastfed": "true",
    "topics": ["pain", "emotional"],
    "region": "scotland",
    "languages": "English, Gaelic",
    "contact_method": "email",
    "contact_email": "olive@example.org",
    "recovery": "Slowly, with physiotherapy",
    "capacity": "2",
}


def today():
    return timezone.localdate()


def apply_and_get(client, user) -> VolunteerProfile:
    client.force_login(user)
    response = client.post(reverse("peers:volunteer-apply"), APPLICATION)
    assert response.status_code == 302, response.text
    return VolunteerProfile.objects.get(user=user)


def test_a_signed_in_woman_applies_and_a_nurse_approves_her(client, outsider, nurse):
    profile = apply_and_get(client, outsider)
    assert profile.status == VolunteerProfile.Status.APPLIED
    assert (profile.breastfed, profile.languages, profile.capacity) == (True, ["English", "Gaelic"], 2)
    assert "Waiting for a nurse to review" in client.get(reverse("peers:volunteer-home")).text

    client.force_login(nurse)
    response = client.post(
        reverse("peers:nurse-volunteer-briefing", args=[profile.pk]),
        {"briefing_completed_on": today(), "briefing_expires_on": today() + timedelta(days=365)},
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    outsider.refresh_from_db()
    assert profile.status == VolunteerProfile.Status.APPROVED
    assert profile.reviewed_by == nurse
    assert profile.briefing_expires_on == today() + timedelta(days=365)
    assert has_role(outsider, Role.VOLUNTEER)
    assert OutboundEmail.objects.get(to=outsider.email).subject == "You are now a peer support volunteer"
    assert selectors.eligible_volunteers().filter(pk=profile.pk).exists()


def test_an_unverified_email_cannot_apply(client, outsider):
    EmailAddress.objects.filter(user=outsider).update(verified=False)
    client.force_login(outsider)
    response = client.post(reverse("peers:volunteer-apply"), APPLICATION)
    assert response.status_code == 200
    assert str(services.NEEDS_VERIFIED_EMAIL) in response.text
    assert "Slowly, with physiotherapy" in response.text
    assert not VolunteerProfile.objects.exists()


def test_a_nurse_declines_with_a_reason_she_sees(client, outsider, nurse):
    profile = apply_and_get(client, outsider)
    client.force_login(nurse)

    empty = client.post(reverse("peers:nurse-volunteer-decline", args=[profile.pk]), {"reason": ""})
    assert empty.status_code == 400 and "This field is required." in empty.text
    client.post(reverse("peers:nurse-volunteer-decline", args=[profile.pk]), {"reason": "We need a reference first."})

    profile.refresh_from_db()
    assert profile.status == VolunteerProfile.Status.DECLINED
    assert "We need a reference first." in OutboundEmail.objects.get(to=outsider.email).body_text
    assert not has_role(outsider, Role.VOLUNTEER)
    client.force_login(outsider)
    assert "We need a reference first." in client.get(reverse("peers:volunteer-home")).text


def test_approval_refuses_a_briefing_that_has_already_lapsed(client, outsider, nurse):
    profile = apply_and_get(client, outsider)
    client.force_login(nurse)
    response = client.post(
        reverse("peers:nurse-volunteer-briefing", args=[profile.pk]),
        {"briefing_completed_on": today() - timedelta(days=400), "briefing_expires_on": today() - timedelta(days=1)},
    )
    assert response.status_code == 400
    assert "Please choose a date in the future." in response.text
    profile.refresh_from_db()
    assert profile.status == VolunteerProfile.Status.APPLIED


def test_a_declined_application_cannot_be_approved(outsider, nurse):
    profile = make_volunteer(outsider, status=VolunteerProfile.Status.DECLINED)
    with pytest.raises(ValidationError, match='whose application is "Declined"'):
        services.volunteer_approve(
            by=nurse,
            volunteer=profile,
            briefing_completed_on=today(),
            briefing_expires_on=today() + timedelta(days=30),
        )


def test_approving_a_volunteer_who_suits_a_waiting_request_tells_the_nurses(nurse, outsider):
    suited = make_request(None, fracture_kind="hip")
    unsuited = make_request(None, fracture_kind="spinal", contact_email="x@example.org")
    profile = make_volunteer(outsider, status=VolunteerProfile.Status.APPLIED, fracture_kind="hip")

    services.volunteer_approve(
        by=nurse,
        volunteer=profile,
        briefing_completed_on=today(),
        briefing_expires_on=today() + timedelta(days=9),
    )

    assert [(t.peer_request_id, t.kind) for t in NurseTask.objects.all()] == [
        (suited.pk, NurseTask.Kind.SUITABLE_VOLUNTEER)
    ]
    notice = OutboundEmail.objects.get(to=nurse.email)
    assert suited.reference in notice.body_text and unsuited.reference not in notice.body_text


def test_a_paused_volunteer_is_not_suggested_until_her_date(client, volunteer):
    profile = make_volunteer(volunteer)
    request = make_request(None)
    client.force_login(volunteer)

    client.post(reverse("peers:volunteer-pause"), {"until": today() + timedelta(days=3)})
    assert not selectors.suggestions(request)
    with time_machine.travel(timezone.now() + timedelta(days=3, hours=1)):
        assert [s.volunteer.pk for s in selectors.suggestions(request)] == [profile.pk]

    client.post(reverse("peers:volunteer-pause"), {"until": ""})
    profile.refresh_from_db()
    assert profile.paused and profile.paused_until is None
    assert not selectors.suggestions(request)

    client.post(reverse("peers:volunteer-resume"))
    assert [s.volunteer.pk for s in selectors.suggestions(request)] == [profile.pk]
    assert AuditEntry.objects.filter(action="peers.volunteer_paused").count() == 2


def test_a_pause_date_in_the_past_is_refused(client, volunteer):
    make_volunteer(volunteer)
    client.force_login(volunteer)
    response = client.post(reverse("peers:volunteer-pause"), {"until": today()}, follow=True)
    assert "Please choose a date in the future." in response.text
    assert not VolunteerProfile.objects.get(user=volunteer).paused


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"status": VolunteerProfile.Status.APPLIED}, "not approved"),
        ({"status": VolunteerProfile.Status.DECLINED}, "declined"),
        ({"paused": True}, "paused"),
        ({"capacity": 1, "active_count": 1}, "full"),
        ({"briefing_expires_on": timezone.localdate() - timedelta(days=1)}, "briefing lapsed"),
        ({"resting_until": timezone.now() + timedelta(days=2)}, "resting"),
    ],
)
def test_ineligible_volunteers_are_never_suggested(fields, why):
    make_volunteer(**fields)
    assert selectors.suggestions(make_request(None)) == [], why


def test_a_nurse_can_still_choose_any_eligible_volunteer_not_only_the_top_ones(client, nurse):
    request = make_request(None, fracture_kind="spinal")
    for _ in range(12):
        make_volunteer(fracture_kind="spinal")
    lowest = make_volunteer(region="wales")
    client.force_login(nurse)

    assert f"Propose V-{lowest.pk}" not in client.get(reverse("peers:nurse-request", args=[request.pk])).text
    assert f"Propose V-{lowest.pk}" in client.get(reverse("peers:nurse-request", args=[request.pk]) + "?all=1").text
    client.post(reverse("peers:nurse-propose", args=[request.pk]), {"volunteer_id": lowest.pk})
    assert request.introductions.get().volunteer == lowest


def test_briefing_reminders_go_once_to_her_and_the_nurses(nurse, settings):
    settings.PEERS_BRIEFING_REMINDER_DAYS = 30
    soon = make_volunteer(briefing_expires_on=today() + timedelta(days=20))
    make_volunteer(briefing_expires_on=today() + timedelta(days=90))

    assert tasks.briefing_reminders_task() == 1
    assert tasks.briefing_reminders_task() == 0

    assert OutboundEmail.objects.filter(to=soon.user.email, template="peers/email/briefing_reminder").count() == 1
    assert OutboundEmail.objects.filter(to=nurse.email, template="peers/email/nurses_notice").count() == 1

    # A refresher moves the expiry date, so the next lapse is reminded about again.
    services.volunteer_record_briefing(
        by=nurse, volunteer=soon, completed_on=today(), expires_on=today() + timedelta(days=25)
    )
    assert tasks.briefing_reminders_task() == 1


def test_a_nurse_records_a_refresher_that_brings_a_lapsed_volunteer_back(client, nurse):
    lapsed = make_volunteer(briefing_expires_on=today() - timedelta(days=1))
    request = make_request(None)
    assert not selectors.suggestions(request)
    client.force_login(nurse)
    client.post(
        reverse("peers:nurse-volunteer-briefing", args=[lapsed.pk]),
        {"briefing_completed_on": today(), "briefing_expires_on": today() + timedelta(days=365)},
    )
    assert [s.volunteer.pk for s in selectors.suggestions(request)] == [lapsed.pk]


def test_the_volunteer_list_query_count_does_not_grow_with_volunteers(client, nurse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(nurse)
    make_volunteer()
    counts = []
    client.get(reverse("peers:nurse-volunteers"))  # the first request of a session does one-off work
    for _ in range(2):
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("peers:nurse-volunteers"))
        counts.append(len(context))
        for _ in range(20):
            make_volunteer()
    assert counts[0] == counts[1]
    assert response.text.count("/peers/nurse/volunteers/") >= 21


def test_pausing_without_an_approved_profile_says_so_instead_of_failing(client, volunteer):
    client.force_login(volunteer)
    for name in ("peers:volunteer-pause", "peers:volunteer-resume"):
        response = client.post(reverse(name), {"until": ""}, follow=True)
        assert response.status_code == 200
        assert str(services.NOT_A_VOLUNTEER) in response.text
