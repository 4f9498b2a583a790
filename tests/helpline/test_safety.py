"""What happens, level by level, when she writes through "Ask a nurse": her page, her acknowledgement,
the queue, the alert to the nurses on duty, escalation when nobody claims it, and urgency changes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from helpline import services
from helpline.models import DutyShift, Enquiry, EnquiryEvent, SafetyAlert, Urgency
from helpline.triage import ADVICE, FORM_WARNING
from leaflet.models import ClinicalText
from portal.models import AuditEntry
from portal.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = "/helpline/ask/"
LONDON = ZoneInfo("Europe/London")

# One message per level, as she might write it.
BY_LEVEL = {
    Urgency.EMERGENCY: ("When I wipe I can't feel the toilet paper and peeing feels strange", ["pain"]),
    Urgency.CRISIS: ("I feel so low, I have thought about ending it all. I don't want to be here.", ["other"]),
    Urgency.URGENT: ("My calf is swollen and hot", ["heparin"]),
    Urgency.ROUTINE: ("Can I take alendronate while breastfeeding?", ["breastfeeding"]),
}
ALARMS = (Urgency.EMERGENCY, Urgency.CRISIS)


def form(level, **overrides):
    question, topics = BY_LEVEL[level]
    data = {
        "name": "Priya",
        "email": "priya@example.net",
        "phone": "",
        "topics": topics,
        "question": question,
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def off_duty_nurse(db):
    return make_user("olga@example.org", role=Role.NURSE, first_name="Olga")


def ask(client, level, captured, **overrides):
    with captured(execute=True):
        response = client.post(URL, form(level, **overrides))
    assert response.status_code == 302
    return Enquiry.objects.latest("pk"), client.get(response["Location"])


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.parametrize("level", list(BY_LEVEL))
def test_she_sees_the_advice_for_her_level_at_once_and_in_her_acknowledgement(
    client, level, django_capture_on_commit_callbacks
):
    enquiry, thanks = ask(client, level, django_capture_on_commit_callbacks)

    assert enquiry.urgency == level
    page = html(thanks)
    (acknowledgement,) = emails_to("priya@example.net")
    for other, advice in ADVICE.items():
        assert (escape(advice.title) in page) == (other == level)
        assert (advice.title.upper() in acknowledgement.body) == (other == level)
    if level == Urgency.ROUTINE:
        assert "within two working days" in page
        assert "within two working days" in acknowledgement.body
    else:
        assert "as soon as possible" in page
    assert BY_LEVEL[level][0] not in acknowledgement.body  # never her question


def test_crisis_advice_puts_samaritans_first_on_her_page(client, django_capture_on_commit_callbacks):
    _, thanks = ask(client, Urgency.CRISIS, django_capture_on_commit_callbacks)

    page = html(thanks)
    assert page.index("Samaritans") < page.index("Your reference number")
    assert "116 123" in page
    assert 'role="alert"' not in page.split("116 123")[0].split("<main")[-1]  # calm, not an alarm


def test_the_acknowledgement_and_pages_give_the_helpline_phone_and_hours(
    client, settings, django_capture_on_commit_callbacks
):
    settings.HELPLINE_PHONE = "0300 123 4567"
    settings.HELPLINE_HOURS = "Mon-Fri 09:00-17:00"
    assert "0300 123 4567" in html(client.get(URL))
    # Saturday afternoon: closed, opens on Monday morning.
    with time_machine.travel(datetime(2026, 11, 28, 15, 0, tzinfo=LONDON), tick=False):
        _, thanks = ask(client, Urgency.ROUTINE, django_capture_on_commit_callbacks)

    for text in (html(thanks), emails_to("priya@example.net")[0].body):
        assert "0300 123 4567" in text
        assert "Monday to Friday, 9am to 5pm" in text
        assert "opens again Monday at 9am" in text


def test_the_queue_puts_emergencies_first_then_crises_then_urgent_then_routine(
    client, nurse_client, django_capture_on_commit_callbacks
):
    created = {}
    for level in (Urgency.ROUTINE, Urgency.URGENT, Urgency.CRISIS, Urgency.EMERGENCY):
        created[level], _ = ask(client, level, django_capture_on_commit_callbacks, email=f"{level}@example.net")

    rows = [row["reference"] for row in nurse_client.get("/helpline/").context["page"].object_list]

    assert rows == [created[level].reference for level in BY_LEVEL]


@pytest.mark.parametrize("level", list(BY_LEVEL))
def test_only_an_emergency_or_crisis_alerts_the_nurses_on_duty_with_no_personal_details(
    client, level, on_duty, off_duty_nurse, django_capture_on_commit_callbacks
):
    enquiry, _ = ask(client, level, django_capture_on_commit_callbacks)

    alerts = emails_to(on_duty.email)
    assert emails_to(off_duty_nurse.email) == []
    if level not in ALARMS:
        assert alerts == [] and not SafetyAlert.objects.exists()
        return
    (alert,) = alerts
    assert str(Urgency(level).label) in alert.subject
    assert f"/helpline/enquiries/{enquiry.pk}/" in alert.body
    for personal in ("Priya", "priya@example.net", enquiry.reference, BY_LEVEL[level][0][:20]):
        assert personal not in alert.subject + alert.body
    event = enquiry.events.get(kind=EnquiryEvent.Kind.ALERT)
    assert "on duty" in event.text and "Nora" in event.text


def test_with_nobody_on_duty_every_nurse_and_admin_is_alerted_at_once(
    client, nurse, off_duty_nurse, admin_user, django_capture_on_commit_callbacks
):
    ask(client, Urgency.EMERGENCY, django_capture_on_commit_callbacks)

    for person in (nurse, off_duty_nurse, admin_user):
        assert len(emails_to(person.email)) == 1
    assert SafetyAlert.objects.get().escalated_at is not None


def test_the_queue_shows_a_banner_until_a_nurse_claims_the_enquiry(
    client, nurse_client, on_duty, django_capture_on_commit_callbacks
):
    enquiry, _ = ask(client, Urgency.CRISIS, django_capture_on_commit_callbacks)

    queue = html(nurse_client.get("/helpline/"))
    assert "1 emergency or crisis enquiry waiting for a nurse" in queue
    assert f'href="/helpline/enquiries/{enquiry.pk}/">{enquiry.reference}</a>' in queue

    nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/claim/")

    assert "waiting for a nurse" not in html(nurse_client.get("/helpline/"))
    alert = SafetyAlert.objects.get()
    assert (alert.handled_by, alert.handled_at is not None) == (on_duty, True)


def test_a_night_of_alerts_names_the_oldest_few_and_counts_the_rest(nurse, nurse_client, django_assert_max_num_queries):
    from helpline.selectors import ALERT_BANNER_SHOWN
    from tests.helpline.conftest import make_enquiry

    now = timezone.now()
    enquiries = [make_enquiry(nurse, urgency=Urgency.EMERGENCY) for _ in range(ALERT_BANNER_SHOWN + 5)]
    SafetyAlert.objects.bulk_create(
        SafetyAlert(enquiry=e, level=Urgency.EMERGENCY, raised_at=now - timedelta(minutes=n), escalate_at=now)
        for n, e in enumerate(enquiries)
    )

    queue = html(nurse_client.get("/helpline/"))
    assert f"{ALERT_BANNER_SHOWN + 5} emergency or crisis enquiries waiting for a nurse" in queue
    assert "And 5 more, at the top of the queue below." in queue
    banner = queue.split('class="alert-banner"')[1].split("</div>")[0]
    assert enquiries[-1].reference in banner and enquiries[0].reference not in banner  # oldest first


@pytest.mark.parametrize("level", ALARMS)
def test_an_unclaimed_alert_goes_to_every_nurse_and_admin_after_the_set_minutes(
    client, level, settings, on_duty, off_duty_nurse, admin_user, django_capture_on_commit_callbacks
):
    settings.HELPLINE_ALERT_ESCALATE_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(client, level, django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert services.safety_alerts_escalate_due() == 0
    assert emails_to(off_duty_nurse.email) == []

    later = start + timedelta(minutes=15, seconds=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.safety_alerts_escalate_due() == 1
        assert services.safety_alerts_escalate_due() == 0  # exactly once

    for person in (on_duty, off_duty_nurse, admin_user):
        assert any(m.subject.startswith("Still unclaimed") for m in emails_to(person.email))
    assert SafetyAlert.objects.get().escalated_at == start + timedelta(minutes=15, seconds=1)


def test_a_claimed_alert_never_escalates(
    client, nurse_client, on_duty, off_duty_nurse, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        enquiry, _ = ask(client, Urgency.EMERGENCY, django_capture_on_commit_callbacks)
        nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/claim/")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert services.safety_alerts_escalate_due() == 0
    assert emails_to(off_duty_nurse.email) == []


def test_the_beat_task_escalates_through_the_service(
    client, on_duty, off_duty_nurse, django_capture_on_commit_callbacks
):
    from helpline.tasks import escalate_alerts_task

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(client, Urgency.CRISIS, django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        assert escalate_alerts_task.apply().get() == 1


@pytest.mark.parametrize(("start", "to"), [(Urgency.ROUTINE, Urgency.CRISIS), (Urgency.EMERGENCY, Urgency.URGENT)])
def test_a_nurse_changes_the_urgency_with_a_reason_recorded_in_the_timeline_and_audit(
    client, nurse_client, nurse, start, to, django_capture_on_commit_callbacks
):
    enquiry, _ = ask(client, start, django_capture_on_commit_callbacks)

    response = nurse_client.post(
        f"/helpline/enquiries/{enquiry.pk}/urgency/", {"urgency": to, "reason": "Spoke to her on the phone."}
    )

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.urgency == to
    event = enquiry.events.get(kind=EnquiryEvent.Kind.URGENCY)
    assert event.actor == nurse
    assert event.text == f"{Urgency(start).label} \u2192 {Urgency(to).label}: Spoke to her on the phone."
    audit = AuditEntry.objects.get(action="enquiry.urgency_changed")
    assert (audit.actor_id, audit.target_id) == (nurse.pk, str(enquiry.pk))
    assert audit.detail == {"from_urgency": Urgency(start).label, "to_urgency": Urgency(to).label}


def test_a_nurse_raising_the_urgency_to_emergency_alerts_the_nurses_on_duty_until_claimed(
    client, nurse_client, nurse, on_duty, off_duty_nurse, django_capture_on_commit_callbacks
):
    enquiry, _ = ask(client, Urgency.ROUTINE, django_capture_on_commit_callbacks)
    assert not SafetyAlert.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        nurse_client.post(
            f"/helpline/enquiries/{enquiry.pk}/urgency/",
            {"urgency": Urgency.EMERGENCY, "reason": "On the phone she said she cannot feel her legs."},
        )

    (alert,) = emails_to(on_duty.email)
    assert str(Urgency.EMERGENCY.label) in alert.subject and "cannot feel" not in alert.body
    assert emails_to(off_duty_nurse.email) == []
    assert "1 emergency or crisis enquiry waiting for a nurse" in html(nurse_client.get("/helpline/"))

    # Lowering and raising again between the two alarm levels does not alert twice.
    services.enquiry_urgency_change(enquiry=enquiry, by=nurse, urgency=Urgency.CRISIS, reason="Crisis, not spinal.")
    assert SafetyAlert.objects.count() == 1


def test_the_nurse_who_has_the_enquiry_claims_a_new_alert_on_it_from_its_page(
    client, nurse_client, nurse, on_duty, django_capture_on_commit_callbacks
):
    enquiry, _ = ask(client, Urgency.ROUTINE, django_capture_on_commit_callbacks)
    nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/claim/")
    page = html(nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/"))
    assert "Claim this enquiry" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_message_receive(enquiry=enquiry, text=BY_LEVEL[Urgency.CRISIS][0], by=None)

    page = html(nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/"))
    assert "Crisis alert waiting since" in page and "Claim this enquiry" in page
    nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/claim/")

    assert SafetyAlert.objects.get().handled_by == nurse
    assert "waiting for a nurse" not in html(nurse_client.get("/helpline/"))
    assert "alert waiting" not in html(nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/"))


def test_changing_the_urgency_needs_a_reason(client, nurse_client, django_capture_on_commit_callbacks):
    enquiry, _ = ask(client, Urgency.ROUTINE, django_capture_on_commit_callbacks)

    response = nurse_client.post(
        f"/helpline/enquiries/{enquiry.pk}/urgency/", {"urgency": Urgency.URGENT, "reason": ""}
    )

    assert response.status_code == 400
    assert "Say why the urgency is changing" in html(response)
    enquiry.refresh_from_db()
    assert enquiry.urgency == Urgency.ROUTINE


def test_nurses_see_the_level_and_the_words_that_triggered_it(client, nurse_client, django_capture_on_commit_callbacks):
    enquiry, _ = ask(client, Urgency.EMERGENCY, django_capture_on_commit_callbacks)

    page = html(nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/"))

    assert '<span class="tag tag--emergency">Emergency</span>' in page
    assert "numbness or altered feeling around the genitals, bottom or inner thighs" in page
    assert escape("\u201cwipe i can't feel\u201d") in page


def test_a_rate_limited_form_keeps_what_she_typed_and_shows_the_advice_for_it(client, settings):
    settings.HELPLINE_ASK_LIMIT_PER_IP = 0
    settings.HELPLINE_PHONE = "0300 123 4567"

    response = client.post(URL, form(Urgency.URGENT, phone="07700 900123", preferred_times="After 6pm"))

    assert response.status_code == 429
    page = html(response)
    assert "sent several questions in a short time" in page
    assert "0300 123 4567" in page
    assert escape(ADVICE[Urgency.URGENT].title) in page
    assert escape(ADVICE[Urgency.EMERGENCY].title) not in page
    assert escape(BY_LEVEL[Urgency.URGENT][0]) in page
    for typed in ('value="Priya"', 'value="priya@example.net"', 'value="07700 900123"', 'value="After 6pm"'):
        assert typed in page
    assert 'value="heparin" id="id_topics_5" checked' in page
    assert not Enquiry.objects.exists()


def test_the_advice_she_sees_is_the_one_clinical_staff_approved(
    client, editor, nurse, django_capture_on_commit_callbacks
):
    from leaflet import services as leaflet_services

    text = ClinicalText.objects.get(slug=ADVICE[Urgency.URGENT].slug)
    leaflet_services.clinical_item_save_draft(
        item=text,
        by=editor,
        title="See a doctor today",
        body="Call your GP surgery now.",
        sources="https://www.nhs.uk/conditions/back-pain/",
        next_review_due=None,
    )
    leaflet_services.clinical_item_step(item=text, by=editor, step="submit")
    _, before = ask(client, Urgency.URGENT, django_capture_on_commit_callbacks, email="a@example.net")
    assert escape(ADVICE[Urgency.URGENT].title) in html(before)  # a draft is never shown

    leaflet_services.clinical_item_step(item=text, by=nurse, step="approve")
    _, after = ask(client, Urgency.URGENT, django_capture_on_commit_callbacks, email="b@example.net")

    assert "See a doctor today" in html(after) and "Call your GP surgery now." in html(after)
    assert "SEE A DOCTOR TODAY" in emails_to("b@example.net")[0].body


def test_the_form_shows_the_not_for_emergencies_box_from_the_clinical_texts(client):
    assert escape(FORM_WARNING.title) in html(client.get(URL))


def test_a_nurse_puts_a_colleague_on_the_duty_rota(nurse_client, nurse, off_duty_nurse):
    start = timezone.localtime() + timedelta(hours=1)
    response = nurse_client.post(
        "/helpline/rota/",
        {
            "nurse": off_duty_nurse.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.nurse, shift.created_by) == (off_duty_nurse, nurse)
    assert AuditEntry.objects.filter(action="helpline.duty_shift_added", actor_id=nurse.pk).exists()
    assert "Olga" in html(nurse_client.get("/helpline/rota/"))


def test_a_shift_that_ends_before_it_starts_is_refused(nurse_client, nurse):
    start = timezone.localtime() + timedelta(hours=1)
    response = nurse_client.post(
        "/helpline/rota/",
        {
            "nurse": nurse.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 400
    assert "The shift must end after it starts." in html(response)
    assert not DutyShift.objects.exists()


def test_only_helpline_staff_reach_the_rota(client, mother, editor):
    for person in (mother, editor):
        client.force_login(person)
        assert client.get("/helpline/rota/").status_code == 403


def test_a_mistyped_helpline_hours_setting_fails_the_deploy_check(settings):
    from helpline.apps import check_helpline_hours

    settings.HELPLINE_HOURS = "Mon-Fri 9 till 5"
    (error,) = check_helpline_hours(None)
    assert "write it like 'Mon-Fri 09:00-17:00'" in error.msg
    settings.HELPLINE_HOURS = "Mon-Fri 09:00-17:00; Sat 10:00-13:00"
    assert check_helpline_hours(None) == []


def test_an_emailed_question_is_triaged_and_alerts_like_the_web_form(on_duty, django_capture_on_commit_callbacks):
    from helpline.models import Channel

    question, topics = BY_LEVEL[Urgency.CRISIS]
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = services.enquiry_ask(
            question=question, topics=topics, email="mina@example.net", channel=Channel.EMAIL
        )

    assert (enquiry.channel, enquiry.urgency) == (Channel.EMAIL, Urgency.CRISIS)
    assert len(emails_to(on_duty.email)) == 1
    assert ADVICE[Urgency.CRISIS].title.upper() in emails_to("mina@example.net")[0].body
