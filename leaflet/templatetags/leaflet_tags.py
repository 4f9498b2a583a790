from django import template
from django.utils.safestring import mark_safe

from leaflet import rendering
from leaflet.models import LEAFLET_CITATION, LEAFLET_YEAR

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render Markdown to sanitised HTML (nh3 strips anything unsafe)."""
    return mark_safe(rendering.render(text))  # noqa: S308


@register.simple_tag
def leaflet_citation() -> str:
    return LEAFLET_CITATION


@register.simple_tag
def leaflet_year() -> int:
    return LEAFLET_YEAR
