"""How well a volunteer suits a mother's request: a plain, deterministic score with its reasons.

`score(request, volunteer)` reads only attributes (works on model instances or on
any object with the same names) and touches neither the database nor the clock,
so the same inputs always give the same score and reasons. Points:

=============================================  ======
Same kind of fracture                              30
Same timing (during pregnancy / birth / after)     20
Each topic both want to talk about                 10
Same breastfeeding experience                       5
Same heparin experience                             5
Same later-pregnancy experience                     5
Same region                                        10
A language in common (other than English)          10
Each free place she has (up to 3)                   2
=============================================  ======

Only facts the mother gave count: an unanswered question never scores. Ties are
broken by fewer active introductions, then by the volunteer's id, so the order is
stable. Eligibility (approved, not paused, briefing in date, ...) is not decided
here; `peers.selectors.eligible_volunteers` filters that in SQL first.

`peers.score_bounds` writes these points in SQL, as the fewest and the most each
volunteer can score, so the nurse's page scores here only those who can make its top
ten. A new kind of point must be added there too; tests/peers/test_best_suggestions.py
checks that the two agree.
"""

from typing import Any, NamedTuple

from .models import FractureKind, Region, Timing, Topic

FRACTURE_POINTS = 30
TIMING_POINTS = 20
TOPIC_POINTS = 10
CIRCUMSTANCE_POINTS = 5
REGION_POINTS = 10
LANGUAGE_POINTS = 10
PLACE_POINTS = 2
MAX_PLACES_COUNTED = 3
# A newly approved volunteer "suits" a waiting request (and the nurses are told) at this score.
SUITS_THRESHOLD = 30

_TOPICS = dict(Topic.choices)
_CIRCUMSTANCES = (
    ("breastfed", "both breastfed", "neither breastfed"),
    ("heparin", "both had heparin", "neither had heparin"),
    ("later_pregnancies", "both had a later pregnancy", "neither had a later pregnancy"),
)


class Suggestion(NamedTuple):
    volunteer: Any
    score: int
    reasons: list[str]

    def sort_key(self) -> tuple:
        return (-self.score, self.volunteer.active_count, self.volunteer.pk)


def normalise_languages(values) -> set[str]:
    return {v.strip().lower() for v in values or () if v and v.strip()}


class Scorer:
    """Scores volunteers against one request. Everything that depends only on the request
    (its facts and the reason texts) is worked out once, so ranking thousands is one quick pass."""

    def __init__(self, request):
        self.fracture = request.fracture_kind or None
        self.timing = request.timing or None
        self.region = request.region or None
        self.topics = list(dict.fromkeys(request.topics or ()))
        self.languages = normalise_languages(request.languages) - {"english"}
        self.circumstances = [
            (attr, mine, f"Similar circumstances: {yes if mine else no} (+{CIRCUMSTANCE_POINTS})")
            for attr, yes, no in _CIRCUMSTANCES
            if (mine := getattr(request, attr)) is not None
        ]
        self.fracture_reason = (
            f"Same kind of fracture: {FractureKind(self.fracture).label} (+{FRACTURE_POINTS})" if self.fracture else ""
        )
        self.timing_reason = (
            f"Same timing: {Timing(self.timing).label.lower()} (+{TIMING_POINTS})" if self.timing else ""
        )
        self.region_reason = f"Same region: {Region(self.region).label} (+{REGION_POINTS})" if self.region else ""
        # Volunteers repeat the same few language lists and reason texts: work each out once.
        self._texts: dict = {}
        self._shared: dict = {}

    def _text(self, key, make) -> str:
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = make()
        return text

    def score(self, volunteer) -> Suggestion:
        points = 0
        reasons: list[str] = []

        if self.fracture and self.fracture == volunteer.fracture_kind:
            points += FRACTURE_POINTS
            reasons.append(self.fracture_reason)
        if self.timing and self.timing == volunteer.timing:
            points += TIMING_POINTS
            reasons.append(self.timing_reason)

        theirs = volunteer.topics or ()
        common = tuple(t for t in self.topics if t in theirs)
        if common:
            gained = TOPIC_POINTS * len(common)
            points += gained
            reasons.append(
                self._text(
                    ("topics", common),
                    lambda: f"Topics in common: {', '.join(_TOPICS.get(t, t).lower() for t in common)} (+{gained})",
                )
            )

        for attr, mine, reason in self.circumstances:
            if mine == getattr(volunteer, attr):
                points += CIRCUMSTANCE_POINTS
                reasons.append(reason)

        if self.region and self.region == volunteer.region:
            points += REGION_POINTS
            reasons.append(self.region_reason)

        if self.languages and volunteer.languages:
            key = tuple(volunteer.languages)
            shared = self._shared.get(key)
            if shared is None:
                shared = self._shared[key] = tuple(sorted(self.languages & normalise_languages(key)))
            if shared:
                points += LANGUAGE_POINTS
                reasons.append(
                    self._text(
                        ("languages", shared),
                        lambda: f"Speaks {', '.join(s.title() for s in shared)} (+{LANGUAGE_POINTS})",
                    )
                )

        places = max(volunteer.capacity - volunteer.active_count, 0)
        if places:
            gained = PLACE_POINTS * min(places, MAX_PLACES_COUNTED)
            points += gained
            reasons.append(
                self._text(
                    ("places", places, volunteer.capacity),
                    lambda: f"{places} of {volunteer.capacity} places free (+{gained})",
                )
            )

        return Suggestion(volunteer=volunteer, score=points, reasons=reasons)


def score(request, volunteer) -> Suggestion:
    return Scorer(request).score(volunteer)


def rank(request, volunteers) -> list[Suggestion]:
    """Score every volunteer once and order best first."""
    scorer = Scorer(request)
    return sorted(map(scorer.score, volunteers), key=Suggestion.sort_key)
