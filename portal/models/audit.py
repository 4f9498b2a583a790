from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One append-only line of the audit trail: who did what to which record, when, from where.

    Rows hold ids and action codes, never the personal data itself, so they can
    outlive an erasure. PostgreSQL refuses UPDATE and DELETE on this table
    (see the migration that installs the trigger).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No foreign-key constraint: the trail must survive the actor's account being erased.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"
