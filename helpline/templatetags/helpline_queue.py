"""The triage queue's table rows, written out in Python.

Through the template language, fifty rows cost more than the rest of the page
put together (every value looked up through the context stack and escaped
through Django's lazy-string wrappers); one format string a row costs about a
seventh of that. The markup is what the template had; every value is escaped.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from helpline.markup import escape

register = template.Library()

ROW = """
    <tr>
      <td><a href="{url}">{reference}</a>{red_flag}{who}</td>
      <td><span class="tag tag--{urgency_key}">{urgency}</span></td>
      <td>{status}</td>
      <td>{topics}</td>
      <td>{channel}</td>
      <td><time datetime="{created_at}">{age}</time></td>
      <td>{callback}</td>
      <td>{nurse}</td>
    </tr>"""
RED_FLAG = mark_safe(' <span class="tag tag--urgent">Red flag</span>')
NOBODY = mark_safe('<span class="meta">Nobody yet</span>')
NO_CALLBACK = "\u2013"


def _callback(row) -> str:
    if row.overdue:
        return format_html('<strong class="overdue">Overdue</strong> since {}', row.callback_at)
    return row.callback_at or NO_CALLBACK


def _row(row) -> str:
    values = {
        "url": row.url,
        "reference": row.reference,
        "red_flag": RED_FLAG if row.red_flag else "",
        "urgency_key": row.urgency_key,
        "urgency": row.urgency,
        "status": row.status,
        "topics": row.topics,
        "channel": row.channel,
        "created_at": row.created_at,
        "age": row.age,
        "callback": _callback(row),
        "nurse": row.nurse or NOBODY,
        "who": format_html('<br><span class="queue-who">{}: \u201c{}\u201d</span>', row.who, row.question)
        if row.who
        else "",
    }
    return ROW.format_map({name: escape(value) for name, value in values.items()})


@register.simple_tag
def queue_rows(rows) -> str:
    """A <tr> for each QueueRow (see helpline.selectors.queue_rows), in order."""
    return mark_safe("".join(_row(row) for row in rows))  # noqa: S308 (every value is escaped by _row)
