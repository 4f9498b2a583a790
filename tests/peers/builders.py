"""Small builders for peer-support rows. Personas come from tests/conftest.py."""

from datetime import timedelta

from django.utils import timezone

from peers.models import PeerRequest, VolunteerProfile
from portal.roles import Role
from tests.conftest import make_user

_counter = iter(range(1, 1_000_000))


def make_volunteer(user=None, **fields) -> VolunteerProfile:
    """An approved volunteer with a briefing in date and one free place, unless told otherwise."""
    if user is None:
        n = next(_counter)
        user = make_user(f"vol{n}@example.org", role=Role.VOLUNTEER, first_name=f"Vol{n}")
    today = timezone.localdate()
    values = {
        "first_name": user.first_name or "Val",
        "contact_email": user.email,
        "status": VolunteerProfile.Status.APPROVED,
        "capacity": 1,
        "briefing_completed_on": today - timedelta(days=10),
        "briefing_expires_on": today + timedelta(days=365),
        **fields,
    }
    return VolunteerProfile.objects.create(user=user, **values)


def make_request(mother=None, **fields) -> PeerRequest:
    values = {
        "first_name": mother.first_name if mother else "Carol",
        "contact_email": mother.email if mother else "carol@example.org",
        "consent_nurses_read": True,
        "consent_share_details": True,
        **fields,
    }
    return PeerRequest.objects.create(mother=mother, **values)
