"""Reads of the outbox for staff pages."""

from django.db import models
from django.db.models import QuerySet

from ..models import OutboundEmail


def emails_about(obj: models.Model) -> QuerySet[OutboundEmail]:
    """Every message about one record, in the order they were (or will be) sent, for its timeline."""
    return OutboundEmail.objects.filter(about_type=obj._meta.label_lower, about_id=str(obj.pk)).order_by(
        "send_after", "id"
    )
