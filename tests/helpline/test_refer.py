"""Referring a caller to peer support: one call into the peers app, only with her consent."""

import pytest
from django.core.exceptions import ValidationError

from helpline import services
from helpline.models import EnquiryEvent, Topic
from peers.models import PeerRequest

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


def url(enquiry):
    return f"/helpline/enquiries/{enquiry.pk}/refer/"


def test_with_consent_it_creates_a_peer_request_pre_filled_from_the_enquiry(nurse_client, nurse):
    enquiry = make_enquiry(nurse, topics=[Topic.HEPARIN, Topic.BREASTFEEDING, Topic.LEAFLET_REQUEST])

    response = nurse_client.post(url(enquiry), {"consent_recorded": "on"})

    assert response.status_code == 302
    request = PeerRequest.objects.get()
    assert (request.first_name, request.contact_email, request.contact_phone) == (
        "Harriet",
        "harriet@example.net",
        "07700 900123",
    )
    assert request.about == enquiry.summary
    assert request.topics == ["breastfeeding", "treatments"]
    assert (request.source_enquiry_id, request.consent_recorded_by, request.mother) == (enquiry.pk, nurse, None)
    enquiry.refresh_from_db()
    assert enquiry.peer_request_id == request.pk
    assert enquiry.events.get(kind=EnquiryEvent.Kind.REFERRED).actor == nurse
    assert (
        "Referred to peer support (request #" in nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/").content.decode()
    )


def test_without_consent_nothing_is_passed_on(nurse_client, nurse, enquiry):
    response = nurse_client.post(url(enquiry), {})

    assert response.status_code == 400
    assert str(services.PEER_CONSENT_REQUIRED) in response.content.decode()
    assert not PeerRequest.objects.exists()


def test_only_the_contact_routes_she_agreed_to_are_passed_on(nurse):
    enquiry = make_enquiry(nurse, consent_email=False)
    request = services.enquiry_refer_to_peer_support(enquiry=enquiry, by=nurse, consent_recorded=True)
    assert (request.contact_email, request.contact_phone, request.contact_method) == ("", "07700 900123", "phone")


def test_no_agreed_contact_route_means_no_referral(nurse):
    enquiry = make_enquiry(nurse, consent_email=False, consent_phone=False)
    with pytest.raises(ValidationError) as error:
        services.enquiry_refer_to_peer_support(enquiry=enquiry, by=nurse, consent_recorded=True)
    assert error.value.messages == [services.PEER_NO_CONTACT]
    assert not PeerRequest.objects.exists()


def test_an_anonymous_caller_needs_a_first_name_first(nurse_client, nurse):
    enquiry = make_enquiry(nurse, name="")
    response = nurse_client.post(url(enquiry), {"consent_recorded": "on"})
    assert response.status_code == 400
    assert str(services.PEER_NO_NAME) in response.content.decode()


def test_she_is_referred_once_only(nurse, enquiry):
    services.enquiry_refer_to_peer_support(enquiry=enquiry, by=nurse, consent_recorded=True)
    with pytest.raises(ValidationError) as error:
        services.enquiry_refer_to_peer_support(enquiry=enquiry, by=nurse, consent_recorded=True)
    assert error.value.messages == [services.PEER_ALREADY_REFERRED]
    assert PeerRequest.objects.count() == 1


def test_a_rule_peers_refuses_shows_as_a_sentence_on_the_page(nurse_client, nurse):
    enquiry = make_enquiry(nurse, name="A" * 80)  # longer than peers keeps for a first name
    response = nurse_client.post(url(enquiry), {"consent_recorded": "on"})
    assert response.status_code == 400
    assert "at most 60 characters" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.peer_request_id is None
