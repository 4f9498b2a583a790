"""What the helpline holds about a person, for her data export and account erasure.

The public form and nurses' logs link an enquiry to a person by email address only
(she needs no account), so both look enquiries up by every address she has used here.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.personal_data import name_matches, register, user_addresses

from .models import Enquiry, Outcome, Status


def _hers(user) -> QuerySet[Enquiry]:
    addresses = user_addresses(user)
    if not addresses:
        return Enquiry.objects.none()
    # Addresses are stored as typed: match without regard to case.
    return (
        Enquiry.objects.filter(anonymised_at__isnull=True)
        .filter(reduce(or_, (Q(email__iexact=address) for address in addresses)))
        .order_by("created_at", "id")
    )


def helpline_export(user) -> dict:
    """Her enquiries as she told them, and where each has got to (nurses' working notes are not included)."""
    return {
        "enquiries": [
            {
                "reference": e.reference,
                "received": e.created_at.isoformat(),
                "channel": e.get_channel_display(),
                "name": e.name,
                "email": e.email,
                "phone": e.phone,
                "topics": [link.get_topic_display() for link in e.topic_links.all()],
                "question_or_summary": e.summary,
                "times_that_suit_her": e.preferred_times,
                "agreed_to_email": e.consent_email,
                "agreed_to_phone": e.consent_phone,
                "status": e.get_status_display(),
                "outcome": e.get_outcome_display(),
            }
            for e in _hers(user).prefetch_related("topic_links")
        ]
    }


def helpline_erase(user) -> None:
    """Anonymise her enquiries now, as retention would later; open ones are closed first so the counts stay.

    Runs inside the portal's erasure transaction.
    """
    from .services import _anonymise, _topic_links_follow_status

    now = timezone.now()
    for enquiry in _hers(user).select_for_update():
        closing = enquiry.status != Status.CLOSED
        if closing:
            enquiry.status, enquiry.outcome, enquiry.closed_at = Status.CLOSED, Outcome.NO_FURTHER_ACTION, now
        enquiry.next_callback_at = None
        enquiry.save(update_fields=["status", "outcome", "closed_at", "next_callback_at"])
        if closing:
            _topic_links_follow_status(enquiry)
        enquiry.callbacks.filter(done_at__isnull=True).update(done_at=now)
        _anonymise(enquiry, now=now)


def helpline_names(words: set[str]) -> bool:
    """Whether any word is (part of) a name an enquiry was logged under."""
    return Enquiry.objects.filter(name_matches("name", words)).exists()


def register_provider() -> None:
    register("helpline", export=helpline_export, erase=helpline_erase, names=helpline_names)
