import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _attachment_path(instance, filename: str) -> str:
    # Random, so no name or subject ever appears on disk or in a backup listing.
    return f"inbound/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class InboundEmail(models.Model):
    """One message read from the helpline's mailbox, recorded once whatever happened to it.

    `key` is what makes handling exactly-once: a hash of the Message-ID (or of
    the whole message when it has none), unique, inserted in the same
    transaction as everything the message causes. `about_type`/`about_id` name
    the record an app attached it to (an enquiry), as on the outbox.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to one of our emails")
        NEW = "new", _("New email")
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        BOUNCE = "bounce", _("Delivery failure report")
        COMPLAINT = "complaint", _("Spam complaint")
        REJECTED = "rejected", _("Rejected")

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind)
    received_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)  # the message's own Date header
    from_address = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    # The new words only (quoted history and signature taken off), then the whole text.
    new_text = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    in_reply_to = models.ForeignKey(
        "portal.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    about_type = models.CharField(max_length=64, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    # Why it was not handled, or what was left out of it (attachments refused, odd charsets).
    note = models.TextField(blank=True)
    # Set by the app that took it when the sender is not the address its record holds.
    sender_warning = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="inbound_about_idx"),
            models.Index(fields=["received_at"], name="inbound_received_idx"),
        ]

    def __str__(self) -> str:
        return f"inbound email #{self.pk} ({self.kind})"


class InboundAttachment(models.Model):
    """A file that came with an inbound email, kept in private storage (never served by URL).

    Only files whose content is a PDF, JPEG or PNG and within the size limit are
    stored; for the rest a row without a file records its name and why it was
    not kept. The stored name is random: nothing personal in paths.
    """

    email = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=150)
    content_type = models.CharField(max_length=50, blank=True)  # from the content, not the sender's label
    size = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=_private_storage, upload_to=_attachment_path, max_length=200, blank=True)
    refused = models.CharField(max_length=200, blank=True)  # why it was not kept; "" when kept

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"

    @property
    def kept(self) -> bool:
        return bool(self.file)
