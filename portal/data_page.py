"""Her data export, in words a person reads: what the "Your data" page shows.

The download (`personal_data_export` as JSON) is for other software and keeps
everything exactly, timestamps in ISO 8601, the internet address and the full
browser string of each sign-in. The page shows the same data for a person:
dates and times in words, in the portal's time zone; "Firefox on a computer"
rather than a browser string; no internet addresses (the download has them, and
the page says so); labels and recorded actions in words.
"""

import datetime as dt
import re

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .roles import Role

# Keys whose values only software needs: left out of the page, kept in the download.
LEFT_OUT = frozenset({"ip", "ip_address", "format"})
BROWSER_KEYS = frozenset({"browser", "user_agent"})
ACTION_KEYS = frozenset({"action"})

# Every key of the export has a label here; a key without one is shown as it is spelled,
# in English (the pseudo-locale crawl, tests/i18n, finds those).
LABELS = {
    "account": gettext_lazy("Account"),
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "roles": gettext_lazy("Roles"),
    "email_addresses": gettext_lazy("Email addresses"),
    "verified": gettext_lazy("Verified"),
    "primary": gettext_lazy("Primary"),
    "subject": gettext_lazy("Subject"),
    "status": gettext_lazy("Status"),
    "received": gettext_lazy("Received"),
    "kind": gettext_lazy("Kind"),
    "emails": gettext_lazy("Emails"),
    "emails_sent_to_you": gettext_lazy("Emails sent to you"),
    "emails_from_you": gettext_lazy("Emails from you"),
    "activity": gettext_lazy("Activity"),
    "action": gettext_lazy("Action"),
    "browser": gettext_lazy("Browser"),
    "send_after": gettext_lazy("Sent, or due to be sent"),
    "date_joined": gettext_lazy("Joined"),
    "last_login": gettext_lazy("Last signed in"),
    "at": gettext_lazy("When"),
    "two_factor_methods": gettext_lazy("Two-step sign-in methods"),
    "sessions": gettext_lazy("Where you signed in"),
    "started": gettext_lazy("Signed in"),
    "helpline": gettext_lazy("Helpline"),
    "enquiries": gettext_lazy("Enquiries"),
    "peers": gettext_lazy("Peer support"),
    "requests": gettext_lazy("Requests"),
    "volunteer_profile": gettext_lazy("Volunteer profile"),
}
# What recorded actions say, in words; others are spelled out from their name.
ACTIONS = {
    "auth.login": gettext_lazy("Signed in"),
    "auth.logout": gettext_lazy("Signed out"),
    "auth.login_failed": gettext_lazy("Sign-in failed"),
    "data.exported": gettext_lazy("Looked at your data"),
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_PHONE = re.compile(r"iPhone|Android.+Mobile|Mobile|Mobi|Windows Phone", re.IGNORECASE)
_TABLET = re.compile(r"iPad|Tablet|Android", re.IGNORECASE)
# Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)


def label(key) -> str:
    key = str(key)
    return str(LABELS[key]) if key in LABELS else key.replace("_", " ").capitalize()


def when(value: dt.datetime | dt.date) -> str:
    """ "8 December 2026 at 14:05" (UK time), or "8 December 2026" for a date."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return _("%(date)s at %(time)s") % {"date": date_format(value, "j F Y"), "time": date_format(value, "H:i")}
    return date_format(value, "j F Y")


def browser_in_words(user_agent: str) -> str:
    """ "Firefox on a computer", "a phone browser": what kind of device, not the browser's full string."""
    if not user_agent:
        return _("(not known)")
    kind = "phone" if _PHONE.search(user_agent) else "tablet" if _TABLET.search(user_agent) else "computer"
    for marker, name in _BROWSERS:
        if marker in user_agent:
            return {
                "phone": _("%(browser)s on a phone"),
                "tablet": _("%(browser)s on a tablet"),
                "computer": _("%(browser)s on a computer"),
            }[kind] % {"browser": name}
    return {"phone": _("a phone browser"), "tablet": _("a tablet browser"), "computer": _("a computer browser")}[kind]


def action_in_words(action: str) -> str:
    """ "enquiry.email_received" becomes "Enquiry: email received"."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    subject, _dot, verb = str(action).partition(".")
    words = f"{subject}: {verb}" if verb else subject
    return words.replace("_", " ").capitalize()


def _parsed(text: str) -> dt.datetime | dt.date | None:
    if not _ISO.match(text):
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def as_tree(value, key: str = "") -> dict:
    """Shape export data for the template (which cannot tell a dict from a list), in words."""
    if isinstance(value, dict):
        items = [(label(k), as_tree(v, str(k))) for k, v in value.items() if str(k) not in LEFT_OUT]
        return {"kind": "map", "items": items}
    if isinstance(value, list | tuple):
        return {"kind": "list", "items": [as_tree(v, key) for v in value]}
    if value is None or value == "":
        return {"kind": "text", "text": _("(none)")}
    if isinstance(value, bool):
        return {"kind": "text", "text": _("yes") if value else _("no")}
    if key == "roles" and value in Role.values:
        return {"kind": "text", "text": str(Role(value).label)}
    if isinstance(value, dt.date):
        return {"kind": "text", "text": when(value)}
    if key in BROWSER_KEYS:
        return {"kind": "text", "text": browser_in_words(str(value))}
    if key in ACTION_KEYS:
        return {"kind": "text", "text": action_in_words(str(value))}
    if isinstance(value, str) and (moment := _parsed(value)) is not None:
        return {"kind": "text", "text": when(moment)}
    return {"kind": "text", "text": str(value)}


def readable_sections(data: dict) -> list[tuple[str, dict]]:
    """The page's sections, one per app, from `personal_data_export`'s dict."""
    return [(label(name), as_tree(value)) for name, value in data.items() if name not in LEFT_OUT]
