"""Contact details typed into a message, held back from the other woman unless both chose to exchange them.

Generous on purpose: a phone number, an email address, a social media handle (@name)
or the name of a social network or messaging app with something after it. A false
catch costs a gentle note; a missed one hands a stranger a way to reach her outside
the moderated space.
"""

import re

HELD_BACK = "[contact details held back]"

_EMAIL = r"[\w.+-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+"
# UK and international numbers, written with spaces, dots, dashes or brackets: 10 or more digits.
_PHONE = r"(?<![\w])(?:\+|00)?\d(?:[\s().-]{0,3}\d){9,14}(?![\w])"
_HANDLE = r"(?<![\w@])@[A-Za-z0-9_.]{2,30}"
_NETWORKS = (
    r"instagram|insta|facebook|fb|messenger|snapchat|whatsapp|whats app|telegram|tiktok|"
    r"twitter|x\.com|linkedin|discord|skype"
)
# "my instagram is mayab", "find me on facebook: Maya B", "whatsapp me on ...": the network and what follows.
_NETWORK = rf"\b(?:{_NETWORKS})\b(?:\s*(?:is|name|handle|account|me|on|at|:|-)\s*)*[^\s,.!?]*"
_URL = r"\b(?:https?://|www\.)\S+"

_PATTERN = re.compile("|".join(f"(?:{p})" for p in (_URL, _EMAIL, _PHONE, _HANDLE, _NETWORK)), re.IGNORECASE)


def hold_back(text: str) -> tuple[str, bool]:
    """The text with anything that looks like contact details replaced, and whether anything was."""
    shared, count = _PATTERN.subn(HELD_BACK, text)
    return shared, count > 0
