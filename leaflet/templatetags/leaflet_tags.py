from django import template
from django.utils.safestring import mark_safe

from leaflet import rendering

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render Markdown to sanitised HTML (nh3 strips anything unsafe)."""
    return mark_safe(rendering.render(text))  # noqa: S308
