"""Loop protection: at most one acknowledgement a day to any one address, whatever arrives from it.

Automatic mail never reaches the helpline (the inbound reader keeps it), so this
is the second guard: a robot that slips past the first, or a person writing
ten times in an hour, gets one acknowledgement, not a reply to each message.
"""

from datetime import timedelta

from django.utils import timezone

from portal.models import OutboundEmail

ACKNOWLEDGEMENT = "helpline/email/ask_acknowledgement"
NOT_ACKNOWLEDGED = "No acknowledgement sent: this address had one in the last day."


def acknowledgement_due(address: str) -> bool:
    since = timezone.now() - timedelta(days=1)
    return not OutboundEmail.objects.filter(
        template=ACKNOWLEDGEMENT, to__iexact=address, created_at__gte=since
    ).exists()
