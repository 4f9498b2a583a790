"""Roles are Django groups. Every access decision asks these helpers, never group names directly."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MOTHER = "mother", _("Mother")
    VOLUNTEER = "volunteer", _("Peer volunteer")
    NURSE = "nurse", _("Helpline nurse")
    EDITOR = "editor", _("Content editor")


STAFF_ROLES = frozenset({Role.NURSE, Role.EDITOR})


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, read once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._portal_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def acts_as(user, *roles: str) -> bool:
    """Holds one of `roles`, or is a site administrator, who may act in every role.

    The one exception, clinical sign-off, is leaflet.access's to decide.
    """
    return has_role(user, *roles) or is_admin(user)


def needs_second_factor(user) -> bool:
    """Staff (nurses, editors, anyone who can reach the Django admin) must use MFA."""
    return user.is_authenticated and (user.is_staff or user.is_superuser or has_role(user, *STAFF_ROLES))


def grant_role(user, role: str) -> None:
    from django.contrib.auth.models import Group

    # get_or_create: the groups come from a data migration, but a flushed test database has none.
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_portal_roles", None)


def revoke_role(user, role: str) -> None:
    from django.contrib.auth.models import Group

    user.groups.remove(*Group.objects.filter(name=role))
    user.__dict__.pop("_portal_roles", None)
