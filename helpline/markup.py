"""Escaping for the few pieces of HTML the helpline writes in Python rather than in templates.

The queue's table rows and filter options are written in Python because, through
the template language, they were most of the page's cost. Everything written with
these helpers escapes every value it is given, as templates do.
"""

import html

from django.utils.safestring import SafeString, mark_safe


def escape(value) -> str:
    """Django's conditional_escape without its lazy-string wrapper, which costs more than the escaping."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def html_attrs(attrs: dict) -> SafeString:
    """Attributes as Django's widget templates write them: in order, True as the bare name, False left out."""
    if not attrs:
        return mark_safe("")
    return mark_safe(  # noqa: S308 (names and values escaped)
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )
