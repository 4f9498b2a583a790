"""What machines' answers to our emails about an enquiry put on its timeline (called by the inbound reader).

A bounce tells the nurse her address does not work, so she tries the phone; an
out-of-office reply tells her she may be away. Neither is her reply: the
enquiry's "reply received" state, its urgency and its status stay as they were,
and nothing is sent in answer.
"""

from portal.models import InboundEmail, OutboundEmail

from .models import Enquiry, EnquiryEvent
from .services import _record

BOUNCED_FOR_GOOD = "Her email address bounced: try phone."
BOUNCED_FOR_NOW = "An email to her could not be delivered for now; the outbox tries again."
OUT_OF_OFFICE = "An out-of-office reply came back: she may be away. It is not her reply and was not answered."


def enquiry_email_bounced(message: OutboundEmail, enquiry_id: str, *, permanent: bool, note: str) -> None:
    enquiry = Enquiry.objects.select_for_update().filter(pk=enquiry_id, anonymised_at__isnull=True).first()
    if enquiry is None:
        return
    headline = BOUNCED_FOR_GOOD if permanent else BOUNCED_FOR_NOW
    _record(enquiry, by=None, kind=EnquiryEvent.Kind.EMAIL_BOUNCED, text=f"{headline}\n{note}")


def enquiry_auto_reply_received(email: InboundEmail, enquiry_id: str) -> None:
    enquiry = Enquiry.objects.select_for_update().filter(pk=enquiry_id, anonymised_at__isnull=True).first()
    if enquiry is None:
        return
    _record(enquiry, by=None, kind=EnquiryEvent.Kind.AUTO_REPLY, text=OUT_OF_OFFICE, inbound=email)
