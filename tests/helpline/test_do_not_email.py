"""A "do not email" flag stops every email to her, whatever the enquiry says: decided where the outbox decides."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from helpline import people, services
from helpline.models import Enquiry
from portal.models import OutboundEmail
from portal.outbox import email_deliver, email_queue

from .conftest import ask_data, make_enquiry

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status


def flag_do_not_email(enquiry, nurse):
    return people.flag_set(
        enquiry=enquiry,
        kind="do_not_email",
        reason="Her partner reads her email",
        review_on=timezone.localdate(),
        by=nurse,
    )


def test_her_acknowledgement_a_nurses_reply_and_a_follow_up_are_all_held_back(client, nurse):
    earlier = make_enquiry(nurse, email="priya@example.net")
    flag_do_not_email(earlier, nurse)

    # The acknowledgement of a new question from her address, which no nurse has linked to her yet.
    client.post("/helpline/ask/", ask_data(email="Priya@Example.net"))
    new = Enquiry.objects.exclude(pk=earlier.pk).get()
    # A nurse's reply on her flagged enquiry, which says she agreed to email and that it is safe.
    assert earlier.reply_route == "email"
    services.enquiry_reply_send(enquiry=earlier, by=nurse, subject="Your question", body="Some answers", links=[])
    # A follow-up about it.
    with_follow_up = email_queue(
        to=earlier.email,
        template="helpline/email/follow_up",
        context={"body": "How are you getting on?", "name": "Priya", "reference": earlier.reference},
        about=earlier,
        kind=OutboundEmail.Kind.FOLLOW_UP,
    )

    emails = OutboundEmail.objects.filter(to__iexact="priya@example.net")
    assert emails.count() == 3
    assert set(emails.values_list("status", "last_error")) == {(Status.CANCELLED, people.DO_NOT_EMAIL)}
    assert {e.about_id for e in emails} == {str(new.pk), str(earlier.pk)}
    for message in emails:
        assert email_deliver(message_id=message.pk) is False
    assert mail.outbox == []
    assert with_follow_up.status == Status.CANCELLED


def test_an_email_queued_before_the_flag_is_stopped_when_it_falls_due(nurse):
    enquiry = make_enquiry(nurse)
    later = timezone.now() + timedelta(hours=2)
    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body="Later", links=[], send_after=later)
    message = OutboundEmail.objects.get(about_id=str(enquiry.pk))
    assert message.status == Status.SCHEDULED

    flag_do_not_email(enquiry, nurse)
    OutboundEmail.objects.filter(pk=message.pk).update(send_after=timezone.now())

    assert email_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Status.CANCELLED, people.DO_NOT_EMAIL)
    assert mail.outbox == []


def test_email_goes_again_once_the_flag_is_removed(nurse):
    enquiry = make_enquiry(nurse)
    flag = flag_do_not_email(enquiry, nurse)
    people.flag_end(flag=flag, by=nurse)

    services.enquiry_reply_send(enquiry=enquiry, by=nurse, subject="S", body="Now", links=[])
    message = OutboundEmail.objects.get(about_id=str(enquiry.pk))
    assert email_deliver(message_id=message.pk) is True
    assert len(mail.outbox) == 1


def test_another_womans_email_is_not_held_back(nurse):
    flagged = make_enquiry(nurse, email="a@example.net", phone="")
    flag_do_not_email(flagged, nurse)
    other = make_enquiry(nurse, email="b@example.net", phone="")

    services.enquiry_reply_send(enquiry=other, by=nurse, subject="S", body="Hello", links=[])
    message = OutboundEmail.objects.get(about_id=str(other.pk))
    assert email_deliver(message_id=message.pk) is True
