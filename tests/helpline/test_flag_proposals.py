"""A crisis or safeguarding triage result suggests the matching flag to the nurse who claims the enquiry: she decides."""

import pytest
from django.utils import timezone

from helpline import services
from helpline.models import Enquiry, FlagKind, PersonFlag, Urgency
from portal.models import AuditEntry
from portal.roles import Role

pytestmark = pytest.mark.django_db

CRISIS = "I feel so low, I have thought about ending it all. I don't want to be here."
ABUSE = "My partner pushed me down the stairs last week and I'm scared of him. That's how my wrist broke."
SUGGESTED = "Suggested by the safety triage"


def asked(question: str) -> Enquiry:
    return services.enquiry_ask(question=question, topics=["other"], name="Sam", email="sam@example.net")


def url(enquiry) -> str:
    return f"/helpline/enquiries/{enquiry.pk}/"


def test_a_crisis_suggests_the_crisis_flag_to_the_nurse_who_claims_it_and_one_click_adds_it(nurse_client, nurse):
    enquiry = asked(CRISIS)
    assert enquiry.urgency == Urgency.CRISIS
    assert SUGGESTED not in nurse_client.get(url(enquiry)).content.decode()  # nobody has claimed it yet
    assert not PersonFlag.objects.exists()  # and nothing is set by itself

    nurse_client.post(f"{url(enquiry)}claim/")
    page = nurse_client.get(url(enquiry)).content.decode()
    assert SUGGESTED in page and "Crisis in the last 90 days" in page

    proposal = nurse_client.get(url(enquiry)).context["flag_proposals"][0]
    nurse_client.post(
        f"{url(enquiry)}flags/",
        {"flag-kind": proposal.kind, "flag-reason": proposal.reason, "flag-review_on": proposal.review_on.isoformat()},
    )

    flag = PersonFlag.objects.get()
    assert flag.kind == FlagKind.RECENT_CRISIS and flag.set_by == nurse
    assert (flag.review_on - timezone.localtime(enquiry.created_at).date()).days == 90
    assert AuditEntry.objects.filter(action="person_flag.set", actor=nurse).count() == 1
    assert SUGGESTED not in nurse_client.get(url(enquiry)).content.decode()  # she has it now


def test_words_suggesting_abuse_suggest_a_safeguarding_flag(nurse_client, nurse):
    enquiry = asked(ABUSE)
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=nurse)

    kinds = [p.kind for p in nurse_client.get(url(enquiry)).context["flag_proposals"]]
    assert kinds == [FlagKind.SAFEGUARDING]


def test_a_routine_question_suggests_nothing(nurse_client, nurse):
    enquiry = asked("When can I start swimming again after my spinal fracture?")
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=nurse)
    assert nurse_client.get(url(enquiry)).context["flag_proposals"] == []


def test_a_colleague_who_has_not_claimed_it_is_not_asked(client, nurse, django_user_model):
    from tests.conftest import make_user

    enquiry = asked(CRISIS)
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=nurse)
    colleague = make_user("colleague@example.org", role=Role.NURSE, mfa=True)
    client.force_login(colleague)
    assert client.get(url(enquiry)).context["flag_proposals"] == []
