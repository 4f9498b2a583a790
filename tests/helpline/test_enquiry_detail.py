"""One enquiry's page: its details, the audit of every view, notes and the nurse's actions."""

import pytest

from helpline import services
from helpline.models import Channel, Enquiry, EnquiryEvent, Topic, Urgency
from portal.models import AuditEntry

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


def url(enquiry, suffix=""):
    return f"/helpline/enquiries/{enquiry.pk}/{suffix}"


def test_every_view_of_an_enquiry_writes_an_audit_entry(nurse_client, nurse, enquiry):
    before = AuditEntry.objects.filter(action="enquiry.viewed").count()

    nurse_client.get(url(enquiry), REMOTE_ADDR="192.0.2.7")
    nurse_client.get(url(enquiry), REMOTE_ADDR="192.0.2.7")

    entries = AuditEntry.objects.filter(action="enquiry.viewed")
    assert entries.count() == before + 2
    entry = entries.first()
    assert (entry.actor, entry.target_type, entry.target_id, entry.ip) == (
        nurse,
        "helpline.enquiry",
        str(enquiry.pk),
        "192.0.2.7",
    )
    assert "Harriet" not in str(entry.detail) and "harriet@" not in str(entry.detail)


def test_an_admin_view_is_audited_too(client, admin_user, enquiry):
    client.force_login(admin_user)
    client.get(url(enquiry))
    assert AuditEntry.objects.filter(action="enquiry.viewed", actor=admin_user).count() == 1


def test_refused_visitors_leave_no_view_entry_and_see_nothing(client, mother, enquiry):
    client.force_login(mother)
    response = client.get(url(enquiry))
    assert response.status_code == 403
    assert "Harriet" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="enquiry.viewed").exists()


def test_the_page_shows_details_consents_and_the_timeline(nurse_client, enquiry):
    page = nurse_client.get(url(enquiry)).content.decode()

    assert "<h1>Enquiry " + enquiry.reference + "</h1>" in page
    for text in ("Harriet Example", "harriet@example.net", "07700 900123", "Mornings, text first", "Pain"):
        assert text in page
    assert "Agreed; safe to email" in page
    assert "Agreed; do not leave a message" in page
    assert "<strong>Logged</strong>" in page


def test_a_nurse_adds_a_note_and_it_joins_the_timeline(nurse_client, nurse, enquiry):
    response = nurse_client.post(url(enquiry, "notes/"), {"text": "Sent the heparin section."})

    assert response.status_code == 302
    note = enquiry.events.get(kind=EnquiryEvent.Kind.NOTE)
    assert (note.actor, note.text) == (nurse, "Sent the heparin section.")
    assert "Sent the heparin section." in nurse_client.get(url(enquiry)).content.decode()


def test_an_empty_note_is_refused_with_a_message(nurse_client, enquiry):
    response = nurse_client.post(url(enquiry, "notes/"), {"text": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.NOTE).exists()


def test_a_nurse_claims_an_unassigned_enquiry(nurse_client, nurse):
    enquiry = services.enquiry_ask(question="Heparin and bones?", topics=[Topic.HEPARIN], email="x@example.net")

    nurse_client.post(url(enquiry, "claim/"))

    enquiry.refresh_from_db()
    assert enquiry.assigned_to == nurse
    assert enquiry.events.filter(kind=EnquiryEvent.Kind.ASSIGNED, actor=nurse).count() == 1


def test_a_nurse_assigns_an_enquiry_through_the_page(nurse_client, nurse, admin_user, enquiry):
    nurse_client.post(url(enquiry, "assign/"), {"assignee": admin_user.pk})
    enquiry.refresh_from_db()
    assert enquiry.assigned_to == admin_user


def test_a_nurse_logs_a_call_in_one_form(nurse_client, nurse):
    response = nurse_client.post(
        "/helpline/enquiries/new/",
        {
            "channel": Channel.PHONE,
            "caller_type": "partner",
            "topics": [Topic.PAIN, Topic.PRACTICAL_HELP],
            "urgency": Urgency.SOON,
            "summary": "Partner calling; she cannot lift the baby.",
            "consent_phone": "on",
            "preferred_times": "No voicemail",
        },
    )

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/helpline/enquiries/{enquiry.pk}/"
    assert (enquiry.caller_type, enquiry.urgency, enquiry.name, enquiry.created_by) == (
        "partner",
        Urgency.SOON,
        "",
        nurse,
    )
    assert (enquiry.consent_phone, enquiry.consent_email, enquiry.assigned_to) == (True, False, nurse)
    assert sorted(enquiry.topic_links.values_list("topic", flat=True)) == ["pain", "practical_help"]
    assert AuditEntry.objects.filter(action="enquiry.logged", actor=nurse).count() == 1


def test_the_log_form_keeps_what_was_typed_and_says_what_is_missing(nurse_client):
    response = nurse_client.post(
        "/helpline/enquiries/new/", {"channel": "letter", "caller_type": "self", "urgency": 3, "name": "Jo"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_summary">Write a short summary of the enquiry.</a>' in page
    assert '<a href="#id_topics">Choose at least one topic.</a>' in page
    assert 'value="Jo"' in page
    assert 'value="letter" id="id_channel_2" required checked' in page
    assert not Enquiry.objects.exists()


def test_a_nurse_logged_red_flag_is_marked(nurse):
    enquiry = make_enquiry(nurse, summary="Sudden severe back pain this morning")
    assert enquiry.red_flag is True
