"""The site's own health statements (the footer, the urgent advice beside a message box), as shipped.

They are clinical texts (`ClinicalText`): seeded by a migration, changed only through a draft
that a second nurse approves, and shown through `selectors.health_statements`, which falls
back to the wording below until a text is live. Each names the nhs.uk pages it follows.
"""

from dataclasses import dataclass

NHS_WHEN_TO_USE_111 = "https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-use-111/"
NHS_WHEN_TO_CALL_999 = "https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/"
NHS_BACK_PAIN = "https://www.nhs.uk/conditions/back-pain/"
NHS_CAUDA_EQUINA = "https://www.nhs.uk/conditions/cauda-equina-syndrome/"


@dataclass(frozen=True)
class Statement:
    slug: str
    purpose: str  # where it is shown, for the nurses who review it
    title: str  # the reviewers' name for it; the pages show only the body
    body: str
    sources: tuple[str, ...]


SITE_STATEMENTS: dict[str, Statement] = {
    s.slug: s
    for s in (
        Statement(
            slug="footer-general-information",
            purpose="in the footer of every page",
            title="Footer: general information, not a replacement for your own care",
            body="It gives general information. It does not replace advice from your own doctor, midwife or health visitor.",
            sources=(),
        ),
        Statement(
            slug="footer-urgent-advice",
            purpose="in the footer of every page",
            title="Footer: sudden severe pain and emergencies",
            body="If you have sudden, severe pain, contact your GP or call NHS 111 straight away. In an emergency call 999.",
            sources=(NHS_WHEN_TO_USE_111, NHS_WHEN_TO_CALL_999),
        ),
        Statement(
            slug="messages-urgent-advice",
            purpose="below the message box on a mother's enquiry page, after \u201cMessages here are not for emergencies.\u201d",
            title="Enquiry messages: when not to wait for a reply",
            body=(
                "If you have sudden severe back pain, cannot move or feel your legs, have lost control of your "
                "bladder or bowel, have chest pain, or a fever with pain, contact your GP or call NHS 111 now. "
                "In an emergency call 999."
            ),
            sources=(NHS_BACK_PAIN, NHS_CAUDA_EQUINA, NHS_WHEN_TO_USE_111, NHS_WHEN_TO_CALL_999),
        ),
    )
}
