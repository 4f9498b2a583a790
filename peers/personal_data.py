"""What peer support holds about a person: export, erasure and retention.

Registered with `portal.personal_data` from `PeersConfig.ready()`. Erasure
ends whatever is in progress through the same services a person would use
(so the other woman and the nurses are told in the usual way), then blanks
the free text and contact details. Categories (region, fracture kind, dates,
statuses) stay, without a name, for the anonymous counts.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.audit import audit_record
from portal.outbox import email_cancel_about, emails_about
from portal.personal_data import user_addresses

from . import services
from .models import Introduction, PeerRequest, VolunteerProfile
from .services import EXPERIENCE_FIELDS


def _her_requests(user):
    addresses = user_addresses(user)
    return PeerRequest.objects.filter(Q(mother=user) | Q(contact_email__in=addresses) if addresses else Q(mother=user))


def _experience(obj) -> dict:
    return {name: getattr(obj, name) for name in EXPERIENCE_FIELDS}


def _introduction(intro: Introduction, *, as_party: str) -> dict:
    # The other woman's name and details are hers, not this person's: dates and statuses only.
    return {
        "as": as_party,
        "status": intro.get_status_display(),
        "proposed_at": intro.proposed_at,
        "responded_at": intro.responded_at,
        "ended_at": intro.ended_at,
    }


def peers_export(user) -> dict:
    requests = []
    for request in _her_requests(user).prefetch_related("introductions").order_by("id"):
        requests.append(
            {
                "reference": request.reference,
                "status": request.get_status_display(),
                "created_at": request.created_at,
                "ended_at": request.ended_at,
                "about": request.about,
                **_experience(request),
                "introductions": [_introduction(i, as_party="mother") for i in request.introductions.all()],
            }
        )
    profile = VolunteerProfile.objects.filter(user=user).prefetch_related("introductions").first()
    volunteer = None
    if profile is not None:
        volunteer = {
            "status": profile.get_status_display(),
            "applied_at": profile.applied_at,
            "capacity": profile.capacity,
            "briefing_completed_on": profile.briefing_completed_on,
            "briefing_expires_on": profile.briefing_expires_on,
            **_experience(profile),
            "introductions": [_introduction(i, as_party="volunteer") for i in profile.introductions.all()],
        }
    return {"requests": requests, "volunteer_profile": volunteer}


def _blank_experience(obj) -> None:
    obj.first_name = obj.contact_email = obj.contact_phone = obj.recovery = ""
    obj.topics, obj.languages = [], []
    obj.save(update_fields=["first_name", "contact_email", "contact_phone", "recovery", "topics", "languages"])


def _blank_emails_about(obj) -> None:
    email_cancel_about(about=obj)
    emails_about(obj).update(to="", subject="(erased)", body_text="", body_html="", last_error="")


def _anonymise_request(request: PeerRequest) -> None:
    _blank_experience(request)
    PeerRequest.objects.filter(pk=request.pk).update(about="")
    _blank_emails_about(request)
    for intro in request.introductions.all():
        _anonymise_introduction(intro)


def _anonymise_introduction(intro: Introduction) -> None:
    Introduction.objects.filter(pk=intro.pk).update(note="", feedback="")
    _blank_emails_about(intro)


def peers_erase(user) -> None:

    for request in _her_requests(user):
        services.peer_request_withdraw(by=user, request_id=request.pk)  # ends any introduction; no-op if over
        _anonymise_request(request)
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is None:
        return
    for intro in profile.introductions.filter(status__in=Introduction.HOLDS_PLACE):
        if intro.status == Introduction.Status.ACCEPTED:
            services.introduction_end(by=user, introduction_id=intro.pk)
        else:
            services.introduction_decline(by=user, introduction_id=intro.pk)
    profile.refresh_from_db()
    _blank_experience(profile)
    VolunteerProfile.objects.filter(pk=profile.pk).update(status=VolunteerProfile.Status.DECLINED, decline_reason="")
    _blank_emails_about(profile)
    for intro in profile.introductions.all():
        _anonymise_introduction(intro)


def peers_anonymise_due(*, now=None) -> int:
    """Blank the personal details of requests that ended longer ago than PEERS_RETENTION_DAYS.

    Covers the request, its introductions and the emails about them. An
    anonymised request has an empty first name (a live one never does), so a
    second run finds nothing left to do and changes nothing.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PEERS_RETENTION_DAYS)
    due = (
        PeerRequest.objects.filter(
            status__in=(PeerRequest.Status.CLOSED, PeerRequest.Status.WITHDRAWN), ended_at__lte=cutoff
        )
        .exclude(first_name="")
        .values_list("pk", flat=True)
    )
    done = 0
    for request_id in list(due[:1000]):
        with transaction.atomic():
            request = PeerRequest.objects.select_for_update().get(pk=request_id)
            if request.first_name == "" or request.status not in (
                PeerRequest.Status.CLOSED,
                PeerRequest.Status.WITHDRAWN,
            ):
                continue
            _anonymise_request(request)
            audit_record(action="peers.request_anonymised", target=request)
            done += 1
    return done
