"""Access helpers shared by every app: role checks for views."""

import time
from functools import wraps

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .middleware import SESSION_LOGIN_AT
from .roles import acts_as, is_admin


def role_required(*roles: str):
    """Let a view through only for signed-in users holding one of `roles`.

    Anonymous visitors are sent to sign in; signed-in users without the role get 403.
    Site administrators pass too: what they may do once in (never clinical sign-off, say)
    is each app's access module's to decide.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if acts_as(user, *roles):
                return view(request, *args, **kwargs)
            raise PermissionDenied

        wrapper.portal_roles = roles
        return wrapper

    return decorator


def admin_required(view):
    """Site administrators only: anonymous visitors are sent to sign in, everyone else gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_admin(request.user):
            return view(request, *args, **kwargs)
        raise PermissionDenied

    return wrapper


def recent_auth_required(view=None, *, allow_get: bool = False):
    """Ask a signed-in person to confirm who she is (password or MFA code) before a sensitive action.

    Wraps allauth's reauthentication: if she has not signed in or re-entered
    her password in the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (300),
    she is sent to confirm it and then brought back, her POST replayed. Use it
    on exports, erasure and anything that reveals contact details. Anonymous
    visitors are sent to sign in first.
    """

    def decorator(view_func):
        step_up = reauthentication_required(view_func, allow_get=allow_get)

        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            # Signing in is itself a recent authentication: allauth counts only
            # explicit re-authentications, which would ask again straight after sign-in.
            login_at = request.session.get(SESSION_LOGIN_AT)
            if login_at is not None and time.time() - login_at < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
                return view_func(request, *args, **kwargs)
            return step_up(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator(view) if view is not None else decorator
