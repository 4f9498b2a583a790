"""Builders for helpline tests. Personas come from tests/conftest.py."""

import pytest

from helpline import services
from helpline.models import Channel, Topic, Urgency


def make_enquiry(nurse, **overrides):
    """An enquiry as a nurse would log it, with a name and contact details so there is something to protect."""
    fields = {
        "channel": Channel.PHONE,
        "caller_type": "self",
        "topics": [Topic.PAIN],
        "urgency": Urgency.ROUTINE,
        "summary": "Broke two vertebrae three weeks after birth; asking about exercise.",
        "name": "Harriet Example",
        "email": "harriet@example.net",
        "phone": "07700 900123",
        "consent_email": True,
        "consent_phone": True,
        "safe_to_email": True,
        "safe_to_leave_message": False,
        "preferred_times": "Mornings, text first",
    }
    fields.update(overrides)
    return services.enquiry_log(by=nurse, **fields)


@pytest.fixture
def enquiry(nurse):
    return make_enquiry(nurse)


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client
