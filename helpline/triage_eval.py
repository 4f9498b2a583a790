"""How well the safety triage does on a labelled set of messages: sensitivity and false alarms per label.

The labels are what a nurse would give each message:

- ``emergency``: right when the triage gives EMERGENCY (999 or A&E);
- ``crisis``: right when she is shown crisis advice (Samaritans, or the postpartum psychosis
  advice) at EMERGENCY or CRISIS;
- ``urgent``: right when the triage gives URGENT or higher (escalating further is not a miss);
- ``safeguarding``: right when the triage finds words suggesting domestic abuse;
- ``other_language``: right when the triage names a language other than English;
- ``routine``: right when the message stays calm: ROUTINE, and no alert.

Sensitivity is right ÷ messages with that label. The false-alarm rate of a label is the
share of the calm (``routine``) messages that were given it: how often a question that
needed no alarm got this one. For ``routine`` itself, it is the share of calm messages not
kept calm (any alarm).

The file `manage.py triage_eval` reads is JSON Lines, one message a line::

    {"text": "my chest hurts and I can't breathe", "topics": ["other"], "expected": "emergency"}

``topics`` is optional (the helpline's topic codes). Blank lines and lines starting
with ``#`` are skipped.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Urgency
from .triage import ADVICE, PSYCHOSIS, Triage, triage

LABELS = ("emergency", "crisis", "urgent", "safeguarding", "other_language", "routine")
_CRISIS_ADVICE = frozenset({ADVICE[Urgency.CRISIS].slug, PSYCHOSIS})


def given(found: Triage, label: str) -> bool:
    """Whether the triage's result counts as `label` (see the module's docstring)."""
    if label == "emergency":
        return found.level == Urgency.EMERGENCY
    if label == "crisis":
        return found.level in (Urgency.EMERGENCY, Urgency.CRISIS) and bool(_CRISIS_ADVICE & set(found.advice))
    if label == "urgent":
        return found.level in (Urgency.EMERGENCY, Urgency.CRISIS, Urgency.URGENT)
    if label == "safeguarding":
        return found.safeguarding
    if label == "other_language":
        return bool(found.language)
    if label == "routine":
        return found.level == Urgency.ROUTINE and not found.is_alarm
    raise ValueError(f"unknown label {label!r}: use one of {', '.join(LABELS)}")


@dataclass
class LabelFigures:
    label: str
    messages: int = 0
    right: int = 0
    calm: int = 0  # calm (routine) messages
    false_alarms: int = 0  # of those, how many were given this label
    missed: list[str] = field(default_factory=list)

    @property
    def sensitivity(self) -> float:
        return self.right / self.messages if self.messages else 1.0

    @property
    def false_alarm_rate(self) -> float:
        if self.label == "routine":
            return 1 - self.sensitivity
        return self.false_alarms / self.calm if self.calm else 0.0


def evaluate(messages: Iterable[tuple[str, list[str], str]]) -> dict[str, LabelFigures]:
    """Per label, how the triage did on (text, topics, expected label) messages."""
    messages = list(messages)
    figures = {label: LabelFigures(label) for label in LABELS}
    for text, topics, expected in messages:
        if expected not in figures:
            raise ValueError(f"unknown label {expected!r}: use one of {', '.join(LABELS)}")
        found = triage(text, topics)
        for label, counts in figures.items():
            hit = given(found, label)
            if label == expected:
                counts.messages += 1
                counts.right += hit
                if not hit:
                    counts.missed.append(text)
            elif expected == "routine":
                counts.calm += 1
                counts.false_alarms += hit
    return figures


def read_labelled(lines: Iterable[str]) -> list[tuple[str, list[str], str]]:
    """Messages from a JSON Lines file (the format in the module's docstring); a ValueError names a bad line."""
    messages = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            row = json.loads(line)
            text, expected = row["text"], row["expected"]
            topics = list(row.get("topics", []))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: not a labelled message ({exc})") from exc
        if expected not in LABELS:
            raise ValueError(f"line {number}: unknown label {expected!r}: use one of {', '.join(LABELS)}")
        messages.append((text, topics, expected))
    return messages
