"""`<time datetime="...">` values that are valid HTML.

HTML allows at most three digits of fractions of a second, so Django's `|date:"c"`
(which writes microseconds) is invalid whenever a time has them, as saved times do.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    """Local time to the second with its offset (2026-11-30T18:43:05+00:00), or a plain date."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""
