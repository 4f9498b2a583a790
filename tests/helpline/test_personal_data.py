"""Her helpline enquiries in her data export, and gone from it when she erases her account."""

import pytest

from helpline import services
from helpline.models import Outcome, Status, Topic
from portal.personal_data import account_erase, personal_data_export, providers

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


def test_the_helpline_registers_an_exporter_and_an_eraser():
    assert "helpline" in {p.name for p in providers()}


def test_her_export_holds_her_enquiries_found_by_address_and_no_one_elses(mother, nurse):
    mine = services.enquiry_ask(question="Heparin and bones?", topics=[Topic.HEPARIN], email="ALICE@example.org")
    make_enquiry(nurse, email="someone.else@example.net")

    data = personal_data_export(user=mother)["helpline"]

    assert [e["reference"] for e in data["enquiries"]] == [mine.reference]
    assert data["enquiries"][0]["question_or_summary"] == "Heparin and bones?"
    assert data["enquiries"][0]["topics"] == ["Heparin"]


def test_her_export_says_how_urgent_the_helpline_judged_her_question_and_why(mother):
    services.enquiry_ask(question="I have chest pain since this morning", topics=[], email=mother.email)

    [enquiry] = personal_data_export(user=mother)["helpline"]["enquiries"]

    assert enquiry["urgency"] == "Emergency"
    assert any("chest pain" in reason for reason in enquiry["why_that_urgency"])


def test_erasing_her_account_anonymises_her_enquiries_and_keeps_the_counts(mother, nurse):
    open_one = make_enquiry(nurse, email="alice@example.org", name="Alice")
    closed = make_enquiry(nurse, email="alice@example.org")
    services.enquiry_transition(enquiry=closed, by=nurse, action="close", outcome=Outcome.SIGNPOSTED)
    other = make_enquiry(nurse, email="someone.else@example.net")

    account_erase(user=mother, by=mother)

    for enquiry in (open_one, closed):
        enquiry.refresh_from_db()
        assert (enquiry.name, enquiry.email, enquiry.phone, enquiry.summary) == ("", "", "", "[anonymised]")
        assert enquiry.anonymised_at is not None
        assert enquiry.status == Status.CLOSED
        assert enquiry.topic_links.count() == 1
        assert not enquiry.topic_links.filter(enquiry_open=True).exists()  # out of the open queue's topic index
    open_one.refresh_from_db()
    closed.refresh_from_db()
    assert (open_one.outcome, closed.outcome) == (Outcome.ERASED_AT_HER_REQUEST, Outcome.SIGNPOSTED)
    other.refresh_from_db()
    assert other.email == "someone.else@example.net"


def test_the_nurses_read_that_she_asked_for_the_erasure_and_when(mother, nurse, client):
    enquiry = make_enquiry(nurse, email="alice@example.org")
    services.enquiry_message_receive(enquiry=enquiry, text="Any news?")

    account_erase(user=mother, by=mother)

    client.force_login(nurse)
    page = client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    enquiry.refresh_from_db()
    day = f"{enquiry.anonymised_at:%-d %b %Y}"
    assert f"anonymised on {day} at her request, when she asked for her data to be deleted" in page
    assert "after the retention period" not in page
    assert "Closed when she asked for her data to be deleted" in page
    assert "No further action" not in page


def test_the_outcome_a_nurse_can_choose_never_claims_an_erasure(nurse, client):
    enquiry = make_enquiry(nurse)
    client.force_login(nurse)
    page = client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    assert "Closed when she asked for her data to be deleted" not in page
