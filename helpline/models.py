"""Helpline enquiries: what was asked, by whom, how it is being handled.

Personal details (name, contact, the summary and notes) live only on `Enquiry`,
`EnquiryEvent.text` and `Callback.note`; retention blanks exactly those, so
every count the reports need survives anonymisation.
"""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import Replace, Upper
from django.urls import reverse
from django.utils import timezone

from portal.i18n import current_language


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    WEB = "web", "Web form"


class CallerType(models.TextChoices):
    SELF = "self", "The woman herself"
    PARTNER = "partner", "Partner"
    RELATIVE = "relative", "Relative or friend"
    PROFESSIONAL = "professional", "Health professional"
    OTHER = "other", "Other"


class Topic(models.TextChoices):
    DIAGNOSIS = "diagnosis", "Diagnosis and tests"
    PAIN = "pain", "Pain"
    EXERCISE = "exercise", "Exercise"
    BREASTFEEDING = "breastfeeding", "Breastfeeding"
    DRUG_TREATMENTS = "drug_treatments", "Drug treatments"
    HEPARIN = "heparin", "Heparin"
    CALCIUM_VITAMIN_D = "calcium_vitamin_d", "Calcium and vitamin D"
    FUTURE_PREGNANCIES = "future_pregnancies", "Future pregnancies"
    MONEY = "money", "Work, benefits and money"
    PRACTICAL_HELP = "practical_help", "Practical help at home"
    EMOTIONAL_SUPPORT = "emotional_support", "Emotional support"
    PEER_CONTACT = "peer_contact", "Wants a peer contact"
    LEAFLET_REQUEST = "leaflet_request", "Leaflet request"
    OTHER = "other", "Other"


class Urgency(models.IntegerChoices):
    # Stored as a rank so the queue sorts most urgent first with a plain index. EMERGENCY, CRISIS,
    # URGENT and ROUTINE are the levels the safety triage gives (helpline.triage); SOON is a nurse's call.
    EMERGENCY = 1, "Emergency"
    CRISIS = 2, "Crisis"
    URGENT = 3, "Urgent"
    SOON = 4, "Soon"
    ROUTINE = 5, "Routine"


class Status(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    AWAITING_CALLBACK = "awaiting_callback", "Awaiting callback"
    IN_PROGRESS = "in_progress", "In progress"
    # A nurse has replied and the next move is hers: a reply moves it here, her answer moves it on.
    ANSWERED = "answered", "Answered, waiting for her"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    INFORMATION_GIVEN = "information_given", "Information given"
    SIGNPOSTED = "signposted", "Signposted"
    REFERRED_PEER_SUPPORT = "referred_peer_support", "Referred to peer support"
    REFERRED_GP = "referred_gp", "Referred to GP"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    # Set only by her erasure request, never chosen by a nurse (the close form leaves it out).
    ERASED_AT_HER_REQUEST = "erased_at_her_request", "Closed when she asked for her data to be deleted"


class AnonymisedReason(models.TextChoices):
    RETENTION = "retention", "after the retention period"
    HER_REQUEST = "her_request", "at her request, when she asked for her data to be deleted"


@dataclass(frozen=True)
class Transition:
    """One move a nurse may make in the status workflow."""

    action: str
    label: str  # the button: "Mark as triaged"
    past: str  # in messages: "can't be marked as triaged"
    sources: frozenset[str]
    target: str


OPEN_STATUSES = frozenset({Status.NEW, Status.TRIAGED, Status.AWAITING_CALLBACK, Status.IN_PROGRESS, Status.ANSWERED})
# Where a nurse's reply moves an enquiry from (to ANSWERED). Awaiting a callback stays so: a call is still owed.
REPLY_ANSWERS = frozenset({Status.NEW, Status.TRIAGED, Status.IN_PROGRESS})

# The whole workflow, as data: the service refuses anything not listed here.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", "Mark as triaged", "marked as triaged", frozenset({Status.NEW}), Status.TRIAGED),
    Transition(
        "await_callback",
        "Mark as awaiting callback",
        "marked as awaiting callback",
        frozenset({Status.TRIAGED, Status.IN_PROGRESS, Status.ANSWERED}),
        Status.AWAITING_CALLBACK,
    ),
    Transition(
        "start",
        "Mark as in progress",
        "marked as in progress",
        frozenset({Status.TRIAGED, Status.AWAITING_CALLBACK, Status.ANSWERED}),
        Status.IN_PROGRESS,
    ),
    Transition("close", "Close", "closed", OPEN_STATUSES, Status.CLOSED),
    Transition("reopen", "Reopen", "reopened", frozenset({Status.CLOSED}), Status.IN_PROGRESS),
)
TRANSITIONS_BY_ACTION = {t.action: t for t in TRANSITIONS}


# A phone number without its spacing, "+44" read as "0": "07700 900123", "07700-900123" and
# "+447700900123" are one number. Built from replace() so SQLite (for runserver) can index it too.
def _phone_digits():
    expression = models.F("phone")
    for mark in (" ", "-", "(", ")", "."):
        expression = Replace(expression, models.Value(mark), models.Value(""))
    return Replace(expression, models.Value("+44"), models.Value("0"))


PHONE_DIGITS = _phone_digits()

# Unambiguous characters only (no 0/O, 1/I/L), so a reference reads well over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "HL-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


_REFERENCE_IN_TEXT = re.compile(rf"\bHL-[{REFERENCE_ALPHABET}]{{6}}\b", re.IGNORECASE)


def find_reference(text: str) -> str:
    """The first enquiry reference quoted in a text ("Re: Your question, HL-7K3M9Q"), upper-cased; "" if none."""
    found = _REFERENCE_IN_TEXT.search(text)
    return found.group(0).upper() if found else ""


class Enquiry(models.Model):
    """One call, email, letter or web question to the helpline."""

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    channel = models.CharField(max_length=16, choices=Channel, default=Channel.PHONE)
    caller_type = models.CharField("who is calling", max_length=16, choices=CallerType, default=CallerType.SELF)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency, default=Urgency.ROUTINE)
    summary = models.TextField()
    consent_email = models.BooleanField("agrees to follow-up by email", default=False)
    consent_phone = models.BooleanField("agrees to follow-up by phone", default=False)
    safe_to_email = models.BooleanField("safe to email", default=False)
    safe_to_leave_message = models.BooleanField("safe to leave a message", default=False)
    preferred_times = models.CharField("times that suit her", max_length=200, blank=True)
    # The parts of the day she said it is safe to ring her (SafeCallPeriod values), chosen when she
    # books a callback: slots outside them are never offered to her (helpline.callback_slots).
    safe_call_periods = models.JSONField("parts of the day it is safe to ring her", default=list, blank=True)
    red_flag = models.BooleanField(default=False)
    # What the safety triage found in her words ("chest pain: “my chest hurts”"), for nurses.
    # Her words are health details: retention blanks this with the summary.
    triage_reasons = models.JSONField(default=list, blank=True)
    # The language she wrote in when it is not English ("Polish", "Welsh"): the nurses are alerted at once.
    language = models.CharField("language, if not English", max_length=40, blank=True)
    # The portal's language when she wrote (portal.i18n): emails to her go in it.
    interface_language = models.CharField("language she used the portal in", max_length=16, default=current_language)
    # Why she may not be emailed although she gave an address ("she wrote that someone else reads her
    # email or phone"), for the nurse; set by the safety triage, never her own words.
    not_emailed_because = models.CharField("why she is not emailed", max_length=200, blank=True)

    status = models.CharField(max_length=20, choices=Status, default=Status.NEW)
    outcome = models.CharField(max_length=32, choices=Outcome, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Her account, when she asked while signed in: she reads the conversation and replies there.
    # Never inferred from a matching email address: whoever can read an inbox could then open an
    # account with it and read enquiries she may have said were not safe to email.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="helpline_enquiries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The earliest callback not yet made; kept by the services so "overdue" is one indexed comparison.
    next_callback_at = models.DateTimeField(null=True, blank=True)
    peer_request_id = models.BigIntegerField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    anonymised_reason = models.CharField(max_length=16, choices=AnonymisedReason, blank=True)
    # When her email reply arrived, until a nurse next acts on the enquiry: "reply received".
    reply_received_at = models.DateTimeField(null=True, blank=True)
    # When her first response is due by the level's target (helpline.response_targets), kept after
    # she is answered so the reports can say whether it was in time.
    response_due_at = models.DateTimeField(null=True, blank=True)
    # The same, only while she still waits for a first response (None once answered): the queue
    # orders each level by it, so the enquiry nearest its target comes first through an index.
    awaiting_response_due_at = models.DateTimeField(null=True, blank=True)
    # When the on-duty nurses were warned that its target is near: set once, in the transaction
    # that queues the warning, by a conditional update (helpline.response_targets).
    target_warned_at = models.DateTimeField(null=True, blank=True)
    # The woman behind it, once known (helpline.people): her other enquiries and her risk flags.
    person = models.ForeignKey(
        "helpline.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["urgency", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "urgency", "created_at"], name="hl_enquiry_queue_idx"),
            # The default queue (every open status, most urgent then oldest first): an ordered
            # scan of open enquiries only, however many closed ones pile up over the years.
            models.Index(
                fields=["urgency", "created_at", "id"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="hl_enquiry_open_queue_idx",
            ),
            # The queue's order: each level by how near its response target is, answered ones after.
            models.Index(
                fields=["urgency", "awaiting_response_due_at", "created_at", "id"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="hl_enquiry_open_target_idx",
            ),
            # The sweep for enquiries near their target that nobody has been warned about yet.
            models.Index(
                fields=["awaiting_response_due_at"],
                condition=models.Q(target_warned_at__isnull=True, awaiting_response_due_at__isnull=False),
                name="hl_enquiry_target_warn_idx",
            ),
            models.Index(fields=["urgency", "created_at"], name="hl_enquiry_order_idx"),
            models.Index(fields=["assigned_to", "status"], name="hl_enquiry_assignee_idx"),
            models.Index(fields=["channel", "created_at"], name="hl_enquiry_channel_idx"),
            models.Index(fields=["next_callback_at"], name="hl_enquiry_callback_idx"),
            models.Index(fields=["status", "closed_at", "anonymised_at"], name="hl_enquiry_retention_idx"),
            models.Index(fields=["created_at"], name="hl_enquiry_created_idx"),
            models.Index(fields=["user", "created_at"], name="hl_enquiry_user_idx"),
            # Her other enquiries from the same address or number, which a nurse may confirm are hers.
            models.Index(Upper("email"), name="hl_enquiry_email_idx", condition=~models.Q(email="")),
            models.Index(PHONE_DIGITS, name="hl_enquiry_phone_idx", condition=~models.Q(phone="")),
            models.Index(
                fields=["reply_received_at"],
                condition=models.Q(reply_received_at__isnull=False),
                name="hl_enquiry_reply_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.CLOSED) | ~models.Q(outcome=""),
                name="hl_enquiry_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("helpline:enquiry-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.next_callback_at is not None and self.next_callback_at < timezone.now()

    @property
    def urgency_key(self) -> str:
        return Urgency(self.urgency).name.lower()

    @property
    def can_email(self) -> bool:
        """Follow-up email needs consent, an address, and a confirmed-safe inbox."""
        return bool(self.consent_email and self.safe_to_email and self.email and not self.anonymised_at)

    @property
    def reply_route(self) -> str:
        """How a nurse's reply reaches her: "email", "account" (she reads it signed in), or "" (it cannot)."""
        if self.anonymised_at:
            return ""
        if self.can_email:
            return "email"
        return "account" if self.user_id is not None else ""

    @property
    def status_for_her(self) -> str:
        """Where her question has got to, in her words rather than the nurses' workflow."""
        if self.status == Status.NEW and self.first_response_at is None:
            return "Waiting for a nurse"
        return "Closed" if self.status == Status.CLOSED else "A nurse is looking after it"

    def allowed_transitions(self) -> list[Transition]:
        if self.anonymised_at:
            return []
        return [t for t in TRANSITIONS if self.status in t.sources]


class EnquiryTopic(models.Model):
    """One topic of an enquiry: a small table so topic filters work the same on SQLite and PostgreSQL."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.CharField(max_length=32, choices=Topic)
    # Whether the enquiry is open, written only by services._topic_links_write, so the
    # open queue's topic filter reads the few links of open enquiries by index instead of every
    # link the topic has had in years (65,000 for "pain" at 200,000 enquiries). The queue still
    # checks the enquiry's status: all that must hold is that an open enquiry's links say so.
    enquiry_open = models.BooleanField(default=True, db_default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enquiry", "topic"], name="hl_enquiry_topic_unique")]
        indexes = [
            models.Index(fields=["topic", "enquiry"], name="hl_topic_enquiry_idx"),
            models.Index(
                fields=["topic", "enquiry"], condition=models.Q(enquiry_open=True), name="hl_topic_open_enquiry_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.get_topic_display()


class EnquiryEvent(models.Model):
    """The enquiry's timeline: append-only, written by the services, never edited by a view.

    The one exception is retention, which blanks `text` (notes may hold health
    details) while keeping the row, so who did what and when survives.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Logged"
        DETAILS_CORRECTED = "details_corrected", "Details corrected"
        URGENCY = "urgency", "Urgency changed"
        ALERT = "alert", "Nurses alerted"
        STATUS = "status", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        NOTE = "note", "Note"
        CALLBACK_SCHEDULED = "callback_scheduled", "Callback scheduled"
        CALLBACK_DONE = "callback_done", "Callback made"
        CALLBACK_CANCELLED = "callback_cancelled", "Callback cancelled"
        FOLLOW_UP = "follow_up", "Follow-up email"
        # The conversation: what a nurse wrote to her (by email and in her account), and what she
        # wrote back (in her account, or by replying to an email).
        MESSAGE_OUT = "message_out", "Reply to her"
        MESSAGE_IN = "message_in", "Message from her"
        EMAIL_BOUNCED = "email_bounced", "Email to her bounced"
        AUTO_REPLY = "auto_reply", "Automatic reply"
        REFERRED = "referred", "Referred to peer support"
        ANONYMISED = "anonymised", "Anonymised"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status, blank=True)
    text = models.TextField(blank=True)
    # A reply's email, whose outbox row is the one source of its delivery state (queued, sent,
    # failed, bounced); empty when she reads replies only in her account.
    email = models.ForeignKey(
        "portal.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When a reply shows in her account: its send time, so a reply scheduled for later is not
    # read there first.
    shown_from = models.DateTimeField(null=True, blank=True)
    # For an email from her: the message as received (full text, sender, attachments).
    inbound = models.ForeignKey(
        "portal.InboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["enquiry", "at"], name="hl_event_enquiry_idx")]

    def __str__(self) -> str:
        return f"{self.enquiry_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Callback(models.Model):
    """A promise to ring someone back, with a reminder to the assigned nurse when it falls due."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="callbacks")
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["done_at", "reminder_sent_at", "due_at"], name="hl_callback_due_idx"),
            models.Index(fields=["enquiry", "done_at"], name="hl_callback_enquiry_idx"),
        ]

    def __str__(self) -> str:
        return f"callback #{self.pk} for {self.enquiry_id} at {self.due_at:%Y-%m-%d %H:%M}"


class FollowUpTemplate(models.Model):
    """A follow-up email nurses send often, kept editable by nurses and admins."""

    name = models.CharField(max_length=100, unique=True)
    subject = models.CharField(max_length=150)
    body = models.TextField(
        help_text=(
            "A starting point nurses read and change before sending. Plain text; start without a greeting "
            "(\u201cDear\u201d and her first name are added). You may write {first_name}, {reference} and "
            "{nurse_first_name}: they are filled in."
        )
    )
    # Slugs of leaflet sections and organisations to link, kept loose (no foreign key into the
    # leaflet's tables): a section withdrawn later simply drops out of the links.
    section_slugs = models.JSONField("leaflet sections to link", default=list, blank=True)
    organisation_slugs = models.JSONField("organisations to link", default=list, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReplyDraft(models.Model):
    """The reply a nurse is writing to an enquiry and has not sent: one per enquiry, shared by the nurses.

    Kept on the server so it survives an error, leaving the page, and a colleague
    opening the enquiry (she sees it, and who wrote it last). Deleted when sent.
    """

    enquiry = models.OneToOneField(Enquiry, on_delete=models.CASCADE, related_name="reply_draft")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField(blank=True)
    # Keys of the guidance pages to link ("section:<slug>", "question:<section slug>#<anchor>",
    # "organisation:<slug>"), kept loose like a template's: what is withdrawn later drops out..
    links = models.JSONField(default=list, blank=True)
    send_after = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reply draft for {self.enquiry_id}"


class SafetyAlert(models.Model):
    """An emergency or crisis enquiry the nurses have been told about, open until someone takes it.

    The on-duty nurses are emailed when it is raised; if nobody claims the
    enquiry by `escalate_at`, every nurse and admin is emailed (see
    `helpline.services.safety_alerts_escalate_due`, run every minute by beat).
    The alert emails carry the level and a link, never her details.
    """

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="alerts")
    level = models.PositiveSmallIntegerField(choices=Urgency)
    # Why it was raised besides the level (helpline.triage's Triage.is_alarm): what the alert email says.
    safeguarding = models.BooleanField(default=False)
    other_language = models.BooleanField(default=False)
    raised_at = models.DateTimeField(default=timezone.now)
    escalate_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["level", "raised_at", "id"]
        indexes = [
            models.Index(
                fields=["escalate_at"],
                condition=models.Q(handled_at__isnull=True, escalated_at__isnull=True),
                name="hl_alert_escalation_idx",
            ),
            models.Index(fields=["handled_at", "level"], name="hl_alert_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} alert for {self.enquiry_id}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None


class DutyShift(models.Model):
    """A nurse on duty for the helpline from `starts_at` to `ends_at`: who is alerted at once."""

    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="hl_duty_when_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="hl_duty_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nurse_id} on duty {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class ResponseTarget(models.Model):
    """How soon a first response is due at one urgency level, set by an administrator.

    Emergency and crisis targets are wall-clock minutes (they never wait for opening
    hours); the other levels' minutes count only while the helpline is open
    (helpline.opening_hours). Changing a target moves the due time of every open
    enquiry at that level still waiting for a first response.
    """

    urgency = models.PositiveSmallIntegerField(choices=Urgency, unique=True)
    minutes = models.PositiveIntegerField(
        "target (minutes)",
        help_text=(
            "For urgent, soon and routine: minutes of opening hours (one opening day Monday to Friday, "
            "9am to 5pm, is 480). For emergency and crisis: minutes of clock time, day or night."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["urgency"]
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gt=0), name="hl_target_positive")]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.minutes} minutes"

    @property
    def in_opening_hours(self) -> bool:
        return self.urgency not in (Urgency.EMERGENCY, Urgency.CRISIS)


class HelplineClosure(models.Model):
    """A time the helpline is closed although its hours say open (a training day, an early close).

    Response targets stop counting while it lasts. Bank holidays need no closure:
    they come from the holidays library.
    """

    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, help_text="For the nurses: why the helpline is closed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="hl_closure_when_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="hl_closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"closed {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}: {self.reason}"


class Person(models.Model):
    """The woman behind one or more enquiries, so a nurse sees her history and her risk flags.

    Holds no details of its own (they stay on her enquiries, where retention
    blanks them). Enquiries join a person in two ways only (helpline.people): an
    enquiry asked from her account joins that account's person at once; any
    other only when a nurse confirms that an address or number it shares with
    her earlier enquiries is hers. Never on a name: two women share a name far
    more often than a helpline can afford to guess.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="helpline_person"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"person #{self.pk}"


class FlagKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    DO_NOT_EMAIL = "do_not_email", "Do not email"
    RECENT_CRISIS = "recent_crisis", "Crisis in the last 90 days"
    INTERPRETER = "interpreter", "Interpreter needed"


# On its review date a "crisis in the last 90 days" flag simply ends: it says when, not what. The others
# stay until a nurse has looked at them again ("due for review"), so a concern never lapses unread.
EXPIRING_FLAGS = frozenset({FlagKind.RECENT_CRISIS})


class PersonFlag(models.Model):
    """A risk flag a nurse set on a person: shown on each of her enquiries and on the queue."""

    class Ended(models.TextChoices):
        REMOVED = "removed", "Removed by a nurse"
        EXPIRED = "expired", "Ended on its review date"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=FlagKind)
    # Why the nurse set it: may hold health or safeguarding details, so never in logs or emails.
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    review_on = models.DateField("review date")
    # Set by the daily review task when the review date has come for a flag that does not simply end.
    review_due_since = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_how = models.CharField(max_length=10, choices=Ended, blank=True)

    class Meta:
        ordering = ["kind", "set_at", "id"]
        constraints = [
            # A flag set twice is refused (helpline.people.FLAG_ALREADY_SET); this makes a race refuse it too.
            models.UniqueConstraint(
                fields=["person", "kind"], condition=models.Q(ended_at__isnull=True), name="hl_flag_one_live_per_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["review_on"], condition=models.Q(ended_at__isnull=True), name="hl_flag_review_idx"),
            models.Index(fields=["person"], condition=models.Q(ended_at__isnull=True), name="hl_flag_live_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.person}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class SafeCallPeriod(models.TextChoices):
    """Parts of the day a woman may say it is safe to ring her; a slot must lie wholly inside one she chose."""

    MORNING = "morning", "Mornings (8am to 12 noon)"
    AFTERNOON = "afternoon", "Afternoons (12 noon to 5pm)"
    EVENING = "evening", "Evenings (5pm to 9pm)"


class CallbackSlot(models.Model):
    """A time a nurse on the rota has set aside to ring someone back, which one woman may book."""

    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="hl_slot_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="hl_slot_ends_after_start"
            ),
            models.UniqueConstraint(fields=["nurse", "starts_at"], name="hl_slot_nurse_starts_unique"),
        ]

    def __str__(self) -> str:
        return f"slot #{self.pk} {self.starts_at:%Y-%m-%d %H:%M}"


class CallbackBooking(models.Model):
    """Her booking of a callback slot. A cancelled or moved booking keeps its row, with `cancelled_at` set.

    The partial unique constraint is what makes a slot never given twice: two
    women booking the same slot at the same moment both insert, and the database
    lets only one of them commit.
    """

    class Ended(models.TextChoices):
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved to another time"

    slot = models.ForeignKey(CallbackSlot, on_delete=models.PROTECT, related_name="bookings")
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="callback_bookings")
    # The nurse's side of it: the reminder, the overdue flag and "callback made" (None once cancelled).
    callback = models.OneToOneField(Callback, null=True, blank=True, on_delete=models.SET_NULL, related_name="booking")
    booked_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ended = models.CharField(max_length=16, choices=Ended, blank=True)

    class Meta:
        ordering = ["booked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(cancelled_at__isnull=True), name="hl_booking_slot_once"
            ),
            models.UniqueConstraint(
                fields=["enquiry"], condition=models.Q(cancelled_at__isnull=True), name="hl_booking_one_per_enquiry"
            ),
        ]

    def __str__(self) -> str:
        return f"booking #{self.pk} of slot {self.slot_id}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None
