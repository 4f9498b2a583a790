"""Builders for helpline tests. Personas come from tests/conftest.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpline import services
from helpline.models import Channel, DutyShift, Topic, Urgency


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


def sent_feedback_token(enquiry) -> str:
    """The signed link token of a feedback email sent about this enquiry (helpline.closure_feedback)."""
    from django.core import signing

    from helpline import closure_feedback
    from helpline.models import EnquiryFeedback

    feedback = EnquiryFeedback.objects.create(enquiry=enquiry, sent_at=timezone.now())
    token = signing.dumps({"f": feedback.pk}, salt=closure_feedback.LINK_SALT, compress=True)
    EnquiryFeedback.objects.filter(pk=feedback.pk).update(token_hash=closure_feedback._hash(token))
    return token


def ask_data(**overrides):
    """What she types into "Ask a nurse", as POST data; an override of None leaves that field out."""
    data = {
        "name": "Priya",
        "email": "priya@example.net",
        "phone": "",
        "preferred_times": "Evenings",
        "topics": ["breastfeeding", "drug_treatments"],
        "question": "Can I take alendronate while breastfeeding?",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def enquiry(nurse):
    return make_enquiry(nurse)


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@pytest.fixture
def on_duty(nurse):
    now = timezone.now()
    DutyShift.objects.create(nurse=nurse, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7))
    return nurse
