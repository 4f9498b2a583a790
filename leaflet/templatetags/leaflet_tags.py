from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from leaflet import rendering, selectors
from leaflet.models import LEAFLET_CITATION, LEAFLET_YEAR

register = template.Library()

# What happened in a revision (simple_history's `history_type`). simple_history's own words for
# these ship in no catalogue the portal's translators work on, so the portal says them itself.
HISTORY_TYPES = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


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


@register.simple_tag(takes_context=True)
def health_statement(context, slug: str) -> str:
    """One of the site's own health statements (leaflet.health_statements), read once per request."""
    request = context.get("request")
    statements = getattr(request, "_health_statements", None)
    if statements is None:
        statements = selectors.health_statements()
        if request is not None:
            request._health_statements = statements
    return statements[slug]


@register.filter
def history_type(revision) -> str:
    """What happened in a revision, in the reader's language."""
    return HISTORY_TYPES[revision.history_type]
