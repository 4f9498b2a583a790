"""Every change to an enquiry goes through one of these functions.

Each runs in one transaction: lock the enquiry, check its state, change it,
write the timeline event, queue any email through the outbox. Views, tasks and
the admin call these; nothing else writes enquiries.

Timeline or audit log? The timeline (`_record`, EnquiryEvent) is the working
history nurses read: everything done to an enquiry, in words, anonymised with it.
The audit log (portal.audit) is the accountability record of who saw or changed
her personal data: ids and action codes only, kept after the words are gone.
- Reading her data is audited by the views, and never goes on the timeline.
- Both, through `_record_and_audit`, when someone other than her adds, corrects
  or erases her personal details (a nurse logging or correcting an enquiry, an
  email matched to it whose sender is not proven to be her, anonymisation), or
  when a nurse overrides its urgency.
- Everything else (status, assignment, notes, callbacks, replies, her own
  messages, referral) goes on the timeline alone, which names who did it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import hours
from portal.audit import audit_record
from portal.inbound import inbound_erase_about
from portal.models import InboundEmail, OutboundEmail, User
from portal.outbox import email_cancel_about, email_queue, email_record, emails_about
from portal.roles import Role, acts_as

from . import replies, response_targets
from .acknowledgements import ACKNOWLEDGEMENT, NOT_ACKNOWLEDGED, acknowledgement_due
from .alert_words import Moment, alert_words
from .models import (
    OPEN_STATUSES,
    REPLY_ANSWERS,
    TRANSITIONS_BY_ACTION,
    AnonymisedReason,
    Callback,
    CallerType,
    Channel,
    DutyShift,
    Enquiry,
    EnquiryEvent,
    EnquiryFeedback,
    EnquiryTopic,
    FollowUpTemplate,
    Outcome,
    ReplyDraft,
    SafetyAlert,
    Status,
    Topic,
    Urgency,
    find_reference,
)
from .people import person_link_account
from .selectors import helpline_nurses, nurses_to_alert
from .triage import ALARM_LEVELS, Triage, advice_shown, triage

logger = logging.getLogger(__name__)

TRANSITION_NOT_ALLOWED = _("An enquiry that is “%(status)s” can’t be %(past)s.")
UNKNOWN_ACTION = _("That is not a step in the helpline workflow.")
OUTCOME_REQUIRED = _("Choose an outcome before closing the enquiry.")
ENQUIRY_ANONYMISED = _("This enquiry has been anonymised and can no longer be changed.")
ENQUIRY_CLOSED = _("Reopen the enquiry before changing it.")
ASSIGNEE_NOT_NURSE = _("Choose a helpline nurse.")
REPLY_EMPTY = _("Write your reply before sending it.")
MESSAGE_EMPTY = _("Write your message before sending it.")
NO_REPLY_ROUTE = _(
    "She has not agreed to email, or it is not safe to email her, and she has no account to read replies in, "
    "so a reply cannot reach her. Phone her if she agreed to that."
)
SEND_TIME_IN_PAST = _("Choose a time in the future, or leave it empty to send now.")
CALLBACK_IN_PAST = _("Choose a time in the future for the callback.")
CALLBACK_ALREADY_DONE = _("That callback has already been made.")
PEER_CONSENT_REQUIRED = _("Record that she agrees to be referred before referring her to peer support.")
PEER_ALREADY_REFERRED = _("She has already been referred to peer support.")
PEER_NO_CONTACT = _(
    "She needs an email address or phone number she has agreed to be contacted on before she can be referred."
)
PEER_NO_NAME = _("Add her first name before referring her to peer support: the volunteer needs to know who to ask for.")
NOTE_EMPTY = _("Write the note before saving it.")
TOPICS_REQUIRED = _("Choose at least one topic.")
CANCELLED_EMAIL_CORRECTED = "Cancelled: her email address was corrected on the enquiry."
CANCELLED_NO_LONGER_EMAILABLE = "Cancelled: she no longer agrees to email, or it is no longer safe to email her."
# Set when the safety triage reads that someone else may see her email: shown to the nurse on the enquiry.
NOT_EMAILED_SOMEONE_READS = "She wrote that someone else reads her email or phone, or asked not to be emailed."
URGENCY_REASON_REQUIRED = _("Say why the urgency is changing: the next nurse will read it.")
URGENCY_UNCHANGED = _("The enquiry already has that urgency.")
SHIFT_ENDS_BEFORE_START = _("The shift must end after it starts.")
SHIFT_IN_PAST = _("Choose a shift that has not ended yet.")


def _lock(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.select_for_update().get(pk=enquiry.pk)


def _record(
    enquiry: Enquiry,
    *,
    by,
    kind: str,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
    at: datetime | None = None,
    **extra,
) -> EnquiryEvent:
    """Append one timeline event.

    The first thing a nurse does to a new enquiry is its first response, and
    whatever she does after an email from her has arrived deals with "reply received".
    """
    now = at or timezone.now()
    event = EnquiryEvent.objects.create(
        enquiry=enquiry, actor=by, kind=kind, text=text, from_status=from_status, to_status=to_status, at=now, **extra
    )
    # Correcting a typo in her details is not answering her, and her own message is not a response.
    responds = by is not None and kind not in (
        EnquiryEvent.Kind.CREATED,
        EnquiryEvent.Kind.DETAILS_CORRECTED,
        EnquiryEvent.Kind.MESSAGE_IN,
    )
    fields = []
    if enquiry.first_response_at is None and responds:
        enquiry.first_response_at = now
        enquiry.awaiting_response_due_at = None
        fields += ["first_response_at", "awaiting_response_due_at"]
    if enquiry.reply_received_at is not None and responds:
        enquiry.reply_received_at = None
        fields.append("reply_received_at")
    if fields:
        enquiry.save(update_fields=fields)
    return event


def _record_and_audit(
    enquiry: Enquiry, *, by: User | None, kind: str, action: str, audit: dict | None = None, **event
) -> EnquiryEvent:
    """The timeline event and the audit entry for one change, for the changes that need both (module docstring).

    `audit` is the entry's detail: ids, codes and counts only, never her words.
    """
    recorded = _record(enquiry, by=by, kind=kind, **event)
    audit_record(action=action, actor=by, target=enquiry, **(audit or {}))
    return recorded


def _refresh_next_callback(enquiry: Enquiry) -> None:
    enquiry.next_callback_at = enquiry.callbacks.filter(done_at__isnull=True).aggregate(m=Min("due_at"))["m"]
    enquiry.save(update_fields=["next_callback_at"])


def _create_enquiry(*, topics: list[str], **fields) -> Enquiry:
    # A reference clash is one in hundreds of millions; retry with a fresh one rather than fail.
    for attempt in range(5):
        try:
            with transaction.atomic():
                enquiry = Enquiry(**fields)
                response_targets.enquiry_due_set(enquiry)
                if attempt:
                    enquiry.reference = Enquiry._meta.get_field("reference").default()
                enquiry.full_clean(exclude=["reference"])
                enquiry.save()
        except IntegrityError:
            if attempt == 4:
                raise
            continue
        _topic_links_write(enquiry, topics=topics)
        return enquiry
    raise AssertionError("unreachable")


def enquiry_log(
    *,
    by: User,
    channel: str,
    caller_type: str,
    topics: list[str],
    urgency: int,
    summary: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    consent_email: bool = False,
    consent_phone: bool = False,
    safe_to_email: bool = False,
    safe_to_leave_message: bool = False,
    preferred_times: str = "",
    region: str = "",
) -> Enquiry:
    """A nurse logs a call, email or letter. A phone call is answered as it is logged, so it counts as responded.

    Her words go through the safety triage as on the web form: an urgency the nurse
    judged (anything but routine) stands, the findings go on the timeline, and words saying someone
    else reads her email mean she is not emailed. An alarm on a letter or an email
    the nurse types in alerts the nurses on duty; a phone call is being answered already.
    """
    now = timezone.now()
    found = triage(summary, topics)
    if found.email_unsafe:
        safe_to_email = False
    if urgency == Urgency.ROUTINE:
        urgency = found.level
    with transaction.atomic():
        enquiry = _create_enquiry(
            topics=topics,
            channel=channel,
            caller_type=caller_type,
            name=name,
            email=email,
            phone=phone,
            urgency=urgency,
            summary=summary,
            consent_email=consent_email,
            consent_phone=consent_phone,
            safe_to_email=safe_to_email,
            safe_to_leave_message=safe_to_leave_message,
            preferred_times=preferred_times,
            region=region,
            **_triage_fields(found),
            created_by=by,
            created_at=now,
            first_response_at=now if channel == Channel.PHONE else None,
            assigned_to=by,
        )
        _record_and_audit(
            enquiry,
            by=by,
            kind=EnquiryEvent.Kind.CREATED,
            to_status=Status.NEW,
            text=_triage_text(found),
            action="enquiry.logged",
        )
        if found.is_alarm and channel != Channel.PHONE:
            _alert_raise(enquiry, level=found.level, found=found)
    return enquiry


def _triage_fields(found: Triage) -> dict:
    return {
        "red_flag": found.level != Urgency.ROUTINE or found.safeguarding,
        "triage_reasons": list(found.reasons),
        "language": found.language,
        "not_emailed_because": NOT_EMAILED_SOMEONE_READS if found.email_unsafe else "",
    }


def _triage_text(found: Triage) -> str:
    if not found.reasons:
        return ""
    findings = [found.label]
    if found.safeguarding:
        findings.append("possible domestic abuse")
    if found.language:
        findings.append(f"written in {found.language}")
    lines = [f"Safety triage: {', '.join(str(finding) for finding in findings)}.", *found.reasons]
    if found.email_unsafe:
        lines.append(f"Not emailed: {NOT_EMAILED_SOMEONE_READS}")
    return "\n".join(lines)


def enquiry_ask(
    *,
    question: str,
    topics: list[str],
    name: str = "",
    email: str = "",
    phone: str = "",
    safe_to_leave_message: bool = False,
    preferred_times: str = "",
    region: str = "",
    user: User | None = None,
    channel: str = Channel.WEB,
    note: str = "",
) -> Enquiry:
    """A member of the public asks a nurse: through the web form, or (`channel`) by email.

    Asked while signed in (`user`), the enquiry is hers: she reads the nurses'
    replies and answers them in her account. Giving an address on a form that
    promises a reply, or writing from it, is consent to be contacted that way. The safety triage (helpline.triage) sets the urgency from her words
    and topics; an emergency or crisis alerts the nurses on duty at once. The
    acknowledgement email carries the reference and the advice for her level,
    never her question. `note` is for the nurses: what was wrong with a form
    saved because its words reached an alarm level (helpline.alarm_intake).
    """
    found = triage(question, topics)
    with transaction.atomic():
        enquiry = _create_enquiry(
            topics=topics,
            channel=channel,
            caller_type=CallerType.SELF,
            name=name,
            email=email,
            phone=phone,
            urgency=found.level,
            summary=question,
            consent_email=bool(email),
            consent_phone=bool(phone),
            safe_to_email=bool(email) and not found.email_unsafe,
            safe_to_leave_message=safe_to_leave_message,
            preferred_times=preferred_times,
            region=region,
            **_triage_fields(found),
            user=user,
        )
        # Asked from her account: it joins her other enquiries at once (helpline.people).
        person_link_account(enquiry=enquiry)
        text = "\n\n".join(t for t in (_triage_text(found), note) if t)
        _record(enquiry, by=None, kind=EnquiryEvent.Kind.CREATED, to_status=Status.NEW, text=text)
        if found.is_alarm:
            _alert_raise(enquiry, level=found.level, found=found)
        if email and not found.email_unsafe and not acknowledgement_due(email):
            _record(enquiry, by=None, kind=EnquiryEvent.Kind.NOTE, text=NOT_ACKNOWLEDGED)
        elif email and not found.email_unsafe:
            email_queue(
                to=email,
                template=ACKNOWLEDGEMENT,
                language=enquiry.interface_language,
                context={
                    "reference": enquiry.reference,
                    "name": name,
                    **ask_reply_context(found.level, advice=found.advice, emailed=True),
                },
                about=enquiry,
                kind=OutboundEmail.Kind.TRANSACTIONAL,
            )
    # The level's code, not its label: logs are read in English whatever language she wrote in.
    logger.info("%s enquiry %s received (level: %s)", channel, enquiry.pk, Urgency(found.level).name.lower())
    return enquiry


def ask_reply_context(level: int, *, advice: tuple[str, ...] | list[str] = (), emailed: bool = False) -> dict:
    """What the pages and the acknowledgement tell her: every advice for what she wrote, and when we answer.

    `advice` is `Triage.advice` (with none, the level's own advice); in an email
    (`emailed`) the domestic abuse advice is left out.
    """
    shown = [
        {"key": a.key, "slug": a.slug, "title": a.title, "paragraphs": list(a.paragraphs)}
        for a in advice_shown(advice, level=level, emailed=emailed)
    ]
    return {
        "level": Urgency(level).name.lower(),
        "advice": shown[0] if shown else None,
        "advice_blocks": shown,
        "helpline": {k: v for k, v in hours.status().items() if k != "next_opening"},
    }


# ---------------------------------------------------------------- safety alerts


def _alert_email(*, to: User, alert: SafetyAlert, moment: str, advised: bool = False) -> None:
    # General words and a link: the alert is an email to a staff inbox, not a place for her details.
    minutes = settings.HELPLINE_ALERT_ESCALATE_MINUTES
    email_queue(
        to=to.email,
        template="helpline/email/safety_alert",
        context={
            "words": alert_words(alert, moment=moment, minutes=minutes, now=timezone.now(), advised=advised),
            "path": reverse("helpline:enquiry-detail", args=[alert.enquiry_id]),
        },
        about=alert.enquiry,
        kind=OutboundEmail.Kind.TRANSACTIONAL,
    )


def _alert_raise(enquiry: Enquiry, *, level: int, found: Triage | None = None) -> SafetyAlert:
    """Tell the nurses on duty now; with nobody on duty, tell every nurse and admin at once.

    `found` is the safety triage that raised it (none when a nurse raised the urgency):
    the alert says why, and that she was shown the advice.
    """
    now = timezone.now()
    recipients, everyone = nurses_to_alert(now)
    alert = SafetyAlert.objects.create(
        enquiry=enquiry,
        level=level,
        safeguarding=bool(found and found.safeguarding),
        other_language=bool(found and found.language),
        raised_at=now,
        escalate_at=now + timedelta(minutes=settings.HELPLINE_ALERT_ESCALATE_MINUTES),
        escalated_at=now if everyone else None,
    )
    moment = Moment.NOBODY_ON_DUTY if everyone else Moment.ON_DUTY
    for user in recipients:
        _alert_email(to=user, alert=alert, moment=moment, advised=found is not None)
    who = "Nobody is on duty, so every nurse and admin" if everyone else "The nurses on duty"
    names = ", ".join(u.display_name for u in recipients) or "nobody: no nurse has an email address"
    _record(
        enquiry, by=None, kind=EnquiryEvent.Kind.ALERT, text=f"{who} emailed ({alert.get_level_display()}): {names}"
    )
    return alert


def _alerts_handled(enquiry: Enquiry, *, by: User | None) -> None:
    enquiry.alerts.filter(handled_at__isnull=True).update(handled_at=timezone.now(), handled_by=by)


def safety_alerts_escalate_due(*, now: datetime | None = None) -> int:
    """Email every nurse and admin about emergency and crisis enquiries nobody has claimed in time.

    Run every minute by beat. Each alert is claimed with a conditional UPDATE in
    the transaction that queues its emails, so it escalates exactly once.
    """
    now = now or timezone.now()
    due = SafetyAlert.objects.filter(handled_at__isnull=True, escalated_at__isnull=True, escalate_at__lte=now)
    done = 0
    for alert_id in list(due.values_list("pk", flat=True)[:200]):
        with transaction.atomic():
            claimed = SafetyAlert.objects.filter(
                pk=alert_id, handled_at__isnull=True, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            alert = SafetyAlert.objects.select_related("enquiry").get(pk=alert_id)
            recipients = [u for u in helpline_nurses() if u.email]
            for user in recipients:
                _alert_email(to=user, alert=alert, moment=Moment.ESCALATION)
            _record(
                alert.enquiry,
                by=None,
                kind=EnquiryEvent.Kind.ALERT,
                text=f"Not claimed within {settings.HELPLINE_ALERT_ESCALATE_MINUTES} minutes: "
                f"every nurse and admin emailed ({len(recipients)}).",
            )
            done += 1
    if done:
        logger.warning("escalated %s unclaimed safety alerts", done)
    return done


def enquiry_urgency_change(*, enquiry: Enquiry, by: User, urgency: int, reason: str) -> Enquiry:
    """A nurse raises or lowers the urgency with a reason; the timeline and the audit log record it.

    Raised to emergency or crisis, it alerts the nurses as her own words would have (until claimed).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": URGENCY_REASON_REQUIRED})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Choose an urgency from the list."})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry)
        if enquiry.urgency == urgency:
            raise ValidationError({"urgency": URGENCY_UNCHANGED})
        old, was_alarm = enquiry.get_urgency_display(), enquiry.urgency in ALARM_LEVELS
        enquiry.urgency = urgency
        enquiry.save(update_fields=["urgency"])
        response_targets.enquiry_due_refresh(enquiry)
        _record_and_audit(
            enquiry,
            by=by,
            kind=EnquiryEvent.Kind.URGENCY,
            text=f"{old} \u2192 {enquiry.get_urgency_display()}: {reason}",
            action="enquiry.urgency_changed",
            audit={"from_urgency": old, "to_urgency": enquiry.get_urgency_display()},
        )
        if urgency in ALARM_LEVELS and not was_alarm:
            _alert_raise(enquiry, level=urgency)
    return enquiry


# ---------------------------------------------------------------- duty rota


def duty_shift_add(*, by: User, nurse: User, starts_at: datetime, ends_at: datetime) -> DutyShift:
    """Put a nurse (or admin) on duty: she is alerted at once to emergencies and crises in that time."""
    if not acts_as(nurse, Role.NURSE):
        raise ValidationError({"nurse": ASSIGNEE_NOT_NURSE})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": SHIFT_ENDS_BEFORE_START})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": SHIFT_IN_PAST})
    with transaction.atomic():
        shift = DutyShift.objects.create(nurse=nurse, starts_at=starts_at, ends_at=ends_at, created_by=by)
        audit_record(action="helpline.duty_shift_added", actor=by, target=shift, nurse=nurse.pk)
    return shift


def duty_shift_remove(*, by: User, shift: DutyShift) -> None:
    with transaction.atomic():
        audit_record(action="helpline.duty_shift_removed", actor=by, target=shift, nurse=shift.nurse_id)
        shift.delete()


def _topic_links_write(
    enquiry: Enquiry, *, topics: list[str] | None = None, had: set[str] | frozenset[str] = frozenset()
) -> None:
    """The one writer of an enquiry's topic links and of their copy of its open state.

    Call it when an enquiry is created or its topics change (`topics`, and the topics it `had`),
    and when it closes or reopens (no `topics`): the queue's topic filter counts open enquiries
    through `EnquiryTopic.enquiry_open`, so every link of an open enquiry must say so.
    """
    is_open = enquiry.is_open
    if topics is None:
        EnquiryTopic.objects.filter(enquiry=enquiry).update(enquiry_open=is_open)
        return
    topics = list(dict.fromkeys(topics))
    if had - set(topics):
        enquiry.topic_links.exclude(topic__in=topics).delete()
    EnquiryTopic.objects.bulk_create(
        [EnquiryTopic(enquiry=enquiry, topic=t, enquiry_open=is_open) for t in topics if t not in had]
    )


def _guard_changeable(enquiry: Enquiry, *, allow_closed: bool = False) -> None:
    if enquiry.anonymised_at:
        raise ValidationError(ENQUIRY_ANONYMISED)
    if not allow_closed and enquiry.status == Status.CLOSED:
        raise ValidationError(ENQUIRY_CLOSED)


# What a nurse may correct after logging, named as the enquiry page names them. Never status,
# outcome or urgency: those move only through the workflow (and red flags, below).
CORRECTABLE_FIELDS = {
    "channel": "channel",
    "caller_type": "who is calling",
    "name": "name",
    "email": "email",
    "phone": "phone",
    "topics": "topics",
    "summary": "summary",
    "consent_email": "agrees to follow-up by email",
    "consent_phone": "agrees to follow-up by phone",
    "safe_to_email": "safe to email",
    "safe_to_leave_message": "safe to leave a message",
    "preferred_times": "times that suit her",
    "region": "where she lives",
}


@dataclass(frozen=True)
class EnquiryCorrection:
    enquiry: Enquiry
    changed: tuple[str, ...]  # field names, in CORRECTABLE_FIELDS order
    emails_cancelled: int
    became_urgent: bool


def enquiry_update(*, enquiry: Enquiry, by: User, **fields) -> EnquiryCorrection:
    """Correct the details a nurse typed when logging: her contact details, consents, topics, summary.

    The timeline and the audit log name the fields that changed, never their old
    or new values. Red-flag words or topics the correction adds make the enquiry
    urgent, as on the web form; a correction never lowers urgency or clears a red
    flag. Emails not yet sent to her old address (or to any address, once she may
    no longer be emailed) are cancelled so they cannot reach the wrong inbox.
    """
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise TypeError(f"enquiry_update() cannot change {', '.join(sorted(unknown))}")
    new_topics = _topics_checked(fields.pop("topics", None))
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry, allow_closed=True)
        old_email, could_email = enquiry.email, enquiry.can_email
        old_topics = set(enquiry.topic_links.values_list("topic", flat=True))
        old_reasons = set(triage(enquiry.summary, sorted(old_topics)).reasons)

        changed = {name for name, value in fields.items() if getattr(enquiry, name) != value}
        if new_topics is not None and set(new_topics) != old_topics:
            changed.add("topics")
        if not changed:
            return EnquiryCorrection(enquiry, (), 0, False)
        for name in changed - {"topics"}:
            setattr(enquiry, name, fields[name])
        topics = new_topics if "topics" in changed else sorted(old_topics)
        found = triage(enquiry.summary, topics)
        added_reasons = [r for r in found.reasons if r not in old_reasons]
        became_urgent = bool(added_reasons) and found.level < enquiry.urgency
        _red_flags_add(enquiry, found=found, reasons=added_reasons)
        # As when the call is logged: words saying someone reads her email stop email, whatever the form says.
        email_stopped = found.email_unsafe and enquiry.safe_to_email
        if email_stopped:
            enquiry.safe_to_email, enquiry.not_emailed_because = False, NOT_EMAILED_SOMEONE_READS
        enquiry.language = enquiry.language or found.language
        enquiry.full_clean(exclude=["reference"])
        enquiry.save(
            update_fields=sorted(
                (changed - {"topics"})
                | {"red_flag", "urgency", "triage_reasons", "safe_to_email", "not_emailed_because", "language"}
            )
        )
        if became_urgent:
            response_targets.enquiry_due_refresh(enquiry)
        if "topics" in changed:
            _topic_links_write(enquiry, topics=topics, had=old_topics)
        cancelled, to_whom = _emails_cancel_after_correction(enquiry, old_email=old_email, could_email=could_email)

        names = tuple(name for name in CORRECTABLE_FIELDS if name in changed)
        text = _correction_text(names, cancelled=cancelled, to_whom=to_whom, found=found, added_reasons=added_reasons)
        if email_stopped:
            text += f"\nNot emailed: {NOT_EMAILED_SOMEONE_READS}"
        _record_and_audit(
            enquiry,
            by=by,
            kind=EnquiryEvent.Kind.DETAILS_CORRECTED,
            text=text,
            action="enquiry.details_corrected",
            audit={"fields": list(names), "emails_cancelled": cancelled},
        )
    return EnquiryCorrection(enquiry, names, cancelled, became_urgent)


def _topics_checked(topics: list[str] | None) -> list[str] | None:
    """The corrected topics without repeats, or None when the correction leaves them alone."""
    if topics is None:
        return None
    topics = list(dict.fromkeys(topics))
    if not topics:
        raise ValidationError({"topics": TOPICS_REQUIRED})
    if any(t not in Topic.values for t in topics):
        raise ValidationError({"topics": "Choose topics from the list."})
    return topics


def _red_flags_add(enquiry: Enquiry, *, found: Triage, reasons: list[str]) -> None:
    """Red flags a correction adds raise the urgency as on the web form; nothing here lowers it or clears one."""
    if reasons:
        enquiry.red_flag = True
        enquiry.triage_reasons = list(dict.fromkeys([*enquiry.triage_reasons, *reasons]))
        enquiry.urgency = min(enquiry.urgency, found.level)


def _emails_cancel_after_correction(enquiry: Enquiry, *, old_email: str, could_email: bool) -> tuple[int, str]:
    """Cancel unsent emails to an address she no longer has, or all of them once she may not be emailed.

    Returns how many were cancelled and to whom, as the timeline says it.
    """
    if old_email and old_email.casefold() != enquiry.email.casefold():
        return email_cancel_about(about=enquiry, to=old_email, reason=CANCELLED_EMAIL_CORRECTED), "her old address"
    if could_email and not enquiry.can_email:
        return email_cancel_about(about=enquiry, to=old_email, reason=CANCELLED_NO_LONGER_EMAILABLE), "her"
    return 0, "her"


def _correction_text(
    names: tuple[str, ...], *, cancelled: int, to_whom: str, found: Triage, added_reasons: list[str]
) -> str:
    """The timeline entry: which fields changed (never their values), emails cancelled, red flags added."""
    lines = ["Corrected: " + ", ".join(CORRECTABLE_FIELDS[name] for name in names) + "."]
    if cancelled:
        lines.append(f"{cancelled} unsent email{'s' if cancelled != 1 else ''} to {to_whom} cancelled.")
    if added_reasons:
        lines.append(f"Safety triage: {found.label}.\n" + "\n".join(added_reasons))
    return "\n".join(lines)


def enquiry_transition(*, enquiry: Enquiry, by: User, action: str, outcome: str = "") -> Enquiry:
    """Move an enquiry along the workflow. Only the moves declared in `TRANSITIONS` are possible."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise ValidationError(UNKNOWN_ACTION)
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry, allow_closed=True)
        if enquiry.status not in transition.sources:
            raise ValidationError(
                TRANSITION_NOT_ALLOWED % {"past": transition.past, "status": enquiry.get_status_display()}
            )
        old = enquiry.status
        enquiry.status = transition.target
        fields = ["status"]
        if transition.target == Status.CLOSED:
            if outcome not in Outcome.values:
                raise ValidationError({"outcome": OUTCOME_REQUIRED})
            enquiry.outcome, enquiry.closed_at = outcome, timezone.now()
            fields += ["outcome", "closed_at"]
        elif old == Status.CLOSED:
            enquiry.outcome, enquiry.closed_at = "", None
            fields += ["outcome", "closed_at"]
        enquiry.save(update_fields=fields)
        if (old in OPEN_STATUSES) != enquiry.is_open:
            _topic_links_write(enquiry)
        if not enquiry.is_open:
            _alerts_handled(enquiry, by=by)
        text = enquiry.get_outcome_display() if transition.target == Status.CLOSED else ""
        _record(enquiry, by=by, kind=EnquiryEvent.Kind.STATUS, from_status=old, to_status=enquiry.status, text=text)
    return enquiry


def enquiry_assign(*, enquiry: Enquiry, by: User, to: User | None) -> Enquiry:
    """Give the enquiry to a nurse (claiming is assigning to yourself), or unassign it with `to=None`.

    Giving it to someone answers its safety alerts, even when it was already hers: an emergency
    in a later message alerts the nurses whoever has the enquiry, and its owner claims it again
    to say she is dealing with it.
    """
    if to is not None and not acts_as(to, Role.NURSE):
        raise ValidationError({"assignee": ASSIGNEE_NOT_NURSE})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry)
        if enquiry.assigned_to_id == (to.pk if to else None):
            if to is not None:
                _alerts_handled(enquiry, by=by)
            return enquiry
        enquiry.assigned_to = to
        enquiry.save(update_fields=["assigned_to"])
        if to is not None:
            _alerts_handled(enquiry, by=by)
        text = f"Assigned to {to.display_name}" if to else "Unassigned"
        _record(enquiry, by=by, kind=EnquiryEvent.Kind.ASSIGNED, text=text)
    return enquiry


def enquiry_note_add(*, enquiry: Enquiry, by: User, text: str) -> EnquiryEvent:
    text = text.strip()
    if not text:
        raise ValidationError({"text": NOTE_EMPTY})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry, allow_closed=True)
        return _record(enquiry, by=by, kind=EnquiryEvent.Kind.NOTE, text=text)


def callback_schedule(*, enquiry: Enquiry, by: User, due_at: datetime, assigned_to: User, note: str = "") -> Callback:
    """Promise a callback. The assigned nurse gets a reminder email when it falls due (see `callback_reminders_send_due`).

    Where the workflow allows it, the enquiry moves to "awaiting callback".
    """
    if due_at <= timezone.now():
        raise ValidationError({"due_at": CALLBACK_IN_PAST})
    if not acts_as(assigned_to, Role.NURSE):
        raise ValidationError({"assigned_to": ASSIGNEE_NOT_NURSE})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry)
        callback = Callback.objects.create(
            enquiry=enquiry, due_at=due_at, assigned_to=assigned_to, note=note, created_by=by
        )
        _refresh_next_callback(enquiry)
        local = timezone.localtime(due_at)
        _record(
            enquiry,
            by=by,
            kind=EnquiryEvent.Kind.CALLBACK_SCHEDULED,
            text=f"For {local:%a %d %b %Y %H:%M} by {assigned_to.display_name}" + (f": {note}" if note else ""),
        )
        if enquiry.status in TRANSITIONS_BY_ACTION["await_callback"].sources:
            old = enquiry.status
            enquiry.status = Status.AWAITING_CALLBACK
            enquiry.save(update_fields=["status"])
            _record(enquiry, by=by, kind=EnquiryEvent.Kind.STATUS, from_status=old, to_status=enquiry.status)
    return callback


def callback_complete(*, callback: Callback, by: User, note: str = "") -> Callback:
    """Record that a callback was made; the enquiry's next callback (and so its overdue flag) moves on."""
    with transaction.atomic():
        enquiry = _lock(callback.enquiry)
        _guard_changeable(enquiry, allow_closed=True)
        callback = Callback.objects.select_for_update().get(pk=callback.pk)
        if callback.done_at:
            raise ValidationError(CALLBACK_ALREADY_DONE)
        callback.done_at = timezone.now()
        callback.save(update_fields=["done_at"])
        _refresh_next_callback(enquiry)
        _record(enquiry, by=by, kind=EnquiryEvent.Kind.CALLBACK_DONE, text=note.strip())
    return callback


def callback_reminders_send_due(*, now: datetime | None = None) -> int:
    """Email each nurse whose callback has fallen due. Run every minute by beat; safe to run twice at once.

    Each reminder is claimed with a conditional UPDATE before its email is
    queued, in the same transaction, so a callback is reminded exactly once.
    """
    now = now or timezone.now()
    due = Callback.objects.filter(done_at__isnull=True, reminder_sent_at__isnull=True, due_at__lte=now).values_list(
        "pk", flat=True
    )
    sent = 0
    for callback_id in list(due[:500]):
        with transaction.atomic():
            claimed = Callback.objects.filter(
                pk=callback_id, reminder_sent_at__isnull=True, done_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            callback = Callback.objects.select_related("enquiry", "assigned_to").get(pk=callback_id)
            email_queue(
                to=callback.assigned_to.email,
                template="helpline/email/callback_reminder",
                context={
                    "reference": callback.enquiry.reference,
                    "due_at": callback.due_at,
                    "path": reverse("helpline:enquiry-detail", args=[callback.enquiry_id]),
                },
                about=callback.enquiry,
                kind=OutboundEmail.Kind.TRANSACTIONAL,
            )
            sent += 1
    return sent


def reply_draft_save(
    *, enquiry: Enquiry, by: User, subject: str, body: str, links: list[str], send_after: datetime | None = None
) -> ReplyDraft:
    """Keep the reply a nurse is writing, as typed, so nothing she wrote is lost; she becomes its author."""
    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry, allow_closed=True)
        draft, _ = ReplyDraft.objects.update_or_create(
            enquiry=enquiry,
            defaults={
                "author": by,
                "subject": subject[:150],
                "body": body,
                "links": list(dict.fromkeys(links)),
                "send_after": send_after,
                "updated_at": timezone.now(),
            },
        )
    return draft


def enquiry_reply_send(
    *,
    enquiry: Enquiry,
    by: User,
    subject: str,
    body: str,
    links: list[str],
    send_after: datetime | None = None,
) -> EnquiryEvent:
    """Send her a nurse's reply, now or at `send_after`, by the route she allows (see `Enquiry.reply_route`).

    By email only where she agreed to email and said it is safe: the outbox sends
    it as a reply (she asked for it, so no unsubscribe stops it) and its row is the
    reply's delivery state. A woman with an account reads every reply there too;
    where email is not safe, that is the only place, and no email mentions it. The
    draft is discarded, and an enquiry that was waiting for a nurse is now
    "answered, waiting for her" (an owed callback keeps it waiting for the call).
    """
    body = body.strip()
    if not body:
        raise ValidationError({"body": REPLY_EMPTY})
    if send_after is not None and send_after <= timezone.now():
        raise ValidationError({"send_after": SEND_TIME_IN_PAST})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        if enquiry.anonymised_at:
            raise ValidationError(ENQUIRY_ANONYMISED)
        route = enquiry.reply_route
        if not route:
            raise ValidationError(NO_REPLY_ROUTE)
        links_shown = replies.links_for(links)
        message = None
        if route == "email":
            message = email_record(
                to=enquiry.email,
                template=replies.REPLY_TEMPLATE,
                **replies.render_email(enquiry=enquiry, nurse=by, subject=subject, body=body, links=links_shown),
                about=enquiry,
                send_after=send_after,
                kind=OutboundEmail.Kind.REPLY,
            )
        event = _record(
            enquiry,
            by=by,
            kind=EnquiryEvent.Kind.MESSAGE_OUT,
            text=replies.text_with_links(body, links_shown),
            email=message,
            shown_from=send_after or timezone.now(),
        )
        if enquiry.status in REPLY_ANSWERS:
            old, enquiry.status = enquiry.status, Status.ANSWERED
            enquiry.save(update_fields=["status"])
            _record(enquiry, by=by, kind=EnquiryEvent.Kind.STATUS, from_status=old, to_status=enquiry.status)
        ReplyDraft.objects.filter(enquiry=enquiry).delete()
    return event


def enquiry_message_receive(
    *, enquiry: Enquiry, text: str, by: User | None = None, inbound: InboundEmail | None = None
) -> EnquiryEvent:
    """A message from her lands on the timeline: written in her account (`by` is her), or emailed (`inbound`).

    The one path for both: a closed enquiry reopens, so her message cannot sit
    unread; it is marked "reply received" until a nurse acts; red-flag words make
    it urgent, as on the web form; the nurse looking after it is told through the
    outbox, with the reference only, never her words.
    """
    text = text.strip()
    if not text and inbound is None:
        raise ValidationError({"text": MESSAGE_EMPTY})
    with transaction.atomic():
        enquiry = _lock(enquiry)
        if enquiry.anonymised_at:
            raise ValidationError(ENQUIRY_ANONYMISED)
        if enquiry.status in (Status.CLOSED, Status.ANSWERED):
            # Back to the nurses: a closed enquiry reopens, an answered one is in progress again.
            old = enquiry.status
            enquiry.status, enquiry.outcome, enquiry.closed_at = TRANSITIONS_BY_ACTION["reopen"].target, "", None
            enquiry.save(update_fields=["status", "outcome", "closed_at"])
            if old == Status.CLOSED:
                _topic_links_write(enquiry)
            _record(
                enquiry,
                by=None,
                kind=EnquiryEvent.Kind.STATUS,
                from_status=old,
                to_status=enquiry.status,
                text="Reopened: a message from her arrived." if old == Status.CLOSED else "She has answered.",
            )
        # Her new words go through the same safety triage as a new question; they can only raise the level.
        found = triage(text, list(enquiry.topic_links.values_list("topic", flat=True)))
        raised = found.level < enquiry.urgency
        # Safeguarding words or another language alert the nurses the first time they appear.
        new_alarm = (found.safeguarding and not set(found.reasons) <= set(enquiry.triage_reasons)) or (
            found.language and not enquiry.language
        )
        if raised or new_alarm or found.email_unsafe:
            enquiry.urgency = min(enquiry.urgency, found.level)
            enquiry.red_flag = enquiry.red_flag or found.level != Urgency.ROUTINE or found.safeguarding
            enquiry.triage_reasons = list(dict.fromkeys([*enquiry.triage_reasons, *found.reasons]))
            enquiry.language = enquiry.language or found.language
        if found.email_unsafe and enquiry.safe_to_email:
            enquiry.safe_to_email = False
            enquiry.not_emailed_because = NOT_EMAILED_SOMEONE_READS
            if enquiry.email:
                email_cancel_about(about=enquiry, to=enquiry.email, reason=CANCELLED_NO_LONGER_EMAILABLE)
        enquiry.reply_received_at = timezone.now()
        enquiry.save(
            update_fields=[
                "reply_received_at",
                "red_flag",
                "urgency",
                "triage_reasons",
                "language",
                "safe_to_email",
                "not_emailed_because",
            ]
        )
        if raised:
            response_targets.enquiry_due_refresh(enquiry)
        shown = text or NO_TEXT
        if raised or new_alarm or found.email_unsafe:
            shown += "\n\n" + _triage_text(found)
        if inbound is None:
            event = _record(enquiry, by=by, kind=EnquiryEvent.Kind.MESSAGE_IN, text=shown)
        else:
            event = _record_and_audit(
                enquiry,
                by=by,
                kind=EnquiryEvent.Kind.MESSAGE_IN,
                text=shown,
                inbound=inbound,
                action="enquiry.email_received",
            )
        if (raised or new_alarm) and found.is_alarm:
            _alert_raise(enquiry, level=found.level, found=found)
        if enquiry.assigned_to is not None and enquiry.assigned_to.is_active:
            email_queue(
                to=enquiry.assigned_to.email,
                template="helpline/email/message_received",
                context={"reference": enquiry.reference, "path": enquiry.get_absolute_url()},
                about=enquiry,
                kind=OutboundEmail.Kind.TRANSACTIONAL,
            )
    return event


# The peers app's own topic codes (its matching vocabulary), for the topics both apps share.
# Peers keeps only codes it knows, so an unmapped helpline topic is simply left out.
PEER_TOPICS = {
    Topic.PAIN: "pain",
    Topic.BREASTFEEDING: "breastfeeding",
    Topic.FUTURE_PREGNANCIES: "future_pregnancies",
    Topic.DRUG_TREATMENTS: "treatments",
    Topic.HEPARIN: "treatments",
    Topic.CALCIUM_VITAMIN_D: "treatments",
    Topic.MONEY: "work_benefits",
    Topic.EMOTIONAL_SUPPORT: "emotional",
    Topic.PRACTICAL_HELP: "new_baby",
}


def enquiry_refer_to_peer_support(*, enquiry: Enquiry, by: User, consent_recorded: bool):
    """Ask the peer-support team to find her a volunteer, pre-filled from the enquiry.

    Only with her consent, which the nurse records here, and only through the
    contact routes she agreed to; the peers app owns everything after this one call.
    """
    if not consent_recorded:
        raise ValidationError({"consent_recorded": PEER_CONSENT_REQUIRED})
    from peers.services import peer_request_refer

    with transaction.atomic():
        enquiry = _lock(enquiry)
        _guard_changeable(enquiry)
        if enquiry.peer_request_id:
            raise ValidationError(PEER_ALREADY_REFERRED)
        first_name = (enquiry.name.split() or [""])[0]
        if not first_name:
            raise ValidationError(PEER_NO_NAME)
        email = enquiry.email if enquiry.can_email else ""
        phone = enquiry.phone if enquiry.consent_phone else ""
        if not (email or phone):
            raise ValidationError(PEER_NO_CONTACT)
        topics = list(enquiry.topic_links.order_by("topic").values_list("topic", flat=True))
        try:
            request = peer_request_refer(
                by=by,
                enquiry_id=enquiry.pk,
                first_name=first_name,
                email=email,
                phone=phone,
                summary=enquiry.summary,
                topics=list(dict.fromkeys(PEER_TOPICS[t] for t in topics if t in PEER_TOPICS)),
                consent_recorded=True,
            )
        except ValidationError as exc:
            # Peers' field names mean nothing on the enquiry page: pass on the sentences only.
            raise ValidationError(exc.messages)
        enquiry.peer_request_id = request.pk
        enquiry.save(update_fields=["peer_request_id"])
        _record(enquiry, by=by, kind=EnquiryEvent.Kind.REFERRED, text="She agreed to be referred.")
    return request


def enquiries_anonymise_due(*, now: datetime | None = None) -> int:
    """Blank the personal details of enquiries closed longer ago than the retention period.

    Keeps everything the reports count (channel, caller type, topics, urgency,
    outcome, dates). Only rows not yet anonymised are picked up, so running it
    again changes nothing. Returns how many enquiries were anonymised.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.HELPLINE_RETENTION_DAYS)
    due = Enquiry.objects.filter(status=Status.CLOSED, anonymised_at__isnull=True, closed_at__lte=cutoff)
    done = 0
    for enquiry_id in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            enquiry = Enquiry.objects.select_for_update().get(pk=enquiry_id)
            # Re-check under the lock: it may have been reopened since the list was read.
            if enquiry.anonymised_at or enquiry.status != Status.CLOSED or enquiry.closed_at > cutoff:
                continue
            _anonymise(enquiry, now=now, reason=AnonymisedReason.RETENTION)
            done += 1
    if done:
        logger.info("anonymised %s closed enquiries past retention", done)
    return done


def enquiry_erase(*, enquiry: Enquiry, now: datetime | None = None) -> None:
    """Her erasure request, for one of her enquiries: anonymised now, as retention would later.

    An open enquiry is closed first, with the outcome saying why (never "no further
    action": she may have been waiting for an answer), and its callbacks ended, so the
    counts stay. Called for each of her enquiries by the account erasure (helpline.personal_data),
    inside its transaction; that erasure's own audit entry names who asked.
    """
    now = now or timezone.now()
    with transaction.atomic():
        enquiry = _lock(enquiry)
        if enquiry.anonymised_at:
            return
        closing = enquiry.status != Status.CLOSED
        if closing:
            enquiry.status, enquiry.outcome, enquiry.closed_at = Status.CLOSED, Outcome.ERASED_AT_HER_REQUEST, now
        enquiry.next_callback_at = None
        enquiry.save(update_fields=["status", "outcome", "closed_at", "next_callback_at"])
        if closing:
            _topic_links_write(enquiry)
        enquiry.callbacks.filter(done_at__isnull=True).update(done_at=now)
        _anonymise(enquiry, now=now, reason=AnonymisedReason.HER_REQUEST)


def _anonymise(enquiry: Enquiry, *, now: datetime, reason: str) -> None:
    enquiry.name = enquiry.email = enquiry.phone = enquiry.preferred_times = ""
    enquiry.summary = "[anonymised]"
    enquiry.triage_reasons = []
    enquiry.safe_call_periods = []
    enquiry.language = enquiry.not_emailed_because = ""
    enquiry.anonymised_at, enquiry.anonymised_reason = now, reason
    enquiry.save(
        update_fields=[
            "name",
            "email",
            "phone",
            "preferred_times",
            "summary",
            "triage_reasons",
            "safe_call_periods",
            "language",
            "not_emailed_because",
            "anonymised_at",
            "anonymised_reason",
        ]
    )
    enquiry.events.exclude(text="").update(text="")
    enquiry.callbacks.exclude(note="").update(note="")
    # Unsent follow-ups are cancelled; the outbox keeps its rows (for the timeline's
    # delivery history) without the address or the words.
    _alerts_handled(enquiry, by=None)
    email_cancel_about(about=enquiry)
    emails_about(enquiry).update(to="", body_text="", body_html="")
    ReplyDraft.objects.filter(enquiry=enquiry).delete()
    # Her feedback after closing (her score and her words) goes with her details.
    EnquiryFeedback.objects.filter(enquiry=enquiry).delete()
    inbound_erase_about(about=enquiry)
    _record_and_audit(
        enquiry,
        by=None,
        kind=EnquiryEvent.Kind.ANONYMISED,
        at=now,
        text=f"Anonymised {AnonymisedReason(reason).label}.",
        action="enquiry.anonymised",
        audit={"reason": reason},
    )


def follow_up_template_save(*, form, by: User) -> FollowUpTemplate:
    """Save a nurse's edit of a follow-up template (a validated ModelForm) and note who changed it."""
    with transaction.atomic():
        template = form.save()
        audit_record(action="helpline.template_saved", actor=by, target=template)
    return template


# ---------------------------------------------------------------- email from her

SENDER_WARNING = (
    "Sent from {address}, not the address on this enquiry. Check who wrote it before you answer; "
    "her contact details have not been changed."
)
NO_TEXT = "(The email had no text.)"


def enquiry_reply_receive(email: InboundEmail, enquiry_id: str) -> Enquiry | None:
    """Her reply to one of our emails about an enquiry (called by the inbound mail reader, in its transaction).

    Returns None (so the reader treats it as new mail) if the enquiry is gone or anonymised.
    """
    enquiry = Enquiry.objects.select_for_update().filter(pk=enquiry_id).first()
    if enquiry is None or enquiry.anonymised_at:
        return None
    _reply_take(enquiry, email)
    return enquiry


def enquiry_email_receive(email: InboundEmail) -> Enquiry:
    """An email that answers none of ours: a reply quoting her reference, or a new enquiry.

    A new one goes through the web form's own path (`enquiry_ask`): the same
    safety triage and the same acknowledgement with its reference. Past the
    form's daily limit for one address, further emails from it join her latest
    enquiry instead, so a flood (or a mail loop) cannot open hundreds.
    """
    reference = find_reference(email.subject)
    if reference:
        enquiry = Enquiry.objects.select_for_update().filter(reference=reference, anonymised_at__isnull=True).first()
        if enquiry is not None:
            email.kind = InboundEmail.Kind.REPLY
            _reply_take(enquiry, email)
            return enquiry
    since = timezone.now() - timedelta(days=1)
    recent = Enquiry.objects.filter(
        created_at__gte=since, channel=Channel.EMAIL, email__iexact=email.from_address, anonymised_at__isnull=True
    ).order_by("-created_at", "-id")
    if len(recent[: settings.HELPLINE_ASK_LIMIT_PER_ADDRESS]) >= settings.HELPLINE_ASK_LIMIT_PER_ADDRESS:
        enquiry = _lock(recent[0])
        _reply_take(enquiry, email)
        return enquiry
    enquiry = enquiry_ask(
        question=email.new_text or email.subject or NO_TEXT,
        topics=[],
        name=email.from_name[:120],
        email=email.from_address,
        channel=Channel.EMAIL,
    )
    _record_and_audit(
        enquiry,
        by=None,
        kind=EnquiryEvent.Kind.MESSAGE_IN,
        text=email.new_text,
        inbound=email,
        action="enquiry.email_received",
    )
    return enquiry


def _reply_take(enquiry: Enquiry, email: InboundEmail) -> None:
    """Her email onto the timeline; a different sender address is flagged, never copied into her details."""
    if not enquiry.email or enquiry.email.casefold() != email.from_address.casefold():
        email.sender_warning = SENDER_WARNING.format(address=email.from_address)[:300]
    enquiry_message_receive(enquiry=enquiry, text=email.new_text, inbound=email)
