"""Writing the audit trail. Callers pass ids and action codes, never personal data."""

from django.db import models

from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
