"""Risk flags on the woman: set with a reason and a review date, shown on each of her enquiries and the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpline import people
from helpline.models import Enquiry, FlagKind, PersonFlag
from helpline.tasks import flags_review_task
from portal.models import AuditEntry

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


def url(enquiry) -> str:
    return f"/helpline/enquiries/{enquiry.pk}/"


def later(days: int = 30) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def linked_pair(nurse):
    earlier = make_enquiry(nurse, email="flag@example.net")
    today = make_enquiry(nurse, email="flag@example.net")
    people.person_link_confirm(enquiry=today, other=earlier, by=nurse)
    earlier.refresh_from_db(), today.refresh_from_db()
    return earlier, today


def test_a_nurse_sets_a_flag_and_it_shows_on_every_enquiry_of_hers_with_who_and_why(nurse_client, nurse):
    earlier, today = linked_pair(nurse)

    response = nurse_client.post(
        f"{url(today)}flags/",
        {"flag-kind": "interpreter", "flag-reason": "Speaks Polish only", "flag-review_on": later()},
    )

    assert response.status_code == 302
    flag = PersonFlag.objects.get()
    assert (flag.kind, flag.set_by, flag.person_id) == ("interpreter", nurse, today.person_id)
    for enquiry in (today, earlier):
        page = nurse_client.get(url(enquiry)).content.decode()
        assert "Interpreter needed" in page and "Speaks Polish only" in page
        assert nurse.display_name in page
    entry = AuditEntry.objects.get(action="person_flag.set")
    assert entry.actor == nurse and entry.target_id == str(flag.pk)
    assert "Polish" not in str(entry.detail)  # the reason never goes into the audit trail


def test_a_flag_on_an_enquiry_with_nobody_behind_it_yet_starts_her_person(nurse, nurse_client):
    enquiry = make_enquiry(nurse)
    nurse_client.post(
        f"{url(enquiry)}flags/", {"flag-kind": "do_not_email", "flag-reason": "She asked", "flag-review_on": later()}
    )
    enquiry.refresh_from_db()
    assert enquiry.person.flags.get().kind == FlagKind.DO_NOT_EMAIL


def test_a_flag_set_twice_is_refused_with_a_clear_message_and_changes_nothing(nurse_client, nurse):
    enquiry = make_enquiry(nurse)
    data = {"flag-kind": "safeguarding", "flag-reason": "Partner controls her phone", "flag-review_on": later()}
    nurse_client.post(f"{url(enquiry)}flags/", data)

    again = nurse_client.post(
        f"{url(enquiry)}flags/", {**data, "flag-reason": "Second try", "flag-review_on": later(60)}
    )

    assert again.status_code == 400
    page = again.content.decode()
    assert "She already has a \u201cSafeguarding concern\u201d flag, so nothing was changed." in page
    assert "Second try" in page  # what she typed is still in the form
    flag = PersonFlag.objects.get()
    assert (flag.reason, flag.review_on.isoformat()) == ("Partner controls her phone", later())
    assert AuditEntry.objects.filter(action="person_flag.set").count() == 1


def test_a_review_date_in_the_past_is_refused(nurse_client, nurse):
    enquiry = make_enquiry(nurse)
    response = nurse_client.post(
        f"{url(enquiry)}flags/", {"flag-kind": "interpreter", "flag-reason": "Welsh", "flag-review_on": later(-1)}
    )
    assert response.status_code == 400
    assert str(people.REVIEW_IN_PAST) in response.content.decode()
    assert not PersonFlag.objects.exists()


def test_a_flag_without_a_reason_is_refused(nurse_client, nurse):
    enquiry = make_enquiry(nurse)
    response = nurse_client.post(
        f"{url(enquiry)}flags/", {"flag-kind": "interpreter", "flag-reason": "", "flag-review_on": later()}
    )
    assert response.status_code == 400
    assert "Say why you are setting this flag" in response.content.decode()
    assert not PersonFlag.objects.exists()


def test_removing_and_reviewing_a_flag_are_audited(nurse_client, nurse):
    enquiry = make_enquiry(nurse)
    flag = people.flag_set(enquiry=enquiry, kind="interpreter", reason="Urdu", review_on=timezone.localdate(), by=nurse)
    enquiry.refresh_from_db()

    nurse_client.post(f"{url(enquiry)}flags/{flag.pk}/review/", {f"flag{flag.pk}-review_on": later(90)})
    flag.refresh_from_db()
    assert flag.review_on.isoformat() == later(90) and flag.reviewed_by == nurse

    nurse_client.post(f"{url(enquiry)}flags/{flag.pk}/remove/")
    flag.refresh_from_db()
    assert flag.ended_at is not None and flag.ended_by == nurse
    assert "Urdu" not in nurse_client.get(url(enquiry)).content.decode()

    again = nurse_client.post(f"{url(enquiry)}flags/{flag.pk}/remove/", follow=True)
    assert str(people.FLAG_ALREADY_ENDED) in again.content.decode()
    actions = list(
        AuditEntry.objects.filter(target_type="helpline.personflag", target_id=str(flag.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["person_flag.removed", "person_flag.reviewed", "person_flag.set"]


def test_a_flag_of_another_woman_is_not_found_from_this_enquiry(nurse_client, nurse):
    mine = make_enquiry(nurse, email="one@example.net", phone="")
    hers = make_enquiry(nurse, email="two@example.net", phone="")
    people.flag_set(enquiry=mine, kind="interpreter", reason="x", review_on=timezone.localdate(), by=nurse)
    other_flag = people.flag_set(enquiry=hers, kind="interpreter", reason="y", review_on=timezone.localdate(), by=nurse)

    assert nurse_client.post(f"{url(mine)}flags/{other_flag.pk}/remove/").status_code == 404
    other_flag.refresh_from_db()
    assert other_flag.ended_at is None


def test_volunteers_and_editors_cannot_set_or_remove_flags(client, nurse, volunteer, editor):
    enquiry = make_enquiry(nurse)
    flag = people.flag_set(enquiry=enquiry, kind="interpreter", reason="x", review_on=timezone.localdate(), by=nurse)
    for persona in (volunteer, editor):
        client.force_login(persona)
        assert client.post(f"{url(enquiry)}flags/{flag.pk}/remove/").status_code == 403
        assert (
            client.post(
                f"{url(enquiry)}flags/", {"flag-kind": "safeguarding", "flag-reason": "r", "flag-review_on": later()}
            ).status_code
            == 403
        )
    assert PersonFlag.objects.filter(ended_at__isnull=True).count() == 1


def test_the_queue_row_shows_her_flags(nurse_client, nurse):
    earlier, today = linked_pair(nurse)
    plain = make_enquiry(nurse, email="plain@example.net", phone="")
    people.flag_set(enquiry=earlier, kind="do_not_email", reason="r", review_on=timezone.localdate(), by=nurse)

    response = nurse_client.get("/helpline/")

    rows = {row["reference"]: row["flags"] for row in response.context["page"].object_list}
    assert rows[today.reference] == rows[earlier.reference] == ["Do not email"]
    assert rows[plain.reference] == []


def test_flags_add_no_query_to_the_queue(nurse_client, nurse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        make_enquiry(nurse, email=f"n{n}@example.net", phone="")
    nurse_client.get("/helpline/ask/")
    nurse_client.get("/helpline/")  # warms what the first visit caches (her roles, the footer)
    with CaptureQueriesContext(connection) as before:
        nurse_client.get("/helpline/")
    for enquiry in Enquiry.objects.all():
        for kind in ("do_not_email", "interpreter"):
            people.flag_set(enquiry=enquiry, kind=kind, reason="r", review_on=timezone.localdate(), by=nurse)
    with CaptureQueriesContext(connection) as after:
        response = nurse_client.get("/helpline/")
    assert len(after) == len(before), [q["sql"][:150] for q in after.captured_queries]
    assert response.content.decode().count("Interpreter needed") == 5


def test_the_daily_task_ends_crisis_flags_and_marks_the_rest_due_for_review(nurse_client, nurse):
    enquiry = make_enquiry(nurse)
    today = timezone.localdate()
    crisis = people.flag_set(enquiry=enquiry, kind="recent_crisis", reason="r", review_on=today, by=nurse)
    concern = people.flag_set(enquiry=enquiry, kind="safeguarding", reason="r", review_on=today, by=nurse)
    not_yet = people.flag_set(
        enquiry=enquiry, kind="interpreter", reason="r", review_on=today + timedelta(days=1), by=nurse
    )

    assert flags_review_task.apply().get() == 2
    assert flags_review_task.apply().get() == 0  # the second run the same day changes nothing

    for flag in (crisis, concern, not_yet):
        flag.refresh_from_db()
    assert crisis.ended_at is not None and crisis.ended_how == PersonFlag.Ended.EXPIRED
    assert concern.ended_at is None and concern.review_due_since == today
    assert not_yet.ended_at is None and not_yet.review_due_since is None
    assert set(
        AuditEntry.objects.filter(action__in=["person_flag.expired", "person_flag.review_due"]).values_list(
            "action", "target_id"
        )
    ) == {("person_flag.expired", str(crisis.pk)), ("person_flag.review_due", str(concern.pk))}
    page = nurse_client.get(url(enquiry)).content.decode()
    assert "Due for review" in page
    assert 'tag--urgent">Crisis in the last 90 days' not in page
