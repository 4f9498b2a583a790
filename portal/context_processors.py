from django.contrib.auth.models import AnonymousUser

from .identity import charity_identity
from .roles import Role, has_role, is_admin


def portal(request):
    # Error pages can be rendered before AuthenticationMiddleware ran (a bad Host header).
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        **charity_identity(),
        "is_nurse": has_role(user, Role.NURSE) or is_admin(user),
        "is_editor": has_role(user, Role.EDITOR) or is_admin(user),
        "is_volunteer": has_role(user, Role.VOLUNTEER),
    }
