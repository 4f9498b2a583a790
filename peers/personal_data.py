"""What peer support holds about a person: export and erasure.

One export and one erasure, whichever way she asks: her peer support page
(`peers:my-data`) and the portal's account pages (registered with
`portal.personal_data` from `PeersConfig.ready()`) both use them.

Erasure ends whatever is in progress through the same services a person would
use (so the other woman and the nurses are told in the usual way), blanks the
free text and contact details, and unlinks the rows from her account; the
writes are peer_request_erase and volunteer_erase in services.py, beside the
retention run that blanks the same fields later (peers_anonymise_due).
Categories (region, fracture kind, dates, statuses) stay, without a name, so
the anonymous counts (and the wait estimate other mothers see) do not change.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from portal.models import OutboundEmail
from portal.personal_data import name_matches, user_addresses

from . import services
from .models import CheckIn, Introduction, PeerRequest, VolunteerProfile


def _her_requests(user, addresses: set[str]) -> QuerySet[PeerRequest]:
    """Her own requests, and those the helpline made for her without an account under one of `addresses`
    (the ones she confirmed). A request another account made is that account's, whatever address it gives."""
    # Addresses are stored as typed: match without regard to case.
    by_address = reduce(or_, (Q(contact_email__iexact=address) for address in addresses), Q(pk__in=[]))
    return PeerRequest.objects.filter(Q(mother=user) | (Q(mother__isnull=True) & by_address))


# ---------------------------------------------------------------- export


def _experience(obj) -> dict:
    return {
        "first_name": obj.first_name,
        "fracture_kind": obj.get_fracture_kind_display(),
        "timing": obj.get_timing_display(),
        "pregnancy_number": obj.pregnancy_number,
        "breastfed": obj.breastfed,
        "heparin": obj.heparin,
        "later_pregnancies": obj.later_pregnancies,
        "recovery": obj.recovery,
        "topics": obj.topic_labels(),
        "region": obj.get_region_display(),
        "languages": obj.languages,
        "contact_method": obj.get_contact_method_display(),
        "contact_email": obj.contact_email,
        "contact_phone": obj.contact_phone,
    }


def _introduction(intro: Introduction, *, user, side: str) -> dict:
    # Of the other woman, only the fact, dates and status of the introduction: the rest is hers.
    return {
        "status": intro.get_status_display(),
        "proposed_at": intro.proposed_at,
        "responded_at": intro.responded_at,
        "ended_at": intro.ended_at,
        # Feedback is the words of whoever ended it: hers only if she did.
        "your_feedback": intro.feedback if intro.ended_by_id == user.pk else "",
        "check_ins": [
            {"due_at": c.due_at, "answer": c.get_answer_display(), "answered_at": c.answered_at}
            for c in intro.check_ins.all()
            if c.who == side
        ],
        "how_you_talked": intro.get_talk_by_display(),
        # Her own messages in full; of the other woman's, only how many (their words are hers).
        "your_messages": [
            {"sent_at": m.created_at, "text": m.body, "hidden_by_a_nurse": m.hidden_at is not None}
            for m in intro.messages.all()
            if m.side == side
        ],
        "messages_received": sum(1 for m in intro.messages.all() if m.side != side),
        "how_it_went": [
            {
                "rating": e.rating,
                "comment": e.comment,
                "wanted_another_contact": e.wants_another,
                "hours": e.hours_given,
            }
            for e in intro.endings.all()
            if e.side == side
        ],
    }


def peers_names(words: set[str]) -> bool:
    """Whether any word is the first name a volunteer or a mother asking for a peer gave."""
    return any(
        model.objects.filter(name_matches("first_name", words)).exists() for model in (VolunteerProfile, PeerRequest)
    )


def peers_export(user) -> dict:
    """Everything peer support holds about her, for her to download or read."""
    addresses = user_addresses(user)
    requests = list(
        _her_requests(user, addresses)
        .prefetch_related("introductions__check_ins", "introductions__messages", "introductions__endings")
        .order_by("created_at", "id")
    )
    profile = (
        VolunteerProfile.objects.filter(user=user)
        .prefetch_related("introductions__check_ins", "introductions__messages", "introductions__endings")
        .first()
    )
    volunteer = None
    if profile is not None:
        volunteer = {
            "status": profile.get_status_display(),
            "applied_at": profile.applied_at,
            "decline_reason": profile.decline_reason,
            "capacity": profile.capacity,
            "briefing_completed_on": profile.briefing_completed_on,
            "briefing_expires_on": profile.briefing_expires_on,
            "paused": profile.paused,
            "paused_until": profile.paused_until,
            "resting_until": profile.resting_until,
            **_experience(profile),
            "introductions": [
                _introduction(i, user=user, side=CheckIn.Who.VOLUNTEER) for i in profile.introductions.all()
            ],
        }
    # Peer support writes to the contact address as she typed it, or to her account's.
    addresses |= {user.email, *(r.contact_email for r in requests), profile.contact_email if profile else ""}
    emails = OutboundEmail.objects.filter(to__in=addresses - {""}, template__startswith="peers/")
    return {
        "requests": [
            {
                "reference": r.reference,
                "status": r.get_status_display(),
                "created_at": r.created_at,
                "introduced_at": r.introduced_at,
                "ended_at": r.ended_at,
                "about": r.about,
                "consent_nurses_read": r.consent_nurses_read,
                "consent_share_details": r.consent_share_details,
                **_experience(r),
                "introductions": [_introduction(i, user=user, side=CheckIn.Who.MOTHER) for i in r.introductions.all()],
            }
            for r in requests
        ],
        "volunteer_profile": volunteer,
        # Subjects and dates only: a body can carry the other woman's details (an introduction's).
        "emails": [
            {"to": m.to, "subject": m.subject, "status": m.get_status_display(), "send_after": m.send_after}
            for m in emails.order_by("created_at", "id")
        ],
    }


# ---------------------------------------------------------------- erasure


def peers_erase(user) -> None:
    """Erase what peer support holds about her; the caller holds the transaction.

    Her requests are withdrawn (her volunteer is told) and her introductions as a
    volunteer end (each mother goes back to the nurses), then the rows are blanked
    and no longer point at her account: her peer support pages show nothing.
    """
    for peer_request in _her_requests(user, user_addresses(user)).order_by("id"):
        services.peer_request_erase(peer_request=peer_request, by=user)
    services.volunteer_erase(by=user)
