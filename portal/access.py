"""Access helpers shared by every app: role checks for views."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import has_role, is_admin


def role_required(*roles: str, allow_admin: bool = True):
    """Let a view through only for signed-in users holding one of `roles`.

    Anonymous visitors are sent to sign in; signed-in users without the role get 403.
    Site administrators pass too unless `allow_admin=False`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if has_role(user, *roles) or (allow_admin and is_admin(user)):
                return view(request, *args, **kwargs)
            raise PermissionDenied

        wrapper.portal_roles = roles
        return wrapper

    return decorator
