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
"""

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Suggestion:
    volunteer: object
    score: int
    reasons: list[str] = field(default_factory=list)

    def sort_key(self) -> tuple:
        return (-self.score, self.volunteer.active_count, self.volunteer.pk)


def normalise_languages(values) -> set[str]:
    return {v.strip().lower() for v in values or () if v and v.strip()}


def score(request, volunteer) -> Suggestion:
    points = 0
    reasons: list[str] = []

    if request.fracture_kind and request.fracture_kind == volunteer.fracture_kind:
        points += FRACTURE_POINTS
        reasons.append(f"Same kind of fracture: {FractureKind(request.fracture_kind).label} (+{FRACTURE_POINTS})")
    if request.timing and request.timing == volunteer.timing:
        points += TIMING_POINTS
        reasons.append(f"Same timing: {Timing(request.timing).label.lower()} (+{TIMING_POINTS})")

    common = [t for t in request.topics or () if t in set(volunteer.topics or ())]
    if common:
        gained = TOPIC_POINTS * len(common)
        points += gained
        names = ", ".join(_TOPICS.get(t, t).lower() for t in common)
        reasons.append(f"Topics in common: {names} (+{gained})")

    for attr, yes, no in _CIRCUMSTANCES:
        mine = getattr(request, attr)
        if mine is not None and mine == getattr(volunteer, attr):
            points += CIRCUMSTANCE_POINTS
            reasons.append(f"Similar circumstances: {yes if mine else no} (+{CIRCUMSTANCE_POINTS})")

    if request.region and request.region == volunteer.region:
        points += REGION_POINTS
        reasons.append(f"Same region: {Region(request.region).label} (+{REGION_POINTS})")

    shared = sorted((normalise_languages(request.languages) & normalise_languages(volunteer.languages)) - {"english"})
    if shared:
        points += LANGUAGE_POINTS
        reasons.append(f"Speaks {', '.join(s.title() for s in shared)} (+{LANGUAGE_POINTS})")

    places = max(volunteer.capacity - volunteer.active_count, 0)
    if places:
        gained = PLACE_POINTS * min(places, MAX_PLACES_COUNTED)
        points += gained
        reasons.append(f"{places} of {volunteer.capacity} places free (+{gained})")

    return Suggestion(volunteer=volunteer, score=points, reasons=reasons)


def rank(request, volunteers) -> list[Suggestion]:
    """Score every volunteer once and order best first."""
    return sorted((score(request, v) for v in volunteers), key=Suggestion.sort_key)
