"""Words and topics that suggest someone needs a doctor today, not a nurse's reply in a few days.

Deliberately cautious: a false alarm costs a nurse a quick look; a missed one
could cost a woman the use of her legs. Matching is on lower-cased text with
curly apostrophes straightened, so "can’t" and "can't" both match.
"""

import re

from .models import Topic

RED_FLAG_ADVICE = (
    "What you describe may need a doctor today. Please contact your GP or call NHS 111 now. "
    "In an emergency, call 999. Do not wait for our reply."
)

# (reason shown to nurses, pattern)
_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "sudden or severe back pain",
        r"\b(sudden|severe|agoni[sz]ing|excruciating|unbearable)\b[\w\s,]{0,20}\b(back|spine|spinal)\b",
    ),
    (
        "sudden or severe back pain",
        r"\b(back|spine|spinal)\b[\w\s,]{0,20}\b(sudden|severe|agoni[sz]ing|excruciating|unbearable)\b",
    ),
    (
        "weakness or numbness in the legs",
        r"\b(can't|cannot|can not|unable to|couldn't)\s+(move|feel|lift|stand on)\b[\w\s]{0,15}\b(legs?|feet|foot)\b",
    ),
    (
        "weakness or numbness in the legs",
        r"\b(numb|numbness|tingling|weak|weakness|paralys\w*)\b[\w\s]{0,15}\b(legs?|feet|foot|groin|bottom)\b",
    ),
    (
        "loss of bladder or bowel control",
        r"\b(loss of|lost|losing|no|can't control( my)?|cannot control( my)?)\s+(bladder|bowel)",
    ),
    ("loss of bladder or bowel control", r"\b(incontinen\w*|wet myself|soiled myself)\b"),
    (
        "chest pain or breathlessness",
        r"\bchest pains?\b|\b(short of breath|breathless\w*|can't breathe|cannot breathe|struggling to breathe)\b",
    ),
    ("fever", r"\b(fever|feverish|high temperature|shivering|rigors?)\b"),
    ("coughing up blood", r"\bcough\w*\s+(up\s+)?blood\b"),
    ("a swollen or painful calf", r"\b(swollen|painful|hot|red)\s+(calf|leg)\b"),
    ("thoughts of self-harm", r"\b(suicid\w*|kill myself|end my life|harm myself|hurt myself|self[- ]harm)\b"),
    ("a new fall or fracture", r"\b(just|have just|i've just|recently)\s+(fallen|fell|broken|broke|fractured)\b"),
)
_COMPILED = tuple((reason, re.compile(pattern)) for reason, pattern in _PATTERNS)

# Pain with these words is treated as a red flag even without a body part named.
_PAIN_ESCALATORS = re.compile(r"\b(sudden\w*|severe|worst|unbearable|excruciating|agoni[sz]ing|getting worse)\b")


def red_flags(text: str, topics: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The reasons (plain English, for nurses) this enquiry needs urgent advice; empty if none."""
    normalised = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    reasons: list[str] = []
    for reason, pattern in _COMPILED:
        if reason not in reasons and pattern.search(normalised):
            reasons.append(reason)
    if Topic.PAIN in topics and _PAIN_ESCALATORS.search(normalised) and "severe or worsening pain" not in reasons:
        reasons.append("severe or worsening pain")
    return reasons
