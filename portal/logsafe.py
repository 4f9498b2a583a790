"""Log lines that cannot be forged: control characters in messages are escaped.

A path or a value typed by a visitor can end up in a log message (Django logs
the path of every 404). Without escaping, a carriage return and line feed in it
would start a fake log line. Tracebacks, appended after the message, keep their
line breaks.
"""

import logging

_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"})


def escape_controls(text: str) -> str:
    return text.translate(_ESCAPES)


class EscapingFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return escape_controls(super().formatMessage(record))
