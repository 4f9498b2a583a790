import pytest
from django.core.exceptions import ValidationError

from helpline import services
from helpline.models import TRANSITIONS, EnquiryEvent, Outcome, Status
from tests.conftest import make_user

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

# The workflow from the issue, written out by hand so the declared data is checked against it.
ALLOWED = {
    (Status.NEW, "triage"): Status.TRIAGED,
    (Status.NEW, "close"): Status.CLOSED,
    (Status.TRIAGED, "await_callback"): Status.AWAITING_CALLBACK,
    (Status.TRIAGED, "start"): Status.IN_PROGRESS,
    (Status.TRIAGED, "close"): Status.CLOSED,
    (Status.AWAITING_CALLBACK, "start"): Status.IN_PROGRESS,
    (Status.AWAITING_CALLBACK, "close"): Status.CLOSED,
    (Status.IN_PROGRESS, "await_callback"): Status.AWAITING_CALLBACK,
    (Status.IN_PROGRESS, "close"): Status.CLOSED,
    (Status.ANSWERED, "await_callback"): Status.AWAITING_CALLBACK,
    (Status.ANSWERED, "start"): Status.IN_PROGRESS,
    (Status.ANSWERED, "close"): Status.CLOSED,
    (Status.CLOSED, "reopen"): Status.IN_PROGRESS,
}
ACTIONS = [t.action for t in TRANSITIONS]
ALL_PAIRS = [(status, action) for status in Status.values for action in ACTIONS]


def enquiry_in(nurse, status):
    enquiry = make_enquiry(nurse)
    Type = type(enquiry)
    Type.objects.filter(pk=enquiry.pk).update(
        status=status, outcome=Outcome.SIGNPOSTED if status == Status.CLOSED else ""
    )
    enquiry.refresh_from_db()
    return enquiry


@pytest.mark.parametrize(("status", "action"), [pair for pair in ALL_PAIRS if pair in ALLOWED])
def test_it_allows_each_declared_transition_and_logs_who_and_when(nurse, status, action):
    enquiry = enquiry_in(nurse, status)

    services.enquiry_transition(enquiry=enquiry, by=nurse, action=action, outcome=Outcome.INFORMATION_GIVEN)

    enquiry.refresh_from_db()
    assert enquiry.status == ALLOWED[(status, action)]
    event = enquiry.events.filter(kind=EnquiryEvent.Kind.STATUS).get()
    assert (event.actor, event.from_status, event.to_status) == (nurse, status, enquiry.status)
    assert event.at is not None


@pytest.mark.parametrize(("status", "action"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_it_refuses_every_other_transition_and_changes_nothing(nurse, status, action):
    enquiry = enquiry_in(nurse, status)
    past = next(t.past for t in TRANSITIONS if t.action == action)

    with pytest.raises(ValidationError) as error:
        services.enquiry_transition(enquiry=enquiry, by=nurse, action=action, outcome=Outcome.INFORMATION_GIVEN)

    status_label = Status(status).label
    assert error.value.messages == [f"An enquiry that is \u201c{status_label}\u201d can\u2019t be {past}."]
    enquiry.refresh_from_db()
    assert enquiry.status == status
    assert not enquiry.events.filter(kind=EnquiryEvent.Kind.STATUS).exists()


def test_the_declared_workflow_is_exactly_the_one_in_the_issue():
    declared = {(source, t.action): t.target for t in TRANSITIONS for source in t.sources}
    assert declared == ALLOWED


def test_it_refuses_an_unknown_action(nurse, enquiry):
    with pytest.raises(ValidationError) as error:
        services.enquiry_transition(enquiry=enquiry, by=nurse, action="delete")
    assert error.value.messages == [services.UNKNOWN_ACTION]


def test_closing_needs_an_outcome(nurse, enquiry):
    with pytest.raises(ValidationError) as error:
        services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="")

    assert error.value.message_dict == {"outcome": [services.OUTCOME_REQUIRED]}
    enquiry.refresh_from_db()
    assert enquiry.status == Status.NEW


def test_closing_records_the_outcome_and_reopening_clears_it(nurse, enquiry):
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=Outcome.REFERRED_GP)
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.outcome) == (Status.CLOSED, Outcome.REFERRED_GP)
    assert enquiry.closed_at is not None

    services.enquiry_transition(enquiry=enquiry, by=nurse, action="reopen")
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.outcome, enquiry.closed_at) == (Status.IN_PROGRESS, "", None)


def test_a_web_enquirys_first_response_is_the_first_thing_a_nurse_does(nurse):
    enquiry = services.enquiry_ask(question="Is it safe to lift my baby?", topics=["exercise"], email="q@example.net")
    assert enquiry.first_response_at is None

    services.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")

    enquiry.refresh_from_db()
    assert enquiry.first_response_at is not None


def test_a_phone_call_counts_as_answered_when_logged(nurse, enquiry):
    assert enquiry.first_response_at == enquiry.created_at


def test_claim_assign_and_unassign_are_on_the_timeline(nurse, enquiry):
    other = make_user("nina@example.org", role="nurse", mfa=True, first_name="Nina")
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=other)
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=None)

    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None
    assert list(enquiry.events.filter(kind=EnquiryEvent.Kind.ASSIGNED).values_list("text", flat=True)) == [
        "Assigned to Nina",
        "Unassigned",
    ]


def test_a_nurse_who_gave_no_name_is_named_by_her_email_address(nurse, enquiry):
    nameless = make_user("nameless@example.org", role="nurse", mfa=True)
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=nameless)

    assert enquiry.events.get(kind=EnquiryEvent.Kind.ASSIGNED).text == "Assigned to nameless@example.org"


def test_it_will_not_assign_an_enquiry_to_someone_who_is_not_a_nurse(nurse, enquiry, mother):
    with pytest.raises(ValidationError) as error:
        services.enquiry_assign(enquiry=enquiry, by=nurse, to=mother)
    assert error.value.message_dict == {"assignee": [services.ASSIGNEE_NOT_NURSE]}


class TestViews:
    def test_a_nurse_moves_an_enquiry_on_through_the_page(self, nurse_client, enquiry):
        response = nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/status/", {"action": "triage"})

        assert response.status_code == 302
        enquiry.refresh_from_db()
        assert enquiry.status == Status.TRIAGED

    def test_a_forbidden_transition_shows_the_reason_on_the_page(self, nurse_client, enquiry):
        response = nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/status/", {"action": "reopen"})

        assert response.status_code == 400
        assert "An enquiry that is \u201cNew\u201d can\u2019t be reopened." in response.content.decode()
        enquiry.refresh_from_db()
        assert enquiry.status == Status.NEW

    def test_closing_without_an_outcome_says_so_next_to_the_field(self, nurse_client, enquiry):
        response = nurse_client.post(f"/helpline/enquiries/{enquiry.pk}/status/", {"action": "close", "outcome": ""})

        assert response.status_code == 400
        assert 'href="#id_outcome">Choose an outcome before closing the enquiry.' in response.content.decode()

    def test_it_rejects_get_on_the_status_view(self, nurse_client, enquiry):
        assert nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/status/").status_code == 405
