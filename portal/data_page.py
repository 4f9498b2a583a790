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

# Keys whose values only software needs: left out of the page, kept in the download.
LEFT_OUT = frozenset({"ip", "ip_address", "format"})
BROWSER_KEYS = frozenset({"browser", "user_agent"})
ACTION_KEYS = frozenset({"action"})

LABELS = {
    "send_after": "Sent, or due to be sent",
    "date_joined": "Joined",
    "last_login": "Last signed in",
    "at": "When",
    "two_factor_methods": "Two-step sign-in methods",
    "sessions": "Where you signed in",
    "started": "Signed in",
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
    return LABELS.get(key, key.replace("_", " ").capitalize())


def when(value: dt.datetime | dt.date) -> str:
    """ "8 December 2026 at 14:05" (UK time), or "8 December 2026" for a date."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "j F Y \\a\\t H:i")
    return date_format(value, "j F Y")


def browser_in_words(user_agent: str) -> str:
    """ "Firefox on a computer", "a phone browser": what kind of device, not the browser's full string."""
    if not user_agent:
        return "(not known)"
    device = "a phone" if _PHONE.search(user_agent) else "a tablet" if _TABLET.search(user_agent) else "a computer"
    for marker, name in _BROWSERS:
        if marker in user_agent:
            return f"{name} on {device}"
    return f"{device} browser"


def action_in_words(action: str) -> str:
    """ "enquiry.email_received" becomes "Enquiry: email received"."""
    subject, _, verb = str(action).partition(".")
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
        return {"kind": "text", "text": "(none)"}
    if isinstance(value, bool):
        return {"kind": "text", "text": "yes" if value else "no"}
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
