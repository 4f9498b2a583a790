"""What a safety alert email says: why the enquiry was flagged, and which of three moments this is.

A safety alert is raised for an emergency or a crisis, for words suggesting a
safeguarding concern, or for a message not in English (helpline.triage's
`Triage.is_alarm`). Its email goes to a staff inbox, so it says why in general
words only (never her words, her name or the language she wrote in) and links to
the enquiry, where a signed-in nurse reads the rest.

The three moments each have their own words: the first alert to the nurses on
duty; the first alert to every nurse and admin because nobody is on duty; and the
reminder to everyone when nobody has claimed it in time (the escalation).
"""

from datetime import datetime

from django.db import models

from .models import SafetyAlert, Urgency
from .triage import ALARM_LEVELS


class Moment(models.TextChoices):
    ON_DUTY = "on_duty", "first alert, to the nurses on duty"
    NOBODY_ON_DUTY = "nobody_on_duty", "first alert, to everyone as nobody is on duty"
    ESCALATION = "escalation", "not claimed in time, to everyone"


# (what it is, for the subject; why, for the body): general words, nothing of hers.
_LEVEL_WORDS = {
    Urgency.EMERGENCY: ("Emergency enquiry", "The safety triage marked it Emergency."),
    Urgency.CRISIS: ("Crisis enquiry", "The safety triage marked it Crisis."),
}
SAFEGUARDING_WORDS = (
    "Safeguarding concern",
    "The safety triage found words that may point to a safeguarding concern.",
)
OTHER_LANGUAGE_WORDS = (
    "Enquiry not in English",
    "It is not written in English, so the safety triage could not read it: a nurse needs to.",
)


def _reasons(alert: SafetyAlert) -> list[tuple[str, str]]:
    reasons = []
    if alert.level in ALARM_LEVELS:
        reasons.append(_LEVEL_WORDS[alert.level])
    if alert.safeguarding:
        reasons.append(SAFEGUARDING_WORDS)
    if alert.other_language:
        reasons.append(OTHER_LANGUAGE_WORDS)
    # An alert always has a reason; an old row without one still says its level.
    return reasons or [(f"{alert.get_level_display()} enquiry", f"It was marked {alert.get_level_display()}.")]


def _joined(names: list[str]) -> str:
    first, *rest = names
    return ", ".join([str(first), *(str(name)[0].lower() + str(name)[1:] for name in rest)])


def alert_words(alert: SafetyAlert, *, moment: str, minutes: int, now: datetime, advised: bool) -> dict:
    """The subject and paragraphs of one alert email (`advised`: she was shown the advice for it)."""
    reasons = _reasons(alert)
    what = _joined([name for name, _ in reasons])
    why = [sentence for _, sentence in reasons]
    if moment == Moment.ESCALATION:
        waited = max(int((now - alert.raised_at).total_seconds() // 60), 0)
        subject = f"Still unclaimed after {waited} minutes: {what} on the helpline"
        lead = f"An enquiry arrived {waited} minutes ago and nobody has claimed it yet."
        ask = "Please check it now, or make sure another nurse has."
        after = ""
    elif moment == Moment.NOBODY_ON_DUTY:
        subject = f"{what} on the helpline, nobody on duty: please claim it"
        lead = "An enquiry has just arrived and nobody is on duty, so every nurse and admin is told at once."
        ask = "Please open it and claim it, or make sure another nurse has."
        after = ""
    else:
        subject = f"{what} on the helpline: please claim it"
        lead = "An enquiry has just arrived while you are on duty."
        ask = "Please open it and claim it."
        after = f"If nobody claims it within {minutes} minutes, every nurse and admin is told."
    if advised and moment != Moment.ESCALATION:
        why.append("She has been shown the advice for it.")
    return {"subject": subject, "paragraphs": [lead, *why, ask], "after": after}
