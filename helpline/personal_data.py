"""What the helpline holds about a person: export and erasure.

Registered with `portal.personal_data` from `HelplineConfig.ready()`.
Enquiries are not tied to an account (anyone may ask, and nurses log calls),
so hers are the ones with one of her email addresses. Erasure closes any
still open and anonymises them exactly as retention does, keeping the counts.
"""

from django.db import transaction
from django.utils import timezone

from portal.personal_data import user_addresses

from .models import Enquiry, EnquiryEvent, Outcome, Status


def _her_enquiries(user):
    addresses = user_addresses(user)
    query = Enquiry.objects.none()
    for address in addresses:
        query = query | Enquiry.objects.filter(email__iexact=address)
    return query.filter(anonymised_at__isnull=True)


def helpline_export(user) -> dict:
    enquiries = []
    for enquiry in _her_enquiries(user).prefetch_related("topic_links", "events").order_by("id"):
        enquiries.append(
            {
                "reference": enquiry.reference,
                "asked_on": enquiry.created_at,
                "how": enquiry.get_channel_display(),
                "name": enquiry.name,
                "email": enquiry.email,
                "phone": enquiry.phone,
                "question": enquiry.summary,
                "times_that_suit_you": enquiry.preferred_times,
                "topics": [t.get_topic_display() for t in enquiry.topic_links.all()],
                "agreed_to_email": enquiry.consent_email,
                "agreed_to_phone": enquiry.consent_phone,
                "status": enquiry.get_status_display(),
                "outcome": enquiry.get_outcome_display(),
                "notes": [
                    {"at": e.at, "what": e.get_kind_display(), "text": e.text} for e in enquiry.events.all() if e.text
                ],
            }
        )
    return {"enquiries": enquiries}


def helpline_erase(user) -> None:
    from .services import _anonymise

    now = timezone.now()
    for enquiry_id in list(_her_enquiries(user).values_list("pk", flat=True)):
        with transaction.atomic():
            enquiry = Enquiry.objects.select_for_update().get(pk=enquiry_id)
            if enquiry.status != Status.CLOSED:
                old = enquiry.status
                enquiry.status, enquiry.closed_at = Status.CLOSED, now
                enquiry.outcome = enquiry.outcome or Outcome.NO_FURTHER_ACTION
                enquiry.save(update_fields=["status", "closed_at", "outcome"])
                EnquiryEvent.objects.create(
                    enquiry=enquiry, kind=EnquiryEvent.Kind.STATUS, from_status=old, to_status=Status.CLOSED, at=now
                )
            _anonymise(enquiry, now=now)
