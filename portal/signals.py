"""Audit receivers for authentication events.

Sign-ins, MFA and email changes happen inside Django and allauth, which
announce them only through signals, so this is the one place the portal uses
receivers. Each writes one audit row with ids and codes only: never the email
address typed, a password or a code.
"""

from allauth.account import signals as account_signals
from allauth.core import context as allauth_context
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed

from .audit import audit_record
from .middleware import session_start


def _current_request():
    # allauth's middleware keeps the request in a context variable; outside a
    # request (shell, tasks) there is none and the audit row has no IP.
    return allauth_context.request if hasattr(allauth_context, "request") else None


def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request)
    audit_record(action="auth.login", actor=user, target=user, request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, target=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Name the account only by id, and only if one exists; the typed address is not kept.
    login = credentials.get("email") or credentials.get("username") or ""
    target = get_user_model().objects.filter(email__iexact=str(login)[:254]).first() if login else None
    audit_record(action="auth.login_failed", target=target, request=request)


def on_mfa_failed(sender, request, user, **kwargs):
    audit_record(action="mfa.code_failed", actor=user, target=user, request=request)


def _authenticator_event(action):
    def receiver(sender, request, user, authenticator, **kwargs):
        audit_record(action=action, actor=user, target=user, request=request, type=authenticator.type)

    return receiver


def _account_event(action):
    def receiver(sender, request, user, **kwargs):
        audit_record(action=action, actor=user, target=user, request=request)

    return receiver


def on_email_confirmed(sender, request, email_address, **kwargs):
    audit_record(action="email.confirmed", target=email_address.user, request=request)


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear") or reverse:
        return
    if action == "pre_clear":
        pk_set = set(instance.groups.values_list("pk", flat=True))
    if not pk_set:
        return
    roles = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    request = _current_request()
    audit_record(
        action="role.granted" if action == "post_add" else "role.revoked",
        actor=request.user if request is not None and request.user.is_authenticated else None,
        target=instance,
        request=request,
        roles=roles,
    )


_added = _authenticator_event("mfa.added")
_removed = _authenticator_event("mfa.removed")
_reset = _authenticator_event("mfa.reset")
_email_changed = _account_event("email.changed")
_email_added = _account_event("email.added")
_email_removed = _account_event("email.removed")
_password_changed = _account_event("password.changed")
_password_reset = _account_event("password.reset")
_signed_up = _account_event("account.signed_up")


def connect() -> None:
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid="portal-audit-login")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid="portal-audit-logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="portal-audit-login-failed")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="portal-audit-mfa-failed")
    mfa_signals.authenticator_added.connect(_added, dispatch_uid="portal-audit-mfa-added")
    mfa_signals.authenticator_removed.connect(_removed, dispatch_uid="portal-audit-mfa-removed")
    mfa_signals.authenticator_reset.connect(_reset, dispatch_uid="portal-audit-mfa-reset")
    account_signals.email_changed.connect(_email_changed, dispatch_uid="portal-audit-email-changed")
    account_signals.email_added.connect(_email_added, dispatch_uid="portal-audit-email-added")
    account_signals.email_removed.connect(_email_removed, dispatch_uid="portal-audit-email-removed")
    account_signals.email_confirmed.connect(on_email_confirmed, dispatch_uid="portal-audit-email-confirmed")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="portal-audit-password-changed")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="portal-audit-password-reset")
    account_signals.user_signed_up.connect(_signed_up, dispatch_uid="portal-audit-signed-up")
    m2m_changed.connect(
        on_groups_changed, sender=get_user_model().groups.through, dispatch_uid="portal-audit-role-changed"
    )
