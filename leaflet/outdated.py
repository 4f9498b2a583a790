"""What may be out of date: every live passage that mentions a phone number, web
address, benefit or medicine, with the review state of the text it belongs to.

These are the details most likely to have changed since the 2008 leaflet (numbers
and web addresses move, benefits are renamed, medicines and doses are withdrawn or
advised differently), so clinicians work through them first. The terms are data:
add one here and it is found everywhere.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from . import rendering, selectors
from .models import CaseStudy, ExerciseGroup, ExerciseProgramme, Section


@dataclass(frozen=True)
class Topic:
    key: str
    label: str  # lazy: the language is the reader's
    pattern: re.Pattern


TOPICS = (
    Topic("phone", gettext_lazy("Phone numbers"), re.compile(r"\b0\d{2,4}(?: ?\d){6,8}\b")),
    Topic(
        "web",
        gettext_lazy("Web addresses"),
        re.compile(r"\bhttps?://[^\s)]+|\bwww\.[\w.-]*\w|\b[\w-]+\.(?:org|co|gov|nhs|ac)\.uk\b", re.IGNORECASE),
    ),
    Topic(
        "benefit",
        gettext_lazy("Benefits"),
        re.compile(
            r"\b(?:Benefits Agency|Disability Living Allowance|Incapacity Benefit|National Insurance"
            r"|maternity leave|benefits?)\b",
            re.IGNORECASE,
        ),
    ),
    Topic(
        "medicine",
        gettext_lazy("Medicines and doses"),
        re.compile(
            r"\b(?:calcitonin|calcitriol|strontium ranelate|etidronate|bisphosphonates?|raloxifene"
            r"|hormone replacement therapy|HRT|heparin|steroids?|painkillers?|vitamin D|supplements?)\b"
            r"|\b\d+ ?(?:mg|micrograms?|mcg)\b",
            re.IGNORECASE,
        ),
    ),
)
TOPIC_KEYS = {topic.key for topic in TOPICS}


class State:
    """How far the text a passage belongs to has been checked, worst first."""

    do_not_call_in_templates = True
    OVERDUE = 0
    UNREVIEWED = 1
    CURRENT = 2


@dataclass
class Passage:
    where: str
    url: str
    text: str
    state: int
    state_text: str
    manage_url: str = ""
    topics: list[str] = field(default_factory=list)
    # The text cut into (words, matched) pieces, so a template can mark the matches safely.
    pieces: list[tuple[str, bool]] = field(default_factory=list)


def _section_state(section: Section) -> tuple[int, str]:
    if section.review_overdue:
        return State.OVERDUE, gettext("Review overdue since %(day)s") % {
            "day": date_format(section.next_review_due, "j F Y")
        }
    if not section.reviewed_online:
        return State.UNREVIEWED, gettext("From the 2008 leaflet: never reviewed online")
    return State.CURRENT, gettext("Reviewed %(day)s") % {"day": date_format(section.last_reviewed, "j F Y")}


def _mark(passage: Passage) -> Passage | None:
    spans = []
    for topic in TOPICS:
        found = [m.span() for m in topic.pattern.finditer(passage.text)]
        if found:
            passage.topics.append(topic.key)
            spans += found
    if not spans:
        return None
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue  # overlaps a match already marked
        passage.pieces += [(passage.text[position:start], False), (passage.text[start:end], True)]
        position = end
    passage.pieces.append((passage.text[position:], False))
    return passage


def _candidates():
    for section in selectors.published_sections():
        state, state_text = _section_state(section)
        manage_url = reverse("leaflet:section-review", args=[section.pk])
        for part in rendering.passages(section.body):
            where = f"{section.title} › {part.heading}" if part.heading else section.title
            url = section.get_absolute_url() + (f"#{part.anchor}" if part.anchor else "")
            yield Passage(where, url, part.text, state, state_text, manage_url)

    unsigned = gettext("No clinical sign-off recorded (edited in the admin)")
    for story in CaseStudy.objects.all():
        text = rendering.plain_text(story.body)
        yield Passage(
            gettext("Women’s stories › %(name)s") % {"name": story.name},
            story.get_absolute_url(),
            text,
            State.UNREVIEWED,
            unsigned,
        )
    programme_url = reverse("leaflet:exercise-programme")
    for programme in ExerciseProgramme.objects.all():
        for label, text in (
            (gettext("Safety notes"), programme.safety_notes),
            (gettext("Repetitions"), programme.repetition_guidance),
        ):
            yield Passage(
                gettext("Exercises › %(name)s") % {"name": label},
                programme_url,
                rendering.plain_text(text),
                State.UNREVIEWED,
                unsigned,
            )
    for group in ExerciseGroup.objects.all():
        text = rendering.plain_text(" ".join([group.intro, group.callout, group.closing]))
        yield Passage(
            gettext("Exercises › %(name)s") % {"name": group.name}, programme_url, text, State.UNREVIEWED, unsigned
        )

    contacts_url = reverse("leaflet:contacts-check")
    for organisation in selectors.organisations():
        if organisation.details_checked:
            state, state_text = (
                State.CURRENT,
                gettext("Details checked %(day)s") % {"day": date_format(organisation.details_checked_on, "j F Y")},
            )
        else:
            state, state_text = State.UNREVIEWED, gettext("Details from the 2008 leaflet: never checked")
        details = " ".join(
            value for value in (organisation.phone, organisation.website, organisation.description) if value
        )
        yield Passage(
            gettext("Contacts › %(name)s") % {"name": organisation.name},
            organisation.get_absolute_url(),
            rendering.plain_text(details),
            state,
            state_text,
            f"{contacts_url}#{organisation.slug}",
        )


def passages_to_check(topic: str = "") -> list[Passage]:
    """Every live passage mentioning one of `TOPICS` (or only `topic`), worst review state first."""
    found = [p for p in map(_mark, _candidates()) if p is not None and (not topic or topic in p.topics)]
    return sorted(found, key=lambda p: p.state)  # stable: leaflet order within a state
