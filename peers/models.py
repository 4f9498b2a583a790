"""Peer support: volunteers, mothers' requests, introductions between them, check-ins.

Contact details live on `VolunteerProfile` and `PeerRequest` and are shown to the
other woman only once an `Introduction` is ACCEPTED (see `peers.selectors`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.i18n import current_language


class FractureKind(models.TextChoices):
    SPINAL = "spinal", gettext_lazy("Spinal (vertebral) fractures")
    HIP = "hip", gettext_lazy("Hip fracture")
    WRIST_OTHER = "wrist_other", gettext_lazy("Wrist or another bone")
    TRANSIENT_HIP = "transient_hip", gettext_lazy("Localised (transient) osteoporosis of the hip")


class Timing(models.TextChoices):
    DURING = "during", gettext_lazy("During pregnancy")
    BIRTH = "birth", gettext_lazy("At the birth")
    WEEKS_AFTER = "weeks_after", gettext_lazy("In the weeks after the birth")


class Topic(models.TextChoices):
    NEW_BABY = "new_baby", gettext_lazy("Coping with a new baby")
    PAIN = "pain", gettext_lazy("Pain")
    BREASTFEEDING = "breastfeeding", gettext_lazy("Breastfeeding decisions")
    FUTURE_PREGNANCIES = "future_pregnancies", gettext_lazy("Future pregnancies")
    TREATMENTS = "treatments", gettext_lazy("Treatments")
    WORK_BENEFITS = "work_benefits", gettext_lazy("Going back to work and benefits")
    EMOTIONAL = "emotional", gettext_lazy("The emotional side")


class Region(models.TextChoices):
    NORTH_EAST = "north_east", gettext_lazy("North East England")
    NORTH_WEST = "north_west", gettext_lazy("North West England")
    YORKSHIRE = "yorkshire", gettext_lazy("Yorkshire and the Humber")
    EAST_MIDLANDS = "east_midlands", gettext_lazy("East Midlands")
    WEST_MIDLANDS = "west_midlands", gettext_lazy("West Midlands")
    EAST = "east", gettext_lazy("East of England")
    LONDON = "london", gettext_lazy("London")
    SOUTH_EAST = "south_east", gettext_lazy("South East England")
    SOUTH_WEST = "south_west", gettext_lazy("South West England")
    WALES = "wales", gettext_lazy("Wales")
    SCOTLAND = "scotland", gettext_lazy("Scotland")
    NORTHERN_IRELAND = "northern_ireland", gettext_lazy("Northern Ireland")


class ContactMethod(models.TextChoices):
    EMAIL = "email", gettext_lazy("Email")
    PHONE = "phone", gettext_lazy("Phone")


class TalkBy(models.TextChoices):
    """How the two women talk once introduced. Details cross over only when both chose to exchange them."""

    PORTAL = "portal", gettext_lazy("Messages in the portal (no email address or phone number is shown to her)")
    DETAILS = "details", gettext_lazy("Exchange contact details (email or phone)")


class Experience(models.Model):
    """What happened to her: the same optional fields for volunteers and mothers, used for matching."""

    fracture_kind = models.CharField(max_length=16, choices=FractureKind, blank=True)
    timing = models.CharField(max_length=16, choices=Timing, blank=True)
    pregnancy_number = models.PositiveSmallIntegerField(null=True, blank=True)
    breastfed = models.BooleanField(null=True, blank=True)
    heparin = models.BooleanField(null=True, blank=True)
    later_pregnancies = models.BooleanField(null=True, blank=True)
    recovery = models.TextField(blank=True)
    topics = models.JSONField(default=list, blank=True)
    region = models.CharField(max_length=20, choices=Region, blank=True)
    languages = models.JSONField(default=list, blank=True)

    first_name = models.CharField(max_length=60)
    contact_method = models.CharField(max_length=8, choices=ContactMethod, default=ContactMethod.EMAIL)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    talk_by = models.CharField(max_length=8, choices=TalkBy, default=TalkBy.PORTAL)

    class Meta:
        abstract = True

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[t]) for t in self.topics if t in labels]


class VolunteerProfile(Experience):
    class Status(models.TextChoices):
        APPLIED = "applied", gettext_lazy("Waiting for a nurse to review")
        APPROVED = "approved", gettext_lazy("Approved")
        DECLINED = "declined", gettext_lazy("Declined")

    # Null once she has erased her data: the anonymised profile stays for the counts, no longer hers.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.APPLIED)
    capacity = models.PositiveSmallIntegerField(default=1)
    # Introductions proposed or accepted right now. Changed only with F() under a row
    # lock; the CheckConstraint below is what stops two nurses filling the last place twice.
    active_count = models.PositiveSmallIntegerField(default=0)
    applied_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    briefing_completed_on = models.DateField(null=True, blank=True)
    briefing_expires_on = models.DateField(null=True, blank=True)
    # The expiry date we last sent a reminder about, so the daily task reminds once per briefing.
    briefing_reminded_for = models.DateField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    paused_until = models.DateField(null=True, blank=True)
    resting_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(active_count__lte=F("capacity")), name="peers_volunteer_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=10), name="peers_volunteer_capacity_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "briefing_expires_on"], name="peers_vol_eligible_idx"),
            models.Index(fields=["status", "applied_at"], name="peers_vol_review_idx"),
        ]

    def __str__(self) -> str:
        return f"volunteer #{self.pk}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.active_count, 0)


class PeerRequest(Experience):
    class Status(models.TextChoices):
        WAITING = "waiting", gettext_lazy("Waiting for a nurse to find someone")
        PROPOSED = "proposed", gettext_lazy("A volunteer has been asked")
        INTRODUCED = "introduced", gettext_lazy("Introduced")
        CLOSED = "closed", gettext_lazy("Closed")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    OPEN = (Status.WAITING, Status.PROPOSED)

    # Null for a caller referred by the helpline who has no account.
    mother = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="peer_requests"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.WAITING)
    about = models.TextField(blank=True)
    # The safety advice her words called for (peers.free_text), shown on her request page; {} when calm.
    safety = models.JSONField(default=dict, blank=True)
    # The portal's language when she asked (portal.i18n): emails to her go in it.
    interface_language = models.CharField("language she used the portal in", max_length=16, default=current_language)
    consent_nurses_read = models.BooleanField(default=False)
    consent_share_details = models.BooleanField(default=False)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A plain id back to the helpline enquiry: peers never imports the helpline.
    source_enquiry_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    introduced_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # No request exists without both consents: safeguarding, not only form validation.
            models.CheckConstraint(
                condition=Q(consent_nurses_read=True, consent_share_details=True), name="peers_request_has_consents"
            ),
            models.UniqueConstraint(
                fields=["mother"],
                condition=Q(status__in=["waiting", "proposed", "introduced"]),
                name="peers_one_open_request_per_mother",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="peers_request_queue_idx")]

    def __str__(self) -> str:
        return f"request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def reference(self) -> str:
        return f"R-{self.pk}"


class Introduction(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", gettext_lazy("Waiting for the volunteer to answer")
        ACCEPTED = "accepted", gettext_lazy("Introduced")
        DECLINED = "declined", gettext_lazy("Declined by the volunteer")
        EXPIRED = "expired", gettext_lazy("No answer in time")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")
        ENDED = "ended", gettext_lazy("Ended")

    HOLDS_PLACE = (Status.PROPOSED, Status.ACCEPTED)

    peer_request = models.ForeignKey(PeerRequest, on_delete=models.CASCADE, related_name="introductions")
    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="introductions")
    status = models.CharField(max_length=12, choices=Status, default=Status.PROPOSED)
    note = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    # Due time for the "no answer within 7 days" beat task.
    respond_by = models.DateTimeField()
    # SHA-256 of the emailed accept/decline token. Kept after use: the status says it was used.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback = models.TextField(blank=True)
    # The way both agreed, fixed when the volunteer accepts: DETAILS only if both chose it.
    talk_by = models.CharField(max_length=8, choices=TalkBy, default=TalkBy.PORTAL)
    # A nurse paused the conversation: no new messages until she resumes it.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The planned length, set by a nurse (default PEERS_PLANNED_WEEKS); the end is counted from acceptance.
    planned_weeks = models.PositiveSmallIntegerField(default=8)
    planned_end_at = models.DateTimeField(null=True, blank=True)
    # When each woman was last sent (or is due) "you have a new message": at most one an hour.
    mother_notified_at = models.DateTimeField(null=True, blank=True)
    volunteer_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Once asked (and whatever she answered), the same volunteer is never asked again for this request.
            models.UniqueConstraint(fields=["peer_request", "volunteer"], name="peers_one_introduction_per_pair"),
            models.UniqueConstraint(
                fields=["peer_request"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="peers_one_live_introduction_per_request",
            ),
        ]
        indexes = [models.Index(fields=["status", "respond_by"], name="peers_intro_due_idx")]

    def __str__(self) -> str:
        return f"introduction #{self.pk}"

    @property
    def details_exchanged(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.ENDED) and self.talk_by == TalkBy.DETAILS

    @property
    def takes_messages(self) -> bool:
        return self.status == self.Status.ACCEPTED and self.paused_at is None


class CheckIn(models.Model):
    """One "how is it going?" email to one of the two women, with its one-click answers."""

    class Who(models.TextChoices):
        MOTHER = "mother", gettext_lazy("Mother")
        VOLUNTEER = "volunteer", gettext_lazy("Volunteer")

    class Answer(models.TextChoices):
        GOING_WELL = "going_well", gettext_lazy("It is going well")
        CONTACT_ME = "contact_me", gettext_lazy("Please contact me")

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="check_ins")
    who = models.CharField(max_length=10, choices=Who)
    due_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True)
    answer = models.CharField(max_length=12, choices=Answer, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"check-in #{self.pk}"


class NurseTask(models.Model):
    """Something in the nurses' queue that a person must act on."""

    class Kind(models.TextChoices):
        VOLUNTEER_DECLINED = "declined", gettext_lazy("The volunteer declined: choose another")
        NO_ANSWER = "no_answer", gettext_lazy("No answer from the volunteer in time: choose another")
        SUITABLE_VOLUNTEER = "suitable", gettext_lazy("A newly approved volunteer may suit this request")
        CONTACT_ME = "contact_me", gettext_lazy("Asked a nurse to get in touch after a check-in")
        PHONE_MOTHER = "phone_mother", gettext_lazy("Give the mother her volunteer's details by phone")
        VOLUNTEER_LEFT = "left", gettext_lazy("The volunteer left peer support: choose another or talk to the mother")
        MESSAGE_ALARM = "msg_alarm", gettext_lazy("A message in a conversation raised a safety alarm")
        MESSAGE_REPORTED = "msg_reported", gettext_lazy("A message in a conversation was reported")
        CONVERSATION_NURSE = "conv_nurse", gettext_lazy("Asked a nurse to get in touch from the conversation page")
        NO_ACCOUNT = "no_account", gettext_lazy("The mother has no account to read messages in: help her sign up")
        ANOTHER_CONTACT = "another", gettext_lazy("After an introduction ended, the mother would like another contact")
        WORDS_ALARM = "words_alarm", gettext_lazy("Words in a request or an ending raised a safety alarm")

    kind = models.CharField(max_length=16, choices=Kind)
    peer_request = models.ForeignKey(PeerRequest, on_delete=models.CASCADE, related_name="tasks")
    introduction = models.ForeignKey(Introduction, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["done_at", "created_at"], name="peers_task_open_idx")]

    def __str__(self) -> str:
        return f"task #{self.pk} ({self.kind})"


class Message(models.Model):
    """One message between the two women of an introduction.

    `body` is what she wrote, as she wrote it (shown to her and to the nurses);
    `shared_body` is what the other woman sees: the same, or with contact details
    held back when they did not both choose to exchange them.
    """

    class Side(models.TextChoices):
        MOTHER = "mother", gettext_lazy("Mother")
        VOLUNTEER = "volunteer", gettext_lazy("Volunteer")

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="messages")
    # Null once she has erased her data: the message is blanked and no longer hers.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side)
    body = models.TextField()
    shared_body = models.TextField()
    held_back = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Safety triage of the words (helpline's levels, through portal.screening).
    level = models.CharField(max_length=16, blank=True)
    advice = models.JSONField(default=list, blank=True)
    alarm = models.BooleanField(default=False)
    # Her words suggest someone else may read her email (the triage's risk flag): nothing is emailed to her.
    email_unsafe = models.BooleanField(default=False)
    marked_for_nurse_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A nurse has looked at a marked or reported message: it leaves the moderation list.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["introduction", "id"], name="peers_msg_conv_idx"),
            models.Index(
                fields=["marked_for_nurse_at"],
                condition=Q(marked_for_nurse_at__isnull=False) | Q(reported_at__isnull=False),
                name="peers_msg_marked_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"


class Ending(models.Model):
    """How one of the two women says it went, on the ending page: once each per introduction."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="endings")
    side = models.CharField(max_length=10, choices=Message.Side)
    rating = models.PositiveSmallIntegerField()  # 1 (not helpful) to 5 (very helpful)
    comment = models.TextField(blank=True)
    wants_another = models.BooleanField(default=False)  # the mother only: "would you like another contact?"
    hours_given = models.PositiveSmallIntegerField(null=True, blank=True)  # the volunteer only, roughly
    created_at = models.DateTimeField(default=timezone.now)
    # The safety advice her comment called for (peers.free_text), shown on her ending page; {} when calm.
    safety = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["introduction", "side"], name="peers_one_ending_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="peers_ending_rating_range"),
        ]

    def __str__(self) -> str:
        return f"ending #{self.pk}"
