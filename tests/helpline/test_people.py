"""One woman, many enquiries: linked by her account at once, by a shared address or number only when a nurse confirms."""

import pytest
from django.utils import timezone

from helpline import people, services
from helpline.models import Callback, Enquiry, Person, PersonFlag
from peers import services as peer_services
from portal.models import AuditEntry

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

ASK = {
    "name": "Alice",
    "email": "alice@example.org",
    "phone": "",
    "topics": ["pain"],
    "question": "Is it safe to lift my baby from the cot?",
    "consent": "on",
}


def url(enquiry) -> str:
    return f"/helpline/enquiries/{enquiry.pk}/"


def test_questions_asked_from_her_account_are_linked_at_once_and_each_page_lists_the_other(client, mother, nurse):
    client.force_login(mother)
    client.post("/helpline/ask/", ASK)
    client.post("/helpline/ask/", {**ASK, "question": "When can I start swimming again?"})
    first, second = Enquiry.objects.order_by("created_at", "id")

    assert first.person_id == second.person_id == Person.objects.get(user=mother).pk

    client.force_login(nurse)
    page = client.get(url(second)).content.decode()
    assert f"Enquiry {first.reference}" in page
    assert "Her history" in page


def test_enquiries_that_share_only_a_name_are_never_linked_or_offered(nurse_client, nurse):
    one = make_enquiry(nurse, name="Sarah Jones", email="sarah1@example.net", phone="")
    two = make_enquiry(nurse, name="Sarah Jones", email="sarah2@example.net", phone="")

    page = nurse_client.get(url(two)).content.decode()
    assert "Perhaps hers" not in page
    response = nurse_client.post(f"{url(two)}person/link/", {"other": one.pk}, follow=True)

    assert str(people.NOT_A_MATCH) in response.content.decode()
    assert Enquiry.objects.filter(person__isnull=False).count() == 0


def test_a_shared_address_is_offered_but_linked_only_when_a_nurse_confirms(nurse_client, nurse):
    earlier = make_enquiry(nurse, email="Harriet@Example.net", phone="")
    today = make_enquiry(nurse, email="harriet@example.net", phone="")

    page = nurse_client.get(url(today)).content.decode()
    assert "Perhaps hers" in page and earlier.reference in page and "same email address" in page
    assert Enquiry.objects.filter(person__isnull=False).count() == 0  # offered, not linked

    nurse_client.post(f"{url(today)}person/link/", {"other": earlier.pk})

    earlier.refresh_from_db(), today.refresh_from_db()
    assert earlier.person_id is not None and earlier.person_id == today.person_id
    entry = AuditEntry.objects.get(action="person.linked")
    assert entry.actor == nurse and entry.detail == {"enquiry": today.pk, "other": earlier.pk, "basis": "email"}
    assert f"Enquiry {earlier.reference}" in nurse_client.get(url(today)).content.decode()


def test_the_same_number_typed_differently_is_offered(nurse_client, nurse):
    earlier = make_enquiry(nurse, email="", phone="+44 7700 900123")
    today = make_enquiry(nurse, email="", phone="07700-900-123")

    assert people.link_candidates(today) == [(earlier, "phone")]


def test_linking_two_people_merges_their_enquiries_and_flags(nurse, mother):
    a1, a2 = make_enquiry(nurse, email="a@example.net"), make_enquiry(nurse, email="a@example.net", phone="")
    b = make_enquiry(nurse, email="b@example.net", phone="07700 900123")
    people.person_link_confirm(enquiry=a1, other=a2, by=nurse)
    a1.refresh_from_db()
    people.flag_set(enquiry=a1, kind="interpreter", reason="Polish", review_on=timezone.localdate(), by=nurse)
    people.flag_set(enquiry=b, kind="interpreter", reason="Polish too", review_on=timezone.localdate(), by=nurse)

    # a1 and b share the phone number (make_enquiry's default).
    people.person_link_confirm(enquiry=a1, other=b, by=nurse)

    assert Person.objects.count() == 1
    person = Person.objects.get()
    assert set(person.enquiries.values_list("pk", flat=True)) == {a1.pk, a2.pk, b.pk}
    assert person.flags.filter(ended_at__isnull=True).count() == 1  # one interpreter flag, not two


def test_two_accounts_are_never_merged(nurse, mother, other_mother):
    mine = make_enquiry(nurse, email="shared@example.net")
    theirs = make_enquiry(nurse, email="shared@example.net")
    Enquiry.objects.filter(pk=mine.pk).update(user=mother)
    Enquiry.objects.filter(pk=theirs.pk).update(user=other_mother)
    for enquiry in (mine, theirs):
        enquiry.refresh_from_db()
        people.person_link_account(enquiry=enquiry)

    with pytest.raises(Exception, match="two different accounts"):
        people.person_link_confirm(enquiry=mine, other=theirs, by=nurse)
    assert Person.objects.count() == 2


def test_a_mistaken_link_can_be_undone_but_not_one_from_her_account(nurse_client, nurse, mother):
    earlier = make_enquiry(nurse, email="h@example.net")
    today = make_enquiry(nurse, email="h@example.net")
    people.person_link_confirm(enquiry=today, other=earlier, by=nurse)

    nurse_client.post(f"{url(today)}person/unlink/")
    today.refresh_from_db()
    assert today.person_id is None
    assert AuditEntry.objects.filter(action="person.unlinked", actor=nurse).count() == 1

    Enquiry.objects.filter(pk=earlier.pk).update(user=mother, person=None)
    earlier.refresh_from_db()
    people.person_link_account(enquiry=earlier)
    response = nurse_client.post(f"{url(earlier)}person/unlink/", follow=True)
    assert str(people.CANNOT_UNLINK_ACCOUNT) in response.content.decode()
    earlier.refresh_from_db()
    assert earlier.person_id is not None


def test_her_history_lists_earlier_enquiries_peer_requests_and_calls_and_is_audited(nurse_client, nurse, mother):
    earlier = make_enquiry(nurse, email="p@example.net")
    today = make_enquiry(nurse, email="p@example.net")
    Callback.objects.create(enquiry=earlier, due_at=timezone.now(), assigned_to=nurse)
    services.enquiry_refer_to_peer_support(enquiry=earlier, by=nurse, consent_recorded=True)
    earlier.refresh_from_db()
    people.person_link_confirm(enquiry=today, other=earlier, by=nurse)
    today.refresh_from_db()

    page = nurse_client.get(url(today)).content.decode()

    assert f"Enquiry {earlier.reference}" in page
    assert f"Call for {earlier.reference}" in page
    assert f"Peer support request R-{earlier.peer_request_id}" in page
    viewed = AuditEntry.objects.filter(action="person.history_viewed", actor=nurse)
    assert viewed.count() == 1
    assert viewed.get().target_id == str(today.person_id)


def test_the_history_and_flags_reach_no_one_but_nurses(client, nurse, volunteer, editor, mother):
    earlier = make_enquiry(nurse, email="q@example.net")
    today = make_enquiry(nurse, email="q@example.net")
    people.person_link_confirm(enquiry=today, other=earlier, by=nurse)
    people.flag_set(
        enquiry=today, kind="safeguarding", reason="Partner reads her post", review_on=timezone.localdate(), by=nurse
    )
    for persona in (volunteer, editor, mother):
        client.force_login(persona)
        response = client.get(url(today))
        assert response.status_code == 403
        assert "Partner reads her post" not in response.content.decode()
        assert earlier.reference not in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.history_viewed").exists()

    client.force_login(nurse)
    page = client.get(url(today)).content.decode()
    assert "Partner reads her post" in page and earlier.reference in page


def test_a_peer_request_of_her_account_shows_in_her_history(nurse_client, nurse, mother):
    enquiry = make_enquiry(nurse)
    Enquiry.objects.filter(pk=enquiry.pk).update(user=mother)
    enquiry.refresh_from_db()
    people.person_link_account(enquiry=enquiry)
    request = peer_services.peer_request_create(
        by=mother,
        data={"first_name": "Ann", "region": "london", "contact_method": "email", "contact_email": "ann@example.net"},
        consent_nurses_read=True,
        consent_share_details=True,
    )

    assert f"Peer support request R-{request.pk}" in nurse_client.get(url(enquiry)).content.decode()


def test_erasing_her_account_deletes_her_person_and_flags(nurse, mother):
    from portal.personal_data import account_erase

    enquiry = make_enquiry(nurse, email=mother.email)
    Enquiry.objects.filter(pk=enquiry.pk).update(user=mother)
    enquiry.refresh_from_db()
    people.person_link_account(enquiry=enquiry)
    people.flag_set(enquiry=enquiry, kind="safeguarding", reason="Private", review_on=timezone.localdate(), by=nurse)

    account_erase(user=mother, by=mother)

    assert not Person.objects.exists()
    assert not PersonFlag.objects.exists()
