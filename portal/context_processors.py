from django.contrib.auth.models import AnonymousUser

from .identity import charity_identity
from .roles import Role, has_role, is_admin


def portal(request):
    # Error pages can be rendered before AuthenticationMiddleware ran (a bad Host header).
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        **charity_identity(),
        # For the navigation's links only. A page's action forms come from its app's access
        # module (leaflet.access), never from these: an admin counts as a nurse here, but may
        # not sign off clinical content.
        "is_nurse": has_role(user, Role.NURSE) or is_admin(user),
        "is_editor": has_role(user, Role.EDITOR) or is_admin(user),
        "is_volunteer": has_role(user, Role.VOLUNTEER),
    }
