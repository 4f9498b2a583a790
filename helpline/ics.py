"""The calendar file sent with a callback booking (RFC 5545, written by the `icalendar` library).

It says when the nurse will ring and the enquiry's reference, never her name, number
or question: a calendar is often shared or synced to other devices. The UID is the
booking's, so a moved call replaces the old entry in her calendar and a cancelled
one (METHOD:CANCEL) removes it.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

CONTENT_TYPE = "text/calendar"
FILENAME = "callback.ics"


def booking_uid(enquiry_id: int) -> str:
    # One UID per enquiry's callback, so moving it updates the entry rather than adding one.
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"callback-{enquiry_id}@{domain}"


def callback_ics(
    *, uid: str, starts_at: datetime, ends_at: datetime, reference: str, sequence: int = 0, cancelled: bool = False
) -> bytes:
    """One event, in UTC: "A call from the helpline nurse" with the reference; cancelled if `cancelled`."""
    charity = settings.CHARITY_NAME
    calendar = Calendar()
    calendar.add("prodid", f"-//{charity}//Helpline callbacks//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("summary", gettext("Call from the %(charity)s helpline nurse") % {"charity": charity})
    event.add(
        "description",
        gettext(
            "A helpline nurse will ring you about your question, reference %(reference)s. "
            "If you need to move or cancel the call, use the link in the email we sent."
        )
        % {"reference": reference},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
