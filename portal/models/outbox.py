import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_message_id() -> str:
    """An unguessable RFC 5322 Message-ID: replies quote it, so it must not be derivable from a row number."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{secrets.token_urlsafe(24)}@{domain}>"


class OutboundEmail(models.Model):
    """An email the portal has promised to send, written in the same transaction as the action.

    The delivery task claims it SCHEDULED -> SENDING and then marks it SENT (or
    FAILED, or back to SCHEDULED with a later `send_after` to retry); a nurse may
    cancel it while it is still SCHEDULED. `about_type`/`about_id` tie it to the
    enquiry or introduction it belongs to, for their timelines. `last_error`
    says why a message failed or was not sent.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        BOUNCED = "bounced", _("Bounced")

    class Kind(models.TextChoices):
        TRANSACTIONAL = "transactional", _("Transactional")
        FOLLOW_UP = "follow_up", _("Follow-up (needs consent)")
        # An answer to something the person asked us (a nurse's reply to her question): never
        # stopped by an unsubscribe, and with no unsubscribe text, since she asked for it.
        REPLY = "reply", _("Reply to their question")

    status = models.CharField(max_length=16, choices=Status, default=Status.SCHEDULED)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.TRANSACTIONAL)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    template = models.CharField(max_length=120)
    about_type = models.CharField(max_length=64, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # When a delivery task for this row was last published. The sweeper re-publishes
    # due rows whose publish never happened (broker down) or was lost a while ago.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Sent as the Message-ID header, angle brackets included, and the same on every retry. Replies
    # name it in In-Reply-To/References; being random, it also proves a reply saw our message.
    message_id = models.CharField(max_length=200, unique=True, default=new_message_id, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbox_due_idx"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about_idx"),
            # Loop protection asks on every question whether this address had an acknowledgement today.
            models.Index(fields=["template", "created_at"], name="outbox_template_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"email #{self.pk} ({self.status})"

    @property
    def is_cancellable(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def to_masked(self) -> str:
        """The recipient with most of the local part hidden: enough to tell two apart on a page."""
        return mask_address(self.to)


class OutboundAttachment(models.Model):
    """A file sent with an outbox email (a calendar invitation, say), kept with it so a retry sends the same."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.filename} for email #{self.email_id}"


class EmailSuppression(models.Model):
    """An address we no longer email: it unsubscribed, complained of spam, or bounced.

    Only a keyed hash of the normalised address is kept (see
    `portal.outbox.consent`), with the address masked for the administrators'
    list, so the list itself holds no readable addresses and a person's entry can
    be found and erased from their address alone. An unsubscribe or a complaint
    stops follow-up (non-essential) email; a bounce stops every email, since
    none can arrive.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        COMPLAINED = "complained", _("Spam complaint")
        BOUNCED = "bounced", _("Bounced (permanent failure)")
        BOUNCING = "bouncing", _("Bounced again and again (temporary failures over several days)")

    address_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=16, choices=Reason, default=Reason.UNSUBSCRIBED)
    address_masked = models.CharField(max_length=260, blank=True)
    detail = models.CharField(max_length=300, blank=True)  # the status code, or the complaint's type
    source = models.ForeignKey(
        "portal.InboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"suppression #{self.pk}"


class EmailBounce(models.Model):
    """One delivery failure reported for an address: the record the temporary-failure rule counts."""

    address_hash = models.CharField(max_length=64)
    permanent = models.BooleanField()
    status = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField(default=timezone.now)
    message = models.ForeignKey(OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces")
    source = models.ForeignKey(
        "portal.InboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"], name="bounce_address_idx")]

    def __str__(self) -> str:
        return f"bounce #{self.pk}"


def mask_address(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}\u2026@{domain}"[:260]
