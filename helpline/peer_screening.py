"""The helpline's safety triage, offered to peer support through `portal.screening`.

Registered from `HelplineConfig.ready()`. Peer support screens every message the two
women write with the same `triage()` the "Ask a nurse" form uses; the writer is shown
the same advice (`advice_shown`), and an alarm reaches the same people an alarming
enquiry does: the nurses on the rota now, or every nurse and admin when nobody is on
duty (as `services._alert_raise` does). The alert email carries the level and a link.
"""

from collections.abc import Sequence

from portal import screening
from portal.models import OutboundEmail
from portal.outbox import email_queue

from .models import Urgency
from .selectors import nurses_to_alert
from .triage import advice_shown, triage


def screen(text: str) -> screening.Screening:
    found = triage(text)
    return screening.Screening(
        level=Urgency(found.level).name.lower(),
        label=found.label,
        is_alarm=found.is_alarm,
        advice=found.advice,
        reasons=found.reasons,
        email_unsafe=found.email_unsafe,
    )


def advice(slugs: Sequence[str], level: str) -> list[dict]:
    rank = Urgency[level.upper()] if level.upper() in Urgency.names else Urgency.ROUTINE
    return [
        {"key": a.key, "slug": a.slug, "title": a.title, "paragraphs": list(a.paragraphs)}
        for a in advice_shown(tuple(slugs), level=rank)
    ]


def alert(level_label: str, path: str) -> None:
    recipients, everyone = nurses_to_alert()
    for user in recipients:
        email_queue(
            to=user.email,
            template="helpline/email/peer_message_alert",
            context={"level": level_label, "path": path, "everyone": everyone},
            kind=OutboundEmail.Kind.TRANSACTIONAL,
        )


def register() -> None:
    screening.register(screen=screen, advice=advice, alert=alert)
