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
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import SafetyAlert, Urgency
from .triage import ALARM_LEVELS


class Moment(models.TextChoices):
    ON_DUTY = "on_duty", "first alert, to the nurses on duty"
    NOBODY_ON_DUTY = "nobody_on_duty", "first alert, to everyone as nobody is on duty"
    ESCALATION = "escalation", "not claimed in time, to everyone"


# (what it is, for the subject; why, for the body): general words, nothing of hers.
_LEVEL_WORDS = {
    Urgency.EMERGENCY: (_("Emergency enquiry"), _("The safety triage marked it Emergency.")),
    Urgency.CRISIS: (_("Crisis enquiry"), _("The safety triage marked it Crisis.")),
}
SAFEGUARDING_WORDS = (
    _("Safeguarding concern"),
    _("The safety triage found words that may point to a safeguarding concern."),
)
OTHER_LANGUAGE_WORDS = (
    _("Enquiry not in English"),
    _("It is not written in English, so the safety triage could not read it: a nurse needs to."),
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
    level = alert.get_level_display()
    return reasons or [
        (gettext("%(level)s enquiry") % {"level": level}, gettext("It was marked %(level)s.") % {"level": level})
    ]


def _joined(names: list[str]) -> str:
    first, *rest = names
    return ", ".join([str(first), *(str(name)[0].lower() + str(name)[1:] for name in rest)])


def alert_words(alert: SafetyAlert, *, moment: str, minutes: int, now: datetime, advised: bool) -> dict:
    """The subject and paragraphs of one alert email (`advised`: she was shown the advice for it)."""
    reasons = _reasons(alert)
    what = _joined([name for name, _ in reasons])
    why = [str(sentence) for _, sentence in reasons]
    if moment == Moment.ESCALATION:
        waited = max(int((now - alert.raised_at).total_seconds() // 60), 0)
        subject = ngettext(
            "Still unclaimed after %(waited)s minutes: %(what)s on the helpline",
            "Still unclaimed after %(waited)s minutes: %(what)s on the helpline",
            waited,
        ) % {"waited": waited, "what": what}
        lead = ngettext(
            "An enquiry arrived %(waited)s minutes ago and nobody has claimed it yet.",
            "An enquiry arrived %(waited)s minutes ago and nobody has claimed it yet.",
            waited,
        ) % {"waited": waited}
        ask = gettext("Please check it now, or make sure another nurse has.")
        after = ""
    elif moment == Moment.NOBODY_ON_DUTY:
        subject = gettext("%(what)s on the helpline, nobody on duty: please claim it") % {"what": what}
        lead = gettext("An enquiry has just arrived and nobody is on duty, so every nurse and admin is told at once.")
        ask = gettext("Please open it and claim it, or make sure another nurse has.")
        after = ""
    else:
        subject = gettext("%(what)s on the helpline: please claim it") % {"what": what}
        lead = gettext("An enquiry has just arrived while you are on duty.")
        ask = gettext("Please open it and claim it.")
        after = ngettext(
            "If nobody claims it within %(minutes)s minutes, every nurse and admin is told.",
            "If nobody claims it within %(minutes)s minutes, every nurse and admin is told.",
            minutes,
        ) % {"minutes": minutes}
    if advised and moment != Moment.ESCALATION:
        why.append(gettext("She has been shown the advice for it."))
    return {"subject": subject, "paragraphs": [lead, *why, ask], "after": after}
