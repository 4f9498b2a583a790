"""Which language she wrote in: English, or another one the nurses must be told about at once.

A message not in English is never routine (helpline.triage): the rules read English
only, so a Polish, Welsh or Urdu message describing an emergency would otherwise look
like a routine question. The detector is lingua (lingua-language-detector), built once
per process from the languages most spoken in the UK after English (ONS census 2021)
plus Welsh, in its low-accuracy mode: trigram models only, about 50 MB and a second to
load instead of 730 MB and 25 s, and still right on every message of our labelled set.

Short English messages are the danger ("is heparin safe" reads as Turkish to the
detector), so a message is English whenever enough of its words are common English
words, and another language is named only when the detector is confident of it.
Messages in a script other than Latin are never English.

The models load on first use, or at worker start (`warm()`, called by gunicorn's
`post_worker_init` and Celery's `worker_process_init`), so no question waits for them.
"""

import re
import threading

from lingua import Language, LanguageDetectorBuilder

LANGUAGES = (
    Language.ENGLISH,
    Language.WELSH,
    Language.POLISH,
    Language.ROMANIAN,
    Language.PUNJABI,
    Language.URDU,
    Language.PORTUGUESE,
    Language.SPANISH,
    Language.ARABIC,
    Language.BENGALI,
    Language.GUJARATI,
    Language.ITALIAN,
    Language.LITHUANIAN,
    Language.CHINESE,
    Language.FRENCH,
    Language.TAMIL,
    Language.BULGARIAN,
    Language.TURKISH,
    Language.PERSIAN,
    Language.HUNGARIAN,
    Language.SOMALI,
    Language.RUSSIAN,
    Language.LATVIAN,
    Language.SLOVAK,
    Language.CZECH,
    Language.GERMAN,
    Language.ALBANIAN,
    Language.UKRAINIAN,
    Language.HINDI,
)

# The detector must be at least this sure of the other language, and give English at most this much.
MIN_CONFIDENCE = 0.6
MAX_ENGLISH = 0.15
# A message is English when at least this share of its words are common English words.
ENGLISH_SHARE = 0.3

_COMMON_ENGLISH = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "baby",
        "back",
        "be",
        "because",
        "been",
        "before",
        "being",
        "birth",
        "but",
        "by",
        "can",
        "can't",
        "could",
        "day",
        "did",
        "do",
        "does",
        "don't",
        "feel",
        "feeling",
        "for",
        "from",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "i'm",
        "i've",
        "if",
        "in",
        "is",
        "it",
        "it's",
        "just",
        "know",
        "like",
        "me",
        "more",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "or",
        "pain",
        "please",
        "she",
        "should",
        "since",
        "so",
        "some",
        "still",
        "than",
        "that",
        "the",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "up",
        "very",
        "was",
        "we",
        "week",
        "weeks",
        "were",
        "what",
        "when",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yesterday",
        "today",
        "help",
        "hi",
        "hello",
        "dear",
        "thank",
        "thanks",
        "ok",
        "okay",
        "yes",
        "sorry",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_NON_LATIN = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u3040-\u9fff\uac00-\ud7af]"
)

_detector = None
_lock = threading.Lock()


def _get_detector():
    global _detector  # noqa: PLW0603 - one detector per process, built once
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = (
                    LanguageDetectorBuilder.from_languages(*LANGUAGES)
                    .with_low_accuracy_mode()
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def warm(**_kwargs) -> None:
    """Load the models now (at worker start), so the first question does not wait for them."""
    _get_detector().detect_language_of("Dzień dobry")


def _name(language: Language) -> str:
    return language.name.replace("_", " ").title()


def language_of(text: str) -> str:
    """ "" for English (or too little to tell), else the language's name in English: "Polish", "Welsh"."""
    words = [w.lower() for w in _WORD.findall(text)]
    non_latin = bool(_NON_LATIN.search(text))
    if not non_latin:
        if len(words) < 3:
            return ""
        common = sum(1 for w in words if w.replace("\u2019", "'") in _COMMON_ENGLISH)
        if common / len(words) >= ENGLISH_SHARE:
            return ""
    values = _get_detector().compute_language_confidence_values(text)
    top = values[0]
    english = next((v.value for v in values if v.language == Language.ENGLISH), 0.0)
    if top.language == Language.ENGLISH:
        return "" if not non_latin else "Not identified"
    if non_latin or (top.value >= MIN_CONFIDENCE and english <= MAX_ENGLISH):
        return _name(top.language)
    return ""
