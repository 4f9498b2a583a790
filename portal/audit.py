"""Writing the audit trail. Callers pass ids and action codes, never personal data."""

from django.db import models

from .client_address import client_ip
from .models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    request=None,
    **detail,
) -> AuditEntry:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip=client_ip(request),
        detail=detail,
    )
