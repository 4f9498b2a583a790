"""Writing a reply to her: starting points from templates, links to the guidance, and the email's words.

Reads and pure text only; `services.enquiry_reply_send` records and queues what
these produce, and the preview shows the very same rendering.
"""

from django.conf import settings
from django.urls import reverse

from portal.models import OutboundEmail
from portal.outbox import email_render
from portal.roles import Role, has_role

from .models import Enquiry, FollowUpTemplate

REPLY_TEMPLATE = "helpline/email/reply"
DEFAULT_SUBJECT = "Your question to the helpline"
# What a template may say, in the words the template editor shows nurses.
PLACEHOLDERS = {
    "{first_name}": "her first name",
    "{reference}": "the enquiry's reference",
    "{nurse_first_name}": "your first name",
}


def first_name(full_name: str) -> str:
    return (full_name.split() or [""])[0]


def fill_placeholders(text: str, *, enquiry: Enquiry, nurse) -> str:
    # Plain replacement of the known names only: a stray brace in a template is left as typed.
    values = {
        "{first_name}": first_name(enquiry.name) or "there",
        "{reference}": enquiry.reference,
        "{nurse_first_name}": nurse.first_name or "the helpline nurse",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def starting_point(template: FollowUpTemplate, *, enquiry: Enquiry, nurse, typed: dict | None = None) -> dict:
    """What a template puts in the reply box: a greeting, its text with placeholders filled, and its links.

    What the nurse had already `typed` (subject, body, links) is kept: the template's
    text goes below hers rather than over it.
    """
    typed = typed or {}
    text = fill_placeholders(template.body, enquiry=enquiry, nurse=nurse).strip()
    if typed.get("body", "").strip():
        body = typed["body"].rstrip() + "\n\n" + text
    else:
        name = first_name(enquiry.name)
        body = (f"Dear {name}," if name else "Hello,") + "\n\n" + text
    links = [f"section:{slug}" for slug in template.section_slugs] + [
        f"organisation:{slug}" for slug in template.organisation_slugs
    ]
    return {
        "subject": typed.get("subject", "").strip()
        or fill_placeholders(template.subject, enquiry=enquiry, nurse=nurse),
        "body": body,
        "links": list(dict.fromkeys([*typed.get("links", []), *links])),
    }


def link_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The guidance a nurse may link, grouped for the picker: (group, [(key, title)])."""
    from leaflet.selectors import organisations, published_questions, published_sections

    return [
        ("Guidance sections", [(f"section:{s.slug}", s.title) for s in published_sections()]),
        (
            "Questions the guidance answers",
            [(f"question:{q.section.slug}#{q.anchor}", q.title) for q in published_questions()],
        ),
        ("Organisations", [(f"organisation:{o.slug}", o.name) for o in organisations()]),
    ]


def links_for(keys: list[str]) -> list[dict]:
    """Titles and absolute URLs for link keys, in the order given; anything no longer published drops out."""
    from leaflet.selectors import organisations, published_questions, published_sections

    wanted: dict[str, set[str]] = {"section": set(), "question": set(), "organisation": set()}
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind in wanted:
            wanted[kind].add(ident)
    found: dict[str, dict] = {}
    for section in published_sections().filter(slug__in=wanted["section"]):
        found[f"section:{section.slug}"] = _link(section.title, settings.SITE_URL + section.get_absolute_url())
    if wanted["question"]:
        slugs = {ident.partition("#")[0] for ident in wanted["question"]}
        for question in published_questions().filter(section__slug__in=slugs):
            key = f"question:{question.section.slug}#{question.anchor}"
            found[key] = _link(question.title, settings.SITE_URL + question.get_absolute_url())
    for org in organisations().filter(slug__in=wanted["organisation"]):
        # An organisation's own website where it has one; else its entry in the guidance.
        found[f"organisation:{org.slug}"] = _link(
            org.name, org.website or settings.SITE_URL + org.get_absolute_url(), note=org.phone
        )
    return [found[key] for key in dict.fromkeys(keys) if key in found]


def _link(title: str, url: str, note: str = "") -> dict:
    return {"title": title, "url": url, "note": note}


def nurse_role(user) -> str:
    return Role.NURSE.label if has_role(user, Role.NURSE) else "Helpline team"


def full_subject(subject: str, reference: str) -> str:
    """Her reference always travels in the subject, so a reply from any mail program can be matched."""
    subject = " ".join(subject.split()) or DEFAULT_SUBJECT
    return subject if reference in subject else f"{subject} ({reference})"


def text_with_links(body: str, links: list[dict]) -> str:
    """The reply as the timeline and her account keep it: her words, then the links as titles and addresses."""
    body = body.strip()
    if not links:
        return body
    lines = [f"- {link['title']}: {link['url']}" for link in links]
    return body + "\n\nLinks:\n" + "\n".join(lines)


def render_email(*, enquiry: Enquiry, nurse, subject: str, body: str, links: list[dict]) -> dict[str, str]:
    """The reply email exactly as the outbox will record it: subject, plain text and HTML."""
    account_url = (
        settings.SITE_URL + reverse("helpline:my-enquiry", args=[enquiry.pk]) if enquiry.user_id is not None else ""
    )
    return email_render(
        to=enquiry.email,
        template=REPLY_TEMPLATE,
        kind=OutboundEmail.Kind.REPLY,
        language=enquiry.interface_language,
        context={
            "subject": full_subject(subject, enquiry.reference),
            "body": body.strip(),
            "links": links,
            "reference": enquiry.reference,
            "nurse_first_name": nurse.first_name or "A nurse",
            "nurse_role": nurse_role(nurse),
            "account_url": account_url,
        },
    )
