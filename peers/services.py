"""Every write in peer support: one function per action, each in one transaction.

Safeguarding rule running through all of this: neither woman's name or contact
details reach the other (page or email) until a nurse has proposed the match
and the volunteer has accepted it; both consents are a database constraint.
"""

from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from portal.audit import audit_record
from portal.models import OutboundEmail, User
from portal.outbox import email_cancel_about, email_queue, emails_about
from portal.roles import Role, grant_role, has_role, revoke_role, user_roles

from . import lifecycle, matching, selectors, tokens
from .free_text import words_screen
from .models import CheckIn, ContactMethod, Introduction, NurseTask, PeerRequest, TalkBy, VolunteerProfile

NEEDS_VERIFIED_EMAIL = gettext_lazy("Please confirm your email address before you apply to volunteer.")
ALREADY_APPLIED = gettext_lazy("You have already applied to volunteer.")
CANNOT_REVIEW = 'Can\'t review a volunteer whose application is "{status}".'
NOT_APPROVED = 'Can\'t record a briefing for a volunteer whose application is "{status}".'
BRIEFING_DATES = gettext_lazy("The briefing must expire after the day it was completed, and in the future.")
DECLINE_NEEDS_REASON = gettext_lazy("Please give a reason for declining.")
NOT_A_VOLUNTEER = gettext_lazy("You are not an approved volunteer.")
NEEDS_CONSENT = gettext_lazy("We can only pass on a request when both consents are given.")
REQUEST_ALREADY_OPEN = gettext_lazy("You already have a request open. You can follow it on your peer support page.")
ROLE_CANNOT_REQUEST = gettext_lazy("Only mothers can ask for a peer supporter.")
CANNOT_PROPOSE = 'Can\'t propose an introduction for a request that is "{status}".'
NOT_ELIGIBLE = gettext_lazy(
    "This volunteer can't be asked at the moment: she may be paused, resting, full or her briefing has lapsed, "
    "or she was already asked about this request."
)
NO_FREE_PLACE = gettext_lazy(
    "This volunteer has no free place left: someone has just proposed her for another request."
)
CANNOT_ANSWER = 'This introduction is "{status}", so it can no longer be accepted or declined.'
CANNOT_END = 'Can\'t end an introduction that is "{status}".'
LINK_INVALID = gettext_lazy("This link is not valid. It may have been cut short when it was copied.")
LINK_USED = gettext_lazy("This link has already been used.")
LINK_EXPIRED = gettext_lazy("This link has expired.")
NEEDS_CONTACT = gettext_lazy("Please give an email address or a phone number.")

EXPERIENCE_FIELDS = (
    "fracture_kind",
    "timing",
    "pregnancy_number",
    "breastfed",
    "heparin",
    "later_pregnancies",
    "recovery",
    "topics",
    "region",
    "languages",
    "first_name",
    "contact_method",
    "contact_email",
    "contact_phone",
    "talk_by",
)
VOLUNTEER_FIELDS = (*EXPERIENCE_FIELDS, "capacity")
REQUEST_FIELDS = (*EXPERIENCE_FIELDS, "about")

# The first check-in is at the midpoint of the planned length (peers.lifecycle); the last, after the end.
CHECK_IN_AFTER = (timedelta(days=28), timedelta(days=90))
CHECK_IN_LINK_LIFETIME = timedelta(days=60)


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _tell_nurses(*, notice: str, peer_request: PeerRequest, task_kind: str | None = None, introduction=None) -> None:
    """Put a task in the nurses' queue and email every nurse a pointer to it (ids only, no personal data)."""
    if task_kind:
        NurseTask.objects.create(kind=task_kind, peer_request=peer_request, introduction=introduction)
    for address in selectors.nurse_emails():
        email_queue(
            to=address,
            template="peers/email/nurses_notice",
            context={
                "notice": notice,
                "link": _link("peers:nurse-request", peer_request.pk),
                "reference": peer_request.reference,
            },
            about=peer_request,
        )


def _lock_introduction(introduction_id: int, **filters) -> Introduction:
    """Lock an introduction's request, then the introduction itself.

    Every service that changes an introduction locks in the same order as
    `introduction_propose` and `peer_request_withdraw` (request, introduction,
    then the volunteer's counter), so two actions on one request queue up
    instead of deadlocking.
    """
    request_id = (
        Introduction.objects.filter(pk=introduction_id, **filters).values_list("peer_request_id", flat=True).get()
    )
    PeerRequest.objects.select_for_update().get(pk=request_id)
    return Introduction.objects.select_for_update().get(pk=introduction_id)


def _release_place(volunteer_id: int, *, rest: bool = False) -> None:
    """Give the volunteer her place back; after a real introduction she rests before the next."""
    changes = {"active_count": F("active_count") - 1}
    if rest:
        changes["resting_until"] = timezone.now() + timedelta(days=settings.PEERS_REST_DAYS)
    VolunteerProfile.objects.filter(pk=volunteer_id).update(**changes)


# ---------------------------------------------------------------- volunteers


def volunteer_apply(*, by: User, data: dict) -> VolunteerProfile:
    """A woman with a verified email applies to volunteer; a declined applicant may apply again."""
    if not EmailAddress.objects.filter(user=by, verified=True).exists():
        raise ValidationError(NEEDS_VERIFIED_EMAIL)
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().filter(user=by).first()
        if profile is not None and profile.status != VolunteerProfile.Status.DECLINED:
            raise ValidationError(ALREADY_APPLIED)
        profile = profile or VolunteerProfile(user=by)
        for name in VOLUNTEER_FIELDS:
            setattr(profile, name, data.get(name, getattr(profile, name)))
        profile.status = VolunteerProfile.Status.APPLIED
        profile.applied_at = timezone.now()
        profile.decline_reason = ""
        profile.full_clean()
        profile.save()
        audit_record(action="peers.volunteer_applied", actor=by, target=profile)
    return profile


def volunteer_approve(
    *, by: User, volunteer: VolunteerProfile, briefing_completed_on: date, briefing_expires_on: date
) -> VolunteerProfile:
    """A nurse approves an application, recording the charity's briefing; waiting requests she suits are flagged."""
    if not (briefing_completed_on < briefing_expires_on and briefing_expires_on > timezone.localdate()):
        raise ValidationError(BRIEFING_DATES)
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=volunteer.pk)
        if profile.status != VolunteerProfile.Status.APPLIED:
            raise ValidationError(CANNOT_REVIEW.format(status=profile.get_status_display()))
        profile.status = VolunteerProfile.Status.APPROVED
        profile.reviewed_by, profile.reviewed_at = by, timezone.now()
        profile.briefing_completed_on, profile.briefing_expires_on = briefing_completed_on, briefing_expires_on
        profile.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "briefing_completed_on", "briefing_expires_on"]
        )
        grant_role(profile.user, Role.VOLUNTEER)
        audit_record(action="peers.volunteer_approved", actor=by, target=profile)
        email_queue(
            to=profile.user.email,
            template="peers/email/volunteer_decision",
            context={"approved": True, "first_name": profile.first_name, "link": _link("peers:volunteer-home")},
            about=profile,
        )
        for request in PeerRequest.objects.filter(status=PeerRequest.Status.WAITING).order_by("created_at"):
            if matching.score(request, profile).score >= matching.SUITS_THRESHOLD:
                _tell_nurses(
                    notice=gettext("A newly approved volunteer may suit waiting request %(reference)s.")
                    % {"reference": request.reference},
                    peer_request=request,
                    task_kind=NurseTask.Kind.SUITABLE_VOLUNTEER,
                )
    return profile


def volunteer_decline(*, by: User, volunteer: VolunteerProfile, reason: str) -> VolunteerProfile:
    if not reason.strip():
        raise ValidationError(DECLINE_NEEDS_REASON)
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=volunteer.pk)
        if profile.status != VolunteerProfile.Status.APPLIED:
            raise ValidationError(CANNOT_REVIEW.format(status=profile.get_status_display()))
        profile.status = VolunteerProfile.Status.DECLINED
        profile.reviewed_by, profile.reviewed_at, profile.decline_reason = by, timezone.now(), reason.strip()
        profile.save(update_fields=["status", "reviewed_by", "reviewed_at", "decline_reason"])
        audit_record(action="peers.volunteer_declined", actor=by, target=profile)
        email_queue(
            to=profile.user.email,
            template="peers/email/volunteer_decision",
            context={"approved": False, "first_name": profile.first_name, "reason": profile.decline_reason},
            about=profile,
        )
    return profile


def volunteer_record_briefing(
    *, by: User, volunteer: VolunteerProfile, completed_on: date, expires_on: date
) -> VolunteerProfile:
    """A nurse records a briefing refresher, which puts a lapsed volunteer back into suggestions."""
    if not (completed_on < expires_on and expires_on > timezone.localdate()):
        raise ValidationError(BRIEFING_DATES)
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().get(pk=volunteer.pk)
        if profile.status != VolunteerProfile.Status.APPROVED:
            raise ValidationError(NOT_APPROVED.format(status=profile.get_status_display()))
        profile.briefing_completed_on, profile.briefing_expires_on = completed_on, expires_on
        profile.save(update_fields=["briefing_completed_on", "briefing_expires_on"])
        audit_record(action="peers.volunteer_briefed", actor=by, target=profile)
    return profile


def _own_profile(by: User) -> VolunteerProfile:
    profile = VolunteerProfile.objects.select_for_update().filter(user=by).first()
    if profile is None or profile.status != VolunteerProfile.Status.APPROVED:
        raise ValidationError(NOT_A_VOLUNTEER)
    return profile


def volunteer_pause(*, by: User, until: date | None = None) -> VolunteerProfile:
    """The volunteer stops new introductions now, indefinitely or until a date (exclusive)."""
    with transaction.atomic():
        profile = _own_profile(by)
        profile.paused, profile.paused_until = True, until
        profile.save(update_fields=["paused", "paused_until"])
        audit_record(action="peers.volunteer_paused", actor=by, target=profile, until=str(until or ""))
    return profile


def volunteer_resume(*, by: User) -> VolunteerProfile:
    with transaction.atomic():
        profile = _own_profile(by)
        if profile.paused:
            profile.paused, profile.paused_until = False, None
            profile.save(update_fields=["paused", "paused_until"])
            audit_record(action="peers.volunteer_resumed", actor=by, target=profile)
    return profile


def volunteer_briefing_remind(*, volunteer_id: int) -> bool:
    """Remind one volunteer and the nurses that her briefing lapses soon; once per expiry date."""
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=volunteer_id)
        expires = profile.briefing_expires_on
        if (
            profile.status != VolunteerProfile.Status.APPROVED
            or expires is None
            or profile.briefing_reminded_for == expires
        ):
            return False
        profile.briefing_reminded_for = expires
        profile.save(update_fields=["briefing_reminded_for"])
        context = {"first_name": profile.first_name, "expires_on": expires}
        email_queue(to=profile.user.email, template="peers/email/briefing_reminder", context=context, about=profile)
        for address in selectors.nurse_emails():
            email_queue(
                to=address,
                template="peers/email/nurses_notice",
                context={
                    "notice": gettext("The briefing of volunteer V-%(number)s lapses on %(day)s.")
                    % {"number": profile.pk, "day": date_format(expires, "j F Y")},
                    "link": _link("peers:nurse-volunteer", profile.pk),
                    "reference": f"V-{profile.pk}",
                },
                about=profile,
            )
        audit_record(action="peers.briefing_reminder_sent", target=profile)
    return True


def volunteer_briefing_remind_due(*, today: date | None = None) -> int:
    """Daily: every approved volunteer whose briefing lapses within the reminder window."""
    today = today or timezone.localdate()
    window = today + timedelta(days=settings.PEERS_BRIEFING_REMINDER_DAYS)
    due = (
        VolunteerProfile.objects.filter(
            status=VolunteerProfile.Status.APPROVED, briefing_expires_on__gte=today, briefing_expires_on__lte=window
        )
        .exclude(briefing_reminded_for=F("briefing_expires_on"))
        .values_list("id", flat=True)
    )
    return sum(volunteer_briefing_remind(volunteer_id=pk) for pk in list(due))


# ---------------------------------------------------------------- mothers' requests


def _check_contact(data: dict) -> None:
    method = data.get("contact_method") or ContactMethod.EMAIL
    if method == ContactMethod.PHONE and not data.get("contact_phone"):
        raise ValidationError(NEEDS_CONTACT)


def peer_request_create(*, by: User, data: dict, consent_nurses_read: bool, consent_share_details: bool) -> PeerRequest:
    """A signed-in mother (or a woman with no role yet, who becomes a mother) asks to talk to a volunteer."""
    if not (consent_nurses_read and consent_share_details):
        raise ValidationError(NEEDS_CONSENT)
    roles = user_roles(by)
    if roles and Role.MOTHER not in roles:
        raise ValidationError(ROLE_CANNOT_REQUEST)
    _check_contact(data)
    with transaction.atomic():
        if PeerRequest.objects.filter(
            mother=by, status__in=[*PeerRequest.OPEN, PeerRequest.Status.INTRODUCED]
        ).exists():
            raise ValidationError(REQUEST_ALREADY_OPEN)
        request = PeerRequest(mother=by, consent_nurses_read=True, consent_share_details=True)
        for name in REQUEST_FIELDS:
            if name in data:
                setattr(request, name, data[name])
        if request.contact_method == ContactMethod.EMAIL and not request.contact_email:
            request.contact_email = by.email
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:  # a double-submitted form: the partial unique constraint keeps one
            raise ValidationError(REQUEST_ALREADY_OPEN)
        request.safety = words_screen(f"{request.about}\n{request.recovery}", peer_request=request)
        if request.safety:
            request.save(update_fields=["safety"])
        if not roles:
            grant_role(by, Role.MOTHER)
        audit_record(action="peers.request_created", actor=by, target=request)
    return request


def peer_request_refer(
    *,
    by: User,
    enquiry_id: int,
    first_name: str,
    email: str,
    phone: str,
    summary: str,
    topics: list[str],
    consent_recorded: bool,
) -> PeerRequest:
    """The helpline refers a caller who agreed (consent recorded by the nurse); she needs no account."""
    if not consent_recorded:
        raise ValidationError(NEEDS_CONSENT)
    if not (email or phone):
        raise ValidationError(NEEDS_CONTACT)
    with transaction.atomic():
        request = PeerRequest(
            first_name=first_name,
            contact_method=ContactMethod.EMAIL if email else ContactMethod.PHONE,
            contact_email=email,
            contact_phone=phone,
            about=summary,
            topics=list(topics),
            consent_nurses_read=True,
            consent_share_details=True,
            consent_recorded_by=by,
            source_enquiry_id=enquiry_id,
            # She has no account to read messages in, so the nurse's recorded consent is to exchange details.
            talk_by=TalkBy.DETAILS,
        )
        request.full_clean()
        request.save()
        audit_record(action="peers.request_referred", actor=by, target=request, enquiry_id=enquiry_id)
    return request


def _tell_volunteer_withdrawn(intro: Introduction, *, was_live: bool) -> None:
    """Nothing of the mother's but the date the volunteer already knows. Filed about the volunteer's
    profile, not the introduction: the mother's erasure blanks the emails about her introductions."""
    volunteer = intro.volunteer
    email_queue(
        to=volunteer.contact_email or volunteer.user.email,
        template="peers/email/introduction_withdrawn",
        context={
            "first_name": volunteer.first_name,
            "was_live": was_live,
            "since": intro.responded_at if was_live else intro.proposed_at,
            "portal_link": _link("peers:volunteer-home"),
        },
        about=volunteer,
    )


def peer_request_withdraw(*, by: User, peer_request: PeerRequest) -> PeerRequest:
    """She withdraws: pending or live introductions end, every unsent email about them is cancelled,
    and the volunteer is told."""
    with transaction.atomic():
        request = PeerRequest.objects.select_for_update().get(pk=peer_request.pk)
        if request.status in (PeerRequest.Status.WITHDRAWN, PeerRequest.Status.CLOSED):
            return request  # already over: a second click changes nothing
        now = timezone.now()
        live = request.introductions.select_for_update(of=("self",)).select_related("volunteer__user")
        for intro in live.filter(status__in=Introduction.HOLDS_PLACE):
            was_live = intro.status == Introduction.Status.ACCEPTED
            intro.status = Introduction.Status.ENDED if was_live else Introduction.Status.CANCELLED
            intro.ended_at, intro.ended_by = now, by
            intro.save(update_fields=["status", "ended_at", "ended_by"])
            _release_place(intro.volunteer_id, rest=was_live)
            email_cancel_about(about=intro)
            _tell_volunteer_withdrawn(intro, was_live=was_live)
        email_cancel_about(about=request)
        request.status, request.ended_at = PeerRequest.Status.WITHDRAWN, now
        request.save(update_fields=["status", "ended_at"])
        request.tasks.filter(done_at__isnull=True).update(done_at=now)
        audit_record(action="peers.request_withdrawn", actor=by, target=request)
    return request


# ---------------------------------------------------------------- introductions


def introduction_propose(
    *, by: User, peer_request: PeerRequest, volunteer: VolunteerProfile, note: str = ""
) -> Introduction:
    """A nurse asks a volunteer to support a request; the volunteer gets an anonymised summary by email.

    The volunteer's place is taken now (a proposal holds it) with an F() increment
    under a row lock, and the database's `active_count <= capacity` check is the
    final word, so two nurses racing for her last place cannot both succeed.
    """
    with transaction.atomic():
        request = PeerRequest.objects.select_for_update().get(pk=peer_request.pk)
        if request.status != PeerRequest.Status.WAITING:
            raise ValidationError(CANNOT_PROPOSE.format(status=request.get_status_display()))
        volunteer = VolunteerProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=volunteer.pk)
        if not selectors.eligible_volunteers(request=request).filter(pk=volunteer.pk).exists():
            raise ValidationError(NO_FREE_PLACE if volunteer.places_left == 0 else NOT_ELIGIBLE)
        try:
            with transaction.atomic():
                VolunteerProfile.objects.filter(pk=volunteer.pk).update(active_count=F("active_count") + 1)
        except IntegrityError:
            raise ValidationError(NO_FREE_PLACE)
        signed, token_hash = tokens.new_token()
        now = timezone.now()
        intro = Introduction.objects.create(
            peer_request=request,
            volunteer=volunteer,
            note=note.strip(),
            proposed_by=by,
            proposed_at=now,
            respond_by=now + timedelta(days=settings.PEERS_RESPONSE_DAYS),
            token_hash=token_hash,
        )
        request.status = PeerRequest.Status.PROPOSED
        request.save(update_fields=["status"])
        request.tasks.filter(done_at__isnull=True).update(done_at=now, done_by=by)
        audit_record(action="peers.introduction_proposed", actor=by, target=intro, request_id=request.pk)
        email_queue(
            to=volunteer.contact_email or volunteer.user.email,
            template="peers/email/introduction_proposed",
            context={
                "first_name": volunteer.first_name,
                "summary": anonymised_summary(request),
                "note": intro.note,
                "respond_by": intro.respond_by,
                "respond_link": _link("peers:respond", signed),
                "portal_link": _link("peers:volunteer-home"),
            },
            about=intro,
        )
    return intro


def anonymised_summary(person) -> list[tuple[str, str]]:
    """What a volunteer may know before she agrees: her experience and wishes, nothing that identifies her.

    Also shows each woman, on her own page, the experience she told us (it works for either model)."""
    yes_no = {True: gettext("Yes"), False: gettext("No")}
    rows = [
        (gettext("Kind of fracture"), person.get_fracture_kind_display()),
        (gettext("When it happened"), person.get_timing_display()),
        (gettext("Which pregnancy"), str(person.pregnancy_number or "")),
        (gettext("Breastfed"), yes_no.get(person.breastfed, "")),
        (gettext("Had heparin"), yes_no.get(person.heparin, "")),
        (gettext("Later pregnancies"), yes_no.get(person.later_pregnancies, "")),
        (gettext("Topics to talk about"), ", ".join(person.topic_labels()).lower()),
        (gettext("Region"), person.get_region_display()),
    ]
    return [(label, value) for label, value in rows if value]


def _contact_line(person) -> str:
    if person.contact_method == ContactMethod.PHONE and person.contact_phone:
        return gettext("Phone: %(phone)s") % {"phone": person.contact_phone}
    if person.contact_email:
        return gettext("Email: %(email)s") % {"email": person.contact_email}
    return gettext("Phone: %(phone)s") % {"phone": person.contact_phone}


def _accept(intro: Introduction, *, by) -> Introduction:
    now = timezone.now()
    request = PeerRequest.objects.select_related("mother").get(pk=intro.peer_request_id)  # locked by _lock_introduction
    volunteer = VolunteerProfile.objects.select_related("user").get(pk=intro.volunteer_id)
    intro.status, intro.responded_at = Introduction.Status.ACCEPTED, now
    request.status, request.introduced_at = PeerRequest.Status.INTRODUCED, now
    request.save(update_fields=["status", "introduced_at"])
    # Details cross over only if both chose to exchange them; otherwise they talk in the portal.
    both_chose_details = request.talk_by == TalkBy.DETAILS and volunteer.talk_by == TalkBy.DETAILS
    intro.talk_by = TalkBy.DETAILS if both_chose_details else TalkBy.PORTAL
    intro.planned_weeks = settings.PEERS_PLANNED_WEEKS
    intro.planned_end_at = now + timedelta(weeks=intro.planned_weeks)
    intro.save(update_fields=["status", "responded_at", "talk_by", "planned_weeks", "planned_end_at"])
    audit_record(action="peers.introduction_accepted", actor=by, target=intro, talk_by=intro.talk_by)

    volunteer_email = volunteer.contact_email or volunteer.user.email
    mother_email = request.contact_email or (request.mother.email if request.mother else "")
    if intro.talk_by == TalkBy.DETAILS:
        # Only now, with both consents, her agreement and both choosing it, do the details cross over.
        email_queue(
            to=volunteer_email,
            template="peers/email/introduction_details",
            context={
                "first_name": volunteer.first_name,
                "other_name": request.first_name,
                "other_contact": _contact_line(request),
            },
            about=intro,
        )
        if mother_email:
            email_queue(
                to=mother_email,
                template="peers/email/introduction_details",
                context={
                    "first_name": request.first_name,
                    "other_name": volunteer.first_name,
                    "other_contact": _contact_line(volunteer),
                },
                about=intro,
                language=request.interface_language,
            )
        else:
            NurseTask.objects.create(kind=NurseTask.Kind.PHONE_MOTHER, peer_request=request, introduction=intro)
    else:
        if request.mother_id is None:  # referred by the helpline, with no account to read messages in
            NurseTask.objects.create(kind=NurseTask.Kind.NO_ACCOUNT, peer_request=request, introduction=intro)
        link = _link("peers:conversation", intro.pk)
        for address, first_name, other_name in (
            (volunteer_email, volunteer.first_name, request.first_name),
            (mother_email, request.first_name, volunteer.first_name),
        ):
            if address:
                email_queue(
                    to=address,
                    template="peers/email/introduction_portal",
                    context={"first_name": first_name, "other_name": other_name, "link": link},
                    about=intro,
                )

    lifecycle.schedule_end_reminders(intro)
    # The first check-in falls at the midpoint of the planned length; the last one a while after.
    for after in (lifecycle.midpoint(now, intro.planned_weeks) - now, CHECK_IN_AFTER[-1]):
        for who, address, first_name in (
            (CheckIn.Who.VOLUNTEER, volunteer_email, volunteer.first_name),
            (CheckIn.Who.MOTHER, mother_email, request.first_name),
        ):
            if not address:
                continue
            signed, token_hash = tokens.new_token()
            check_in = CheckIn.objects.create(introduction=intro, who=who, due_at=now + after, token_hash=token_hash)
            email_queue(
                to=address,
                template="peers/email/check_in",
                context={"first_name": first_name, "weeks": after.days // 7, "link": _link("peers:check-in", signed)},
                about=intro,
                send_after=check_in.due_at,
                kind=OutboundEmail.Kind.FOLLOW_UP,
            )
    return intro


def _decline(intro: Introduction, *, by, status: str, action: str) -> Introduction:
    now = timezone.now()
    intro.status, intro.responded_at = status, now
    intro.save(update_fields=["status", "responded_at"])
    _release_place(intro.volunteer_id)
    request = PeerRequest.objects.get(pk=intro.peer_request_id)  # locked by _lock_introduction
    if request.status == PeerRequest.Status.PROPOSED:
        request.status = PeerRequest.Status.WAITING
        request.save(update_fields=["status"])
    audit_record(action=action, actor=by, target=intro)
    declined = status == Introduction.Status.DECLINED
    _tell_nurses(
        notice=(
            gettext("The volunteer asked about request %(reference)s declined. Please choose another.")
            if declined
            else gettext(
                "The volunteer asked about request %(reference)s did not answer in time. Please choose another."
            )
        )
        % {"reference": request.reference},
        peer_request=request,
        task_kind=NurseTask.Kind.VOLUNTEER_DECLINED if declined else NurseTask.Kind.NO_ANSWER,
        introduction=intro,
    )
    return intro


def _own_introduction(by: User, introduction: Introduction) -> Introduction:
    intro = _lock_introduction(introduction.pk, volunteer__user=by)
    if intro.status != Introduction.Status.PROPOSED:
        raise ValidationError(CANNOT_ANSWER.format(status=intro.get_status_display()))
    return intro


def introduction_accept(*, by: User, introduction: Introduction) -> Introduction:
    """The volunteer agrees, from the portal: details are exchanged and check-ins scheduled."""
    with transaction.atomic():
        return _accept(_own_introduction(by, introduction), by=by)


def introduction_decline(*, by: User, introduction: Introduction) -> Introduction:
    with transaction.atomic():
        intro = _own_introduction(by, introduction)
        return _decline(intro, by=by, status=Introduction.Status.DECLINED, action="peers.introduction_declined")


def introduction_from_link(signed_token: str) -> Introduction:
    """The introduction an emailed link stands for, if the link is still usable (read only)."""
    token_hash = tokens.hash_from_url(signed_token)
    intro = Introduction.objects.filter(token_hash=token_hash).first() if token_hash else None
    if intro is None:
        raise ValidationError(LINK_INVALID)
    if intro.status != Introduction.Status.PROPOSED:
        raise ValidationError(LINK_USED)
    if intro.respond_by <= timezone.now():
        raise ValidationError(LINK_EXPIRED)
    return intro


def introduction_respond_by_link(*, signed_token: str, accept: bool) -> Introduction:
    """Accept or decline from the emailed link. Single use: a second click finds it answered and is refused."""
    with transaction.atomic():
        intro = introduction_from_link(signed_token)
        intro = _lock_introduction(intro.pk)
        # Re-checked under the lock: a double click waits here, then sees the first click's answer.
        if intro.status != Introduction.Status.PROPOSED:
            raise ValidationError(LINK_USED)
        by = intro.volunteer.user
        if accept:
            return _accept(intro, by=by)
        return _decline(intro, by=by, status=Introduction.Status.DECLINED, action="peers.introduction_declined")


def introduction_expire(*, introduction_id: int, now=None) -> bool:
    """No answer in time: free her place and tell the nurses. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        intro = _lock_introduction(introduction_id)
        if intro.status != Introduction.Status.PROPOSED or intro.respond_by > now:
            return False
        _decline(intro, by=None, status=Introduction.Status.EXPIRED, action="peers.introduction_expired")
        email_cancel_about(about=intro)
    return True


def introduction_expire_due(*, now=None) -> int:
    now = now or timezone.now()
    due = Introduction.objects.filter(status=Introduction.Status.PROPOSED, respond_by__lte=now).values_list(
        "id", flat=True
    )
    return sum(introduction_expire(introduction_id=pk, now=now) for pk in list(due))


def introduction_end(*, by: User, introduction: Introduction, feedback: str = "") -> Introduction:
    """Either woman ends the introduction, or a nurse closes it; the volunteer then rests before the next."""
    with transaction.atomic():
        intro = _lock_introduction(introduction.pk)
        if intro.status != Introduction.Status.ACCEPTED:
            raise ValidationError(CANNOT_END.format(status=intro.get_status_display()))
        now = timezone.now()
        intro.status, intro.ended_at, intro.ended_by = Introduction.Status.ENDED, now, by
        intro.feedback = feedback.strip()
        intro.save(update_fields=["status", "ended_at", "ended_by", "feedback"])
        _release_place(intro.volunteer_id, rest=True)
        PeerRequest.objects.filter(pk=intro.peer_request_id).update(status=PeerRequest.Status.CLOSED, ended_at=now)
        email_cancel_about(about=intro)
        audit_record(action="peers.introduction_ended", actor=by, target=intro)
    return intro


def check_in_from_link(signed_token: str) -> CheckIn:
    token_hash = tokens.hash_from_url(signed_token)
    check_in = CheckIn.objects.filter(token_hash=token_hash).first() if token_hash else None
    if check_in is None:
        raise ValidationError(LINK_INVALID)
    if check_in.answered_at is not None:
        raise ValidationError(LINK_USED)
    if check_in.due_at + CHECK_IN_LINK_LIFETIME <= timezone.now():
        raise ValidationError(LINK_EXPIRED)
    return check_in


def check_in_answer(*, signed_token: str, answer: str) -> CheckIn:
    """One-click answer to a check-in; "please contact me" puts a task in the nurses' queue."""
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update().get(pk=check_in_from_link(signed_token).pk)
        if check_in.answered_at is not None:
            raise ValidationError(LINK_USED)
        check_in.answer, check_in.answered_at = CheckIn.Answer(answer), timezone.now()
        check_in.save(update_fields=["answer", "answered_at"])
        intro = check_in.introduction
        audit_record(action="peers.check_in_answered", target=check_in, answer=check_in.answer)
        if check_in.answer == CheckIn.Answer.CONTACT_ME:
            if check_in.who == CheckIn.Who.VOLUNTEER:
                notice = gettext(
                    "After a check-in, the volunteer in request %(reference)s asked a nurse to get in touch."
                )
            else:
                notice = gettext("After a check-in, the mother in request %(reference)s asked a nurse to get in touch.")
            _tell_nurses(
                notice=notice % {"reference": intro.peer_request.reference},
                peer_request=intro.peer_request,
                task_kind=NurseTask.Kind.CONTACT_ME,
                introduction=intro,
            )
    return check_in


def nurse_task_done(*, by: User, task: NurseTask) -> NurseTask:
    with transaction.atomic():
        task = NurseTask.objects.select_for_update().get(pk=task.pk)
        if task.done_at is None:
            task.done_at, task.done_by = timezone.now(), by
            task.save(update_fields=["done_at", "done_by"])
            audit_record(action="peers.task_done", actor=by, target=task)
    return task


# ---------------------------------------------------------------- leaving peer support


def _volunteer_left(intro: Introduction, *, by) -> None:
    """Her introduction ends because she left: the place is freed, the nurses choose again, and a
    mother who had been introduced to her is told (nothing of the volunteer's but the date)."""
    now = timezone.now()
    was_live = intro.status == Introduction.Status.ACCEPTED
    intro.status = Introduction.Status.ENDED if was_live else Introduction.Status.CANCELLED
    intro.ended_at, intro.ended_by = now, by
    intro.save(update_fields=["status", "ended_at", "ended_by"])
    _release_place(intro.volunteer_id)
    email_cancel_about(about=intro)
    request = PeerRequest.objects.select_related("mother").get(pk=intro.peer_request_id)  # locked by _lock_introduction
    if request.status in (PeerRequest.Status.PROPOSED, PeerRequest.Status.INTRODUCED):
        request.status = PeerRequest.Status.WAITING
        request.save(update_fields=["status"])
    mother_email = request.contact_email or (request.mother.email if request.mother else "")
    if was_live and mother_email:
        email_queue(
            to=mother_email,
            template="peers/email/volunteer_left",
            context={"first_name": request.first_name, "since": intro.responded_at},
            about=request,
            language=request.interface_language,
        )
    _tell_nurses(
        notice=gettext("The volunteer for request %(reference)s has left peer support.")
        % {"reference": request.reference},
        peer_request=request,
        task_kind=NurseTask.Kind.VOLUNTEER_LEFT,
    )


def volunteer_leave(*, by: User) -> None:
    """She stops volunteering: every introduction holding her place ends, and each mother goes back to the nurses."""
    with transaction.atomic():
        live = Introduction.objects.filter(volunteer__user=by, status__in=Introduction.HOLDS_PLACE)
        for intro_id in list(live.order_by("peer_request_id").values_list("id", flat=True)):
            intro = _lock_introduction(intro_id)
            if intro.status in Introduction.HOLDS_PLACE:  # re-checked under the lock
                _volunteer_left(intro, by=by)


def peers_data_erase(*, by: User) -> None:
    """From her peer support page: the same erasure as closing her account, and she leaves peer support.

    Her mother and volunteer roles go with her data. The audit trail keeps only ids.
    """
    from .personal_data import peers_erase  # it ends what is live through the services above

    with transaction.atomic():
        peers_erase(by)
        for role in (Role.MOTHER, Role.VOLUNTEER):
            if has_role(by, role):
                revoke_role(by, role)
        audit_record(action="peers.data_erased", actor=by, target=by)


# ---------------------------------------------------------------- erasure and retention


def peer_request_erase(*, peer_request: PeerRequest, by: User) -> None:
    """Her erasure, for one of her requests: withdrawn (her volunteer is told), blanked, no longer hers."""
    with transaction.atomic():
        peer_request_withdraw(by=by, peer_request=peer_request)  # ends any introduction; no-op if over
        _anonymise_request(peer_request)
        PeerRequest.objects.filter(pk=peer_request.pk).update(mother=None)


def volunteer_erase(*, by: User) -> None:
    """Her erasure, as a volunteer: she leaves (each mother goes back to the nurses), then her profile
    and her introductions' words are blanked and the profile no longer points at her account."""
    with transaction.atomic():
        profile = VolunteerProfile.objects.filter(user=by).first()
        if profile is None:
            return
        volunteer_leave(by=by)
        _blank_experience(profile)
        VolunteerProfile.objects.filter(pk=profile.pk).update(
            user=None, status=VolunteerProfile.Status.DECLINED, decline_reason=""
        )
        _blank_emails_about(profile)
        for intro in profile.introductions.all():
            _anonymise_introduction(intro)


def peers_anonymise_due(*, now: datetime | None = None) -> int:
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
    # The conversation goes whole: the other woman's words would tell her story by context.
    intro.messages.all().delete()
    intro.endings.update(comment="")  # the ratings stay, for the volunteer's record and the reports
    _blank_emails_about(intro)
