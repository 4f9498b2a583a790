"""What the helpline holds about a person, for her data export and account erasure.

The public form and nurses' logs link an enquiry to a person by email address only
(she needs no account), so both look enquiries up by every address she has used here.
"""

import base64
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from portal.personal_data import name_matches, register, user_addresses

from .models import Enquiry, EnquiryEvent, Person

CONVERSATION_KINDS = (EnquiryEvent.Kind.MESSAGE_IN, EnquiryEvent.Kind.MESSAGE_OUT)


def _hers(user) -> QuerySet[Enquiry]:
    # Asked while signed in, or (without an account) from one of her addresses, stored as typed:
    # matched without regard to case.
    hers = reduce(or_, (Q(email__iexact=address) for address in user_addresses(user)), Q(user=user))
    return Enquiry.objects.filter(anonymised_at__isnull=True).filter(hers).order_by("created_at", "id")


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
                "where_she_lives": e.get_region_display(),
                "safe_times_to_ring_her": e.safe_call_periods,
                "agreed_to_email": e.consent_email,
                "agreed_to_phone": e.consent_phone,
                "status": e.get_status_display(),
                "outcome": e.get_outcome_display(),
                # What the safety triage made of her words is about her health too: she may see it.
                "urgency": e.get_urgency_display(),
                "why_that_urgency": e.triage_reasons,
                "language_if_not_english": e.language,
                "why_not_emailed": e.not_emailed_because,
                "conversation": [
                    {
                        "at": event.at.isoformat(),
                        "from": "you" if event.kind == EnquiryEvent.Kind.MESSAGE_IN else "helpline nurse",
                        "text": event.text,
                    }
                    for event in e.events.all()
                ],
                "emails_from_her": [_email_export(event.inbound) for event in e.events.all() if event.inbound],
                "feedback_after_closing": _feedback_export(e),
            }
            for e in _hers(user)
            .select_related("feedback")
            .prefetch_related(
                "topic_links",
                Prefetch(
                    "events",
                    EnquiryEvent.objects.filter(kind__in=CONVERSATION_KINDS)
                    .select_related("inbound")
                    .prefetch_related("inbound__attachments"),
                ),
            )
        ]
    }


def _feedback_export(enquiry: Enquiry) -> dict | None:
    """The feedback email we sent her after the enquiry closed, and her answer, if any."""
    feedback = getattr(enquiry, "feedback", None)
    if feedback is None or feedback.sent_at is None:
        return None
    return {
        "email_sent": feedback.sent_at.isoformat(),
        "answered": feedback.answered_at.isoformat() if feedback.answered_at else None,
        "score_1_to_5": feedback.score,
        "comment": feedback.comment,
    }


def _email_export(email) -> dict:
    """One email she sent us, as received, with the files we kept (their content in base64)."""
    return {
        "received": email.received_at.isoformat(),
        "from": email.from_address,
        "subject": email.subject,
        "text": email.body_text,
        "files": [
            {
                "name": f.filename,
                "type": f.content_type,
                "kept": f.kept,
                "why_not_kept": f.refused,
                "content_base64": _file_base64(f) if f.kept else "",
            }
            for f in email.attachments.all()
        ],
    }


def _file_base64(attachment) -> str:
    with attachment.file.open("rb") as handle:
        return base64.b64encode(handle.read()).decode("ascii")


def helpline_erase(user) -> None:
    """Anonymise her enquiries now, as retention would later (services.enquiry_erase).

    Runs inside the portal's erasure transaction.
    """
    from .services import enquiry_erase

    now = timezone.now()
    hers = list(_hers(user))
    # Her person goes too, with the flags nurses set on her (their reasons are about her).
    person_ids = {e.person_id for e in hers if e.person_id} | set(
        Person.objects.filter(user=user).values_list("pk", flat=True)
    )
    Person.objects.filter(pk__in=person_ids).delete()
    for enquiry in hers:
        enquiry.person_id = None
        enquiry_erase(enquiry=enquiry, now=now)


def helpline_names(words: set[str]) -> bool:
    """Whether any word is (part of) a name an enquiry was logged under."""
    return Enquiry.objects.filter(name_matches("name", words)).exists()


def register_provider() -> None:
    register("helpline", export=helpline_export, erase=helpline_erase, names=helpline_names)
