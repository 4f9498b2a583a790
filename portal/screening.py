"""Screen a text for safety: the helpline's triage, offered to apps that may not import the helpline.

The helpline owns the safety triage (levels, advice, alerting the nurses on duty).
Peer support needs it for every message the two women write, but sits on the same
floor as the helpline and never imports it. So the helpline registers, from its
`AppConfig.ready()`, three callables here, the way apps register their personal
data exporters:

    screening.register(screen=..., advice=..., alert=...)

- `screen(text)` returns a `Screening` (stores nothing);
- `advice(slugs, level)` returns the advice blocks to show the writer, as clinical staff
  last approved them, each with `key`, `slug`, `title` and `paragraphs` (the shape the
  template `helpline/includes/safety_advice.html` renders);
- `alert(level_label, path)` tells the nurses on duty (everyone, if nobody is) that
  something at that level needs them at `path`: the level and a link, no words of hers.

Nothing registered is a deployment error, not a reason to let a message through
unscreened, so every call raises `ImproperlyConfigured` until the helpline has registered.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Screening:
    level: str  # "emergency", "crisis", "urgent", "routine"
    label: str  # for people: "Emergency"
    is_alarm: bool  # the nurses on duty must be told at once
    advice: tuple[str, ...] = ()  # slugs of the advice to show the writer, most pressing first
    reasons: tuple[str, ...] = ()  # for nurses: what triggered it
    email_unsafe: bool = False  # someone else may read her email: email her nothing


@dataclass(frozen=True)
class _Screener:
    screen: Callable[[str], Screening]
    advice: Callable[[Sequence[str], str], list]
    alert: Callable[[str, str], None]


_screener: _Screener | None = None

NOT_REGISTERED = "No safety screener is registered: the helpline app must be installed and ready."


def register(
    *,
    screen: Callable[[str], Screening],
    advice: Callable[[Sequence[str], str], list],
    alert: Callable[[str, str], None],
) -> None:
    global _screener
    _screener = _Screener(screen=screen, advice=advice, alert=alert)


def _registered() -> _Screener:
    if _screener is None:
        raise ImproperlyConfigured(NOT_REGISTERED)
    return _screener


def screen(text: str) -> Screening:
    return _registered().screen(text)


def advice(slugs: Sequence[str], level: str) -> list:
    return _registered().advice(slugs, level)


def alert_nurses(*, level_label: str, path: str) -> None:
    """Call inside the transaction that saves what raised the alarm: the emails go through the outbox."""
    _registered().alert(level_label, path)
