"""Reasons from the apps not to send an email, asked at the one place the outbox decides.

The portal imports no app, so an app that knows an email must not go (the helpline's
"do not email" flag on a woman) registers a veto from its `AppConfig.ready()`:

    outbox.register_veto("helpline", helpline_do_not_email_reason)

A veto is called as `veto(to=..., about_type=..., about_id=...)`, with the email's address
and the record it is about ("helpline.enquiry", "42"; empty strings when none), and returns
why the email must not go, or "" to let it. The outbox asks when an email is queued and again
just before it is sent, so a flag set in between still stops it; a vetoed email is recorded
as CANCELLED with the reason, so staff can see why it never went.
"""

from collections.abc import Callable

Veto = Callable[..., str]

_vetoes: dict[str, Veto] = {}


def register_veto(name: str, veto: Veto) -> None:
    """Register one app's veto; registering the same name again replaces it."""
    _vetoes[name] = veto


def veto_reason(*, to: str, about_type: str = "", about_id: str = "") -> str:
    """The first registered veto's reason not to send, or "" when none objects."""
    for veto in _vetoes.values():
        reason = veto(to=to, about_type=about_type, about_id=about_id)
        if reason:
            return reason
    return ""
