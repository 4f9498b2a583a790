"""How well a volunteer suits a mother's request: a plain, deterministic score with its reasons.

`score(request, volunteer)` reads only attributes (works on model instances or on
any object with the same names) and touches neither the database nor the clock,
so the same inputs always give the same score and reasons.

The points are one table, `POINTS`: what is compared, how, and for how many points.
The scorer here walks it, and `peers.score_bounds` walks the same table to write the
points in SQL as bounds (so the nurse's page scores here only those who can make its
top ten). A new point of an existing kind is one new row; a new kind (`How`) needs a
branch in both, and tests/peers/test_best_suggestions.py checks that the two agree.

Only facts the mother gave count: an unanswered question never scores. Ties are
broken by fewer active introductions, then by the volunteer's id, so the order is
stable. Eligibility (approved, not paused, briefing in date, ...) is not decided
here; `peers.selectors.eligible_volunteers` filters that in SQL first.
"""

from collections.abc import Callable
from enum import Enum
from typing import Any, NamedTuple

from django.utils.translation import gettext, gettext_lazy

from .models import FractureKind, Region, Timing, Topic

# A newly approved volunteer "suits" a waiting request (and the nurses are told) at this score.
SUITS_THRESHOLD = 30
MAX_PLACES_COUNTED = 3


class How(Enum):
    """The ways a point is earned."""

    SAME = "the same answer as hers"
    EACH_SHARED = "for each item of her list that the volunteer's list also holds"
    LANGUAGE = "once, for any language but English both speak (spelling tidied)"
    PLACES = f"for each free place the volunteer has, up to {MAX_PLACES_COUNTED}"


class Point(NamedTuple):
    field: str  # on both the request and the volunteer; for PLACES, capacity and active_count
    how: How
    points: int
    reason: Callable[[Any], str]  # what matched (her answer, the shared items, or places and capacity) -> text


_TOPICS = dict(Topic.choices)


def _circumstance(yes, no) -> Callable[[bool], str]:
    return lambda answer: gettext("Similar circumstances: %(which)s") % {"which": yes if answer else no}


POINTS = (
    Point(
        "fracture_kind",
        How.SAME,
        30,
        lambda kind: gettext("Same kind of fracture: %(kind)s") % {"kind": FractureKind(kind).label},
    ),
    Point(
        "timing",
        How.SAME,
        20,
        lambda timing: gettext("Same timing: %(timing)s") % {"timing": Timing(timing).label.lower()},
    ),
    Point(
        "topics",
        How.EACH_SHARED,
        10,
        lambda common: (
            gettext("Topics in common: %(topics)s") % {"topics": ", ".join(_TOPICS.get(t, t).lower() for t in common)}
        ),
    ),
    Point("breastfed", How.SAME, 5, _circumstance(gettext_lazy("both breastfed"), gettext_lazy("neither breastfed"))),
    Point("heparin", How.SAME, 5, _circumstance(gettext_lazy("both had heparin"), gettext_lazy("neither had heparin"))),
    Point(
        "later_pregnancies",
        How.SAME,
        5,
        _circumstance(gettext_lazy("both had a later pregnancy"), gettext_lazy("neither had a later pregnancy")),
    ),
    Point("region", How.SAME, 10, lambda region: gettext("Same region: %(region)s") % {"region": Region(region).label}),
    Point(
        "languages",
        How.LANGUAGE,
        10,
        lambda shared: gettext("Speaks %(languages)s") % {"languages": ", ".join(s.title() for s in shared)},
    ),
    Point(
        "places",
        How.PLACES,
        2,
        lambda free: gettext("%(free)s of %(places)s places free") % {"free": free[0], "places": free[1]},
    ),
)
POINTS_FOR = {point.field: point.points for point in POINTS}


class Suggestion(NamedTuple):
    volunteer: Any
    score: int
    reasons: list[str]

    def sort_key(self) -> tuple:
        return (-self.score, self.volunteer.active_count, self.volunteer.pk)


def normalise_languages(values) -> set[str]:
    return {v.strip().lower() for v in values or () if v and v.strip()}


def _hers(request, point: Point):
    """What the request gives for `point`, or None when she gave nothing that could score."""
    if point.how is How.SAME:
        value = getattr(request, point.field)
        return None if value is None or value == "" else value
    if point.how is How.EACH_SHARED:
        return tuple(dict.fromkeys(getattr(request, point.field) or ())) or None
    if point.how is How.LANGUAGE:
        return frozenset(normalise_languages(getattr(request, point.field)) - {"english"}) or None
    if point.how is How.PLACES:
        return MAX_PLACES_COUNTED
    raise NotImplementedError(point.how)


class Scorer:
    """Scores volunteers against one request. Everything that depends only on the request
    (its facts and the reason texts) is worked out once, so ranking thousands is one quick pass."""

    def __init__(self, request):
        # (point, her answer) for each point she can score on, in POINTS order.
        self.wanted = [(point, hers) for point in POINTS if (hers := _hers(request, point)) is not None]
        self._checks = [self._check(point, hers) for point, hers in self.wanted]
        # Volunteers repeat the same few lists and reason texts: work each out once.
        self._texts: dict = {}

    def _text(self, point: Point, matched, gained: int) -> str:
        key = (point.field, matched, gained)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = f"{point.reason(matched)} (+{gained})"
        return text

    def _check(self, point: Point, hers) -> Callable[[Any], tuple[int, str] | None]:
        """A function of a volunteer giving the points and reason `point` earns her, or None."""
        field, points = point.field, point.points
        if point.how is How.SAME:
            reason = f"{point.reason(hers)} (+{points})"
            return lambda volunteer: (points, reason) if getattr(volunteer, field) == hers else None
        if point.how is How.EACH_SHARED:

            def each_shared(volunteer):
                theirs = getattr(volunteer, field) or ()
                common = tuple(t for t in hers if t in theirs)
                if common:
                    gained = points * len(common)
                    return gained, self._text(point, common, gained)
                return None

            return each_shared
        if point.how is How.LANGUAGE:
            shared_by_list: dict = {}

            def language(volunteer):
                theirs = getattr(volunteer, field)
                if not theirs:
                    return None
                key = tuple(theirs)
                shared = shared_by_list.get(key)
                if shared is None:
                    shared = shared_by_list[key] = tuple(sorted(hers & normalise_languages(key)))
                return (points, self._text(point, shared, points)) if shared else None

            return language
        if point.how is How.PLACES:

            def places(volunteer):
                free = max(volunteer.capacity - volunteer.active_count, 0)
                if free:
                    gained = points * min(free, hers)
                    return gained, self._text(point, (free, volunteer.capacity), gained)
                return None

            return places
        raise NotImplementedError(point.how)

    def score(self, volunteer) -> Suggestion:
        total = 0
        reasons: list[str] = []
        for check in self._checks:
            earned = check(volunteer)
            if earned is not None:
                total += earned[0]
                reasons.append(earned[1])
        return Suggestion(volunteer=volunteer, score=total, reasons=reasons)


def score(request, volunteer) -> Suggestion:
    return Scorer(request).score(volunteer)


def rank(request, volunteers) -> list[Suggestion]:
    """Score every volunteer once and order best first."""
    scorer = Scorer(request)
    return sorted(map(scorer.score, volunteers), key=Suggestion.sort_key)
