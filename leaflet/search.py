"""Site search over published content: one behaviour on PostgreSQL and SQLite alike.

The database stores; Python ranks, so the same question gets the same answer on
both. How a question is answered:

1. Passages. Every published passage (a section's opening, a question's answer,
   a case study, an exercise group, a contact) is a SearchEntry row, rebuilt from
   the live text on publish (`rebuild`), so drafts are never found. The index (each
   passage's weighted term counts, the postings, the vocabulary, synonyms and best
   bets) is built once per content version by the first process that needs it and
   kept in the cache beside the pages (leaflet.cache); every rebuild, and so every
   change to synonyms or best bets, moves the content version on.
2. Words. Text and questions are lower-cased and split into words; stop words
   ("what", "my", "can", "i", ...) are dropped; the rest are stemmed with the
   Snowball English stemmer (fractures, fractured -> fractur), with the few
   irregular forms it misses (breastfed, women, broken) mapped by hand.
3. Spelling. A question word that is neither in the guidance nor a synonym is
   corrected to the closest word the guidance uses (difflib similarity >= 0.8,
   the commoner word on a tie); the results page says so and offers the original.
4. Synonyms (data editors keep, `Synonym`) add the guidance's words for a lay
   term: "dexa" is also looked for as "dxa" and as "bone density scan". Each
   query word, or lay phrase, becomes a group of alternatives: itself, and what
   it means at SYNONYM_WEIGHT.
5. Ranking: BM25F (k1=2.0, b=0.5, tuned on the evaluation questions in
   tests/leaflet) over three fields, each normalised by its own length: a
   passage's own title (a section title or a question heading) counts
   TITLE_WEIGHT times, the title of the section a question belongs to
   SECTION_TITLE_WEIGHT times, the text once. A group scores its best alternative (a phrase scores the mean of its words),
   and a passage's score is the sum over groups, times the share of groups it
   matches: so the passage that answers most of the question comes first, and a
   word the guidance does not use adds nothing rather than emptying the results.
   Ties keep leaflet order.
6. Best bets (`BestBet`): an editor's pin puts a section first for a query.
"""

import difflib
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import cache, rendering
from .models import BestBet, CaseStudy, ExerciseGroup, Organisation, SearchEntry, Section, Synonym

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 16
# A page of results: the answer is nearly always in the first three.
RESULTS = 10
K1, B = 2.0, 0.5
TITLE_WEIGHT = 5
SECTION_TITLE_WEIGHT = 1
SYNONYM_WEIGHT = 0.9
SPELLING_CUTOFF = 0.8
# Sentinels that cannot appear in text, swapped for <mark> after escaping.
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"[^\W_]+")
_HYPHENATED = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

_STOP_WORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can cannot could did do does doing done down during each few for from
    further get gets getting got had has have having he her here hers herself him himself his how i if
    in into is it its itself just me might more most must my myself no nor not now of off on once only
    or other our ours ourselves out over own please same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves
    also either neither may much many us im ive id dont doesnt didnt cant isnt wont s t"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())
# Forms the stemmer leaves apart that the guidance uses interchangeably.
_IRREGULAR = {
    "breastfe": "breastfeed",
    "breastf": "breastfeed",
    "fe": "feed",
    "fed": "feed",
    "women": "woman",
    "broke": "break",
    "broken": "break",
    "children": "child",
    "x": "xray",
}
_stemmer = snowballstemmer.stemmer("english")
_stem_lock = threading.Lock()


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    with _stem_lock:  # the generated stemmer keeps state between calls
        stemmed = _stemmer.stemWord(word)
    return _IRREGULAR.get(stemmed, stemmed)


def plain(text: str) -> str:
    """Text as lower-case words and spaces, hyphens kept: how queries and synonyms are stored."""
    return " ".join(_HYPHENATED.findall(text.lower().replace("’", "").replace("'", "")))


def words(text: str) -> list[str]:
    """Lower-cased words, apostrophes dropped ("woman's" -> "womans"); a hyphenated word
    gives its parts and the whole ("x-ray" -> "x", "ray", "xray"), so "xray" and
    "calcium" both find it."""
    found = []
    for word in plain(text).split():
        if "-" in word:
            found += word.split("-")
            word = word.replace("-", "")
        found.append(word)
    return found


def terms(text: str) -> list[str]:
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def normalise(text: str) -> str:
    """The query as people typed it, tidied: NUL and runs of spaces gone, cut to length."""
    return " ".join(text.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


# ---------------------------------------------------------------- the passages
def rebuild() -> int:
    """Rebuild every search entry from the live text. Cheap: the leaflet is small."""
    entries: list[SearchEntry] = []
    for section in Section.objects.filter(published_at__isnull=False).order_by("order"):
        url = section.get_absolute_url()
        passages = rendering.passages(section.body)
        opening = passages[0].text if passages and not passages[0].heading else ""
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.SECTION,
                section=section,
                title=section.title,
                url=url,
                text=" ".join(filter(None, [section.summary, opening])),
            )
        )
        for passage in passages:
            if passage.heading:
                entries.append(
                    SearchEntry(
                        kind=SearchEntry.Kind.QUESTION,
                        section=section,
                        title=passage.heading,
                        url=f"{url}#{passage.anchor}",
                        text=passage.text,
                    )
                )
    for story in CaseStudy.objects.filter(published_at__isnull=False):
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.CASE_STUDY,
                title=story.name,
                url=story.get_absolute_url(),
                text=rendering.plain_text(story.body),
            )
        )
    for group in ExerciseGroup.objects.prefetch_related("exercises"):
        parts = [group.intro, group.callout]
        for exercise in group.exercises.all():
            parts += [exercise.name, exercise.instructions, *exercise.steps, exercise.repetitions]
        parts.append(group.closing)
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.EXERCISE,
                title=group.name,
                url=reverse("leaflet:exercise-programme") + f"#{group.kind}",
                text=rendering.plain_text("\n\n".join(p for p in parts if p)),
            )
        )
    for organisation in Organisation.objects.all():
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.ORGANISATION,
                title=organisation.name,
                url=organisation.get_absolute_url(),
                text=" ".join(filter(None, [rendering.plain_text(organisation.description), organisation.phone])),
            )
        )
    SearchEntry.objects.all().delete()
    SearchEntry.objects.bulk_create(entries)
    # A new content version, committed with the entries: a new index, new pages, no kept results.
    cache.content_changed()
    return len(entries)


@dataclass(frozen=True)
class _Passage:
    title: str
    url: str
    kind: str  # SearchEntry.Kind
    section_id: int | None
    text: str
    tf: dict[str, float]  # term -> its BM25F pseudo-frequency


@dataclass(frozen=True)
class _Index:
    passages: list[_Passage]
    postings: dict[str, list[int]]  # term -> the passages (by position) that use it
    vocabulary: dict[str, int]  # every word the guidance and the synonyms use, for spelling
    synonyms: dict[tuple[str, ...], list[tuple[str, ...]]]
    longest_synonym: int
    best_bets: dict[tuple[str, ...], int]  # a pinned query's terms -> the section's id
    known_terms: frozenset[str]  # terms of the guidance and of synonyms' lay words: never corrected

    def df(self, term: str) -> int:
        return len(self.postings.get(term, ()))


def _build() -> _Index:
    entries = list(SearchEntry.objects.select_related("section").order_by("id"))
    vocabulary: Counter = Counter()
    fields = []  # per entry: (weight, term counts, length) for title, section title, text
    for entry in entries:
        # A question's answer also belongs to its section: "calcium" in "Treatments".
        section_title = entry.section.title if entry.kind == SearchEntry.Kind.QUESTION else ""
        counted = []
        for weight, text in ((TITLE_WEIGHT, entry.title), (SECTION_TITLE_WEIGHT, section_title), (1, entry.text)):
            found = words(text)
            vocabulary.update(found)
            tf = Counter(stem(w) for w in found if w not in STOP_WORDS)
            counted.append((weight, tf, sum(tf.values())))
        fields.append(counted)
    averages = [max(sum(f[i][2] for f in fields) / max(len(fields), 1), 1.0) for i in range(3)]
    passages: list[_Passage] = []
    postings: dict[str, list[int]] = {}
    for position, (entry, counted) in enumerate(zip(entries, fields, strict=True)):
        # BM25F: each field's counts are normalised by its own length, then weighted and summed.
        tf: dict[str, float] = {}
        for (weight, counts, length), average in zip(counted, averages, strict=True):
            norm = 1 - B + B * length / average
            for term, count in counts.items():
                tf[term] = tf.get(term, 0.0) + weight * count / norm
        passages.append(_Passage(entry.title, entry.url, entry.kind, entry.section_id, entry.text, tf))
        for term in tf:
            postings.setdefault(term, []).append(position)
    synonyms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for synonym in Synonym.objects.all():
        vocabulary.update(words(synonym.term))
        lay = tuple(stem(w) for w in words(synonym.term))  # stop words kept: "happen again"
        if lay:
            synonyms.setdefault(lay, []).extend(tuple(terms(a)) for a in synonym.alternatives if terms(a))
    best_bets = {tuple(terms(b.query)): b.section_id for b in BestBet.objects.all() if terms(b.query)}
    return _Index(
        passages=passages,
        postings=postings,
        vocabulary=dict(vocabulary),
        synonyms=synonyms,
        longest_synonym=max((len(k) for k in synonyms), default=1),
        best_bets=best_bets,
        known_terms=frozenset(postings) | {t for lay in synonyms for t in lay},
    )


# The number changes whenever the shape of _Index or _Passage does, so a deploy never reads old entries.
INDEX_KEY = "search-index:1"


def _current() -> _Index:
    """The index of the current content version, from the cache (built there by the first to ask)."""
    return cache.versioned_get_or_set(INDEX_KEY, _build)


def index_key() -> str:
    """Which version of the passages, synonyms and best bets search is answering from."""
    return cache.current_version()


def known_urls() -> set[str]:
    """Every address a result can link to (the click counter redirects only to these).

    Kept on its own beside the index: a followed result needs only these few addresses."""
    return cache.versioned_get_or_set(f"{INDEX_KEY}:urls", lambda: {p.url for p in _current().passages})


# ---------------------------------------------------------------- answering a question
@dataclass
class Result:
    title: str
    url: str
    kind: str
    snippet: SafeString
    best_bet: bool = False


@dataclass
class Outcome:
    query: str
    results: list[Result]
    corrected: str | None = None  # the query as searched, when spelling was corrected


def _correct(index: _Index, word: str) -> str | None:
    """The guidance's closest word to a word it does not use, or None."""
    best, best_key = None, (SPELLING_CUTOFF, 0)
    matcher = difflib.SequenceMatcher(b=word)
    for candidate, frequency in index.vocabulary.items():
        if abs(len(candidate) - len(word)) > 2 or candidate in STOP_WORDS or len(candidate) < 4:
            continue
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < SPELLING_CUTOFF or matcher.quick_ratio() < SPELLING_CUTOFF:
            continue
        key = (matcher.ratio(), frequency)
        if key > best_key:
            best, best_key = candidate, key
    return best


def _spelled(index: _Index, query: str) -> tuple[list[str], bool]:
    """The query's words as typed with misspellings corrected, and whether any was."""
    corrected, changed = [], False
    for word in plain(query).split()[:MAX_QUERY_WORDS]:
        if (
            len(word) >= 4
            and word.isalpha()
            and word not in STOP_WORDS
            and word not in index.vocabulary
            and stem(word) not in index.known_terms
        ):
            better = _correct(index, word)
            if better:
                word, changed = better, True
        corrected.append(word)
    return corrected, changed


def _groups(index: _Index, query: str) -> list[list[tuple[float, tuple[str, ...]]]]:
    """Each query word, or lay phrase with a synonym, and its weighted alternatives.

    Synonyms match on every word, stop words included ("pregnant again"); other stop words go.
    """
    tokens = [(stem(word), word in STOP_WORDS) for word in words(query)[:MAX_QUERY_WORDS]]
    groups, i = [], 0
    while i < len(tokens):
        for n in range(min(index.longest_synonym, len(tokens) - i), 0, -1):
            lay = tuple(t for t, _ in tokens[i : i + n])
            if lay in index.synonyms:
                own = tuple(t for t, stop in tokens[i : i + n] if not stop)
                group = [(1.0, own)] if own else []
                groups.append(group + [(SYNONYM_WEIGHT, alt) for alt in index.synonyms[lay]])
                i += n
                break
        else:
            term, stop = tokens[i]
            if not stop:
                groups.append([(1.0, (term,))])
            i += 1
    return groups


def _score(index: _Index, passage: _Passage, groups) -> tuple[float, set[str]]:
    n = len(index.passages)

    def bm25(term: str) -> float:
        tf = passage.tf.get(term, 0)
        if not tf:
            return 0.0
        df = index.df(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) * tf * (K1 + 1) / (tf + K1)

    total, matched_groups, matched_terms = 0.0, 0, set()
    for group in groups:
        best = 0.0
        for weight, alternative in group:
            value = weight * sum(bm25(t) for t in alternative) / len(alternative)
            if value > best:
                best = value
            if value:
                matched_terms.update(t for t in alternative if passage.tf.get(t))
        if best:
            total += best
            matched_groups += 1
    return total * matched_groups / len(groups), matched_terms


def run(text: str, *, limit: int = RESULTS, correct: bool = True) -> Outcome:
    """Answer a question: ranked passages, best bet first, with spelling corrected unless `correct` is False."""
    query = normalise(text)
    if not query:
        return Outcome(query, [])
    index = _current()
    corrected = None
    if correct:
        spelled, changed = _spelled(index, query)
        if changed:
            corrected = " ".join(spelled)
    groups = _groups(index, corrected or query)
    # Only passages that use one of the question's terms can score: found through the postings.
    candidates = sorted(
        {
            order
            for group in groups
            for _, alternative in group
            for t in alternative
            for order in index.postings.get(t, ())
        }
    )
    scored = []
    for order in candidates:
        passage = index.passages[order]
        value, matched = _score(index, passage, groups)
        if value > 0:
            scored.append((-value, order, passage, matched))
    scored.sort(key=lambda item: item[:2])
    results: list[Result] = []
    pinned = index.best_bets.get(tuple(terms(corrected or query)))
    if pinned is not None:
        for passage in index.passages:
            if passage.section_id == pinned and passage.kind == SearchEntry.Kind.SECTION:
                results.append(_result(passage, _matched_in(passage, groups), best_bet=True))
    for _, _, passage, matched in scored:
        if len(results) >= limit:
            break
        if not any(r.url == passage.url for r in results):
            results.append(_result(passage, matched))
    return Outcome(query, results, corrected)


def find(text: str, limit: int = RESULTS) -> list[Result]:
    return run(text, limit=limit).results


def _matched_in(passage: _Passage, groups) -> set[str]:
    return {t for group in groups for _, alternative in group for t in alternative if passage.tf.get(t)}


def _result(passage: _Passage, matched: set[str], best_bet: bool = False) -> Result:
    # The index is shared by every reader, whatever her language: name the kind here, per request.
    return Result(
        passage.title, passage.url, SearchEntry.Kind(passage.kind).label, _snippet(passage, matched), best_bet
    )


def count_sections_matching(text: str) -> int:
    """How many published sections use every word of a phrase (stemmed), for the gaps report."""
    wanted = set(terms(normalise(text)))
    if not wanted:
        return 0
    index = _current()
    found: dict[int, set[str]] = {}
    for passage in index.passages:
        if passage.section_id is not None:
            found.setdefault(passage.section_id, set()).update(wanted & passage.tf.keys())
    return sum(1 for hits in found.values() if hits == wanted)


# ---------------------------------------------------------------- snippets
def _highlight(marked: str) -> SafeString:
    return mark_safe(escape(marked).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def _snippet(passage: _Passage, matched: set[str], width: int = 260) -> SafeString:
    """About `width` characters of the passage from just before its first match, matches marked."""
    text = passage.text
    hits = [
        (m.start(), m.end())
        for m in _WORD.finditer(text.lower())
        if m.group(0) not in STOP_WORDS and stem(m.group(0)) in matched
    ]
    first = hits[0][0] if hits else 0
    start = 0 if first < 80 else text.rfind(" ", 0, first - 80) + 1
    end = text.find(" ", start + width)
    end = len(text) if end == -1 else end
    out, position = [], start
    for hit_start, hit_end in hits:
        if hit_start < start or hit_end > end:
            continue
        out += [text[position:hit_start], _START, text[hit_start:hit_end], _STOP]
        position = hit_end
    out.append(text[position:end])
    return _highlight(("… " if start else "") + "".join(out) + (" …" if end < len(text) else ""))
