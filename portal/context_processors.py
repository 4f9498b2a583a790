from django.conf import settings

from .roles import Role, has_role, is_admin


def portal(request):
    user = request.user
    return {
        "site_name": settings.SITE_NAME,
        "charity_name": settings.CHARITY_NAME,
        "is_nurse": has_role(user, Role.NURSE) or is_admin(user),
        "is_editor": has_role(user, Role.EDITOR) or is_admin(user),
        "is_volunteer": has_role(user, Role.VOLUNTEER),
    }
