"""Escaping for the few pieces of HTML the helpline writes in Python rather than in templates.

The queue's table rows are written in Python because, through the template
language, they were most of the page's cost. Everything written with these
helpers escapes every value it is given, as templates do.
"""

import html


def escape(value) -> str:
    """Django's conditional_escape without its lazy-string wrapper, which costs more than the escaping."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
