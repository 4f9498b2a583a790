"""The charity's identity, from settings, for pages (the context processor) and emails alike."""

from django.conf import settings

from . import hours


def charity_identity() -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "charity_name": settings.CHARITY_NAME,
        "charity_url": settings.CHARITY_URL,
        "charity_url_label": settings.CHARITY_URL.split("//", 1)[-1].rstrip("/"),
        "helpline_phone": settings.HELPLINE_PHONE,
        "helpline_hours": hours.describe(),
    }
