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

Urdu, Hindi and Punjabi are often typed in Latin letters ("mujhe bahut dard ho raha hai"),
mixed with English words. The detector has no model for that and reads it as English or
Czech, so a short list of their everyday grammar words (the function words that carry no
meaning of their own and that every such sentence has, with the spellings people use:
Roman-Urdu-Parl, Alam and Hussain, ACM TALLIP 2022; ERUPD, Furqan et al. 2024) names it
before the detector is asked. Words that are also English ("main", "me", "to", "so") are
left out of the list.

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
# Everyday grammar words of Urdu, Hindi and Punjabi typed in Latin letters, with their usual spellings.
_ROMAN_URDU = frozenset(
    """
    hai hain hy hay hei mujhe mujhay mujhko mjhe mera meri mery hamara hamari
    bahut bohat bohot buhat bht nahi nahin nai nhi kya kia kyun kyon ke ki ka ko kay aur
    raha rahi rahe rha rhi rhe hoon tha thi thay bhi aap ap kar kr karna karti karta
    gaya gayi gai hua hui hogaya sakti sakta sakte chahiye lekin magar agar abhi aaj
    mein mai baad pehle woh wo yeh ye apni apna unki uski iski dard khoon bachay bacha
    bachche bachi biwi behosh kamar haddi dawai takleef pareshan ghabrahat
    """.split()  # noqa: SIM905 - a word list reads better as words
)
# At least this many different ones, and this share of all her words.
ROMAN_URDU_WORDS = 3
ROMAN_URDU_SHARE = 0.25
ROMAN_URDU = "Urdu, Hindi or Punjabi (Latin letters)"

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
        roman_urdu = [w for w in words if w in _ROMAN_URDU]
        if len(set(roman_urdu)) >= ROMAN_URDU_WORDS and len(roman_urdu) / len(words) >= ROMAN_URDU_SHARE:
            return ROMAN_URDU
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
