"""The points of `peers.matching` in SQL, as bounds, so the database can pre-rank volunteers.

`selectors.best_suggestions` asks the database which volunteers can still make the top few and
scores only those with `matching.Scorer`. That is exact only if the bounds are never wrong the
unsafe way: `fewest` is never more than a volunteer's score, `most` never less. Both use
matching's constants and, like the scorer, count only the facts the mother gave.

Every point is worked out exactly, with two exceptions that count only in `most`: a language
(the scorer tidies the spelling of each one first, so any list that is more than English might
share one), and topics kept as anything but a JSON list (the scorer's `in` can still find a
topic in them).

Written as plain SQL: the same sums as Case/When expressions cost milliseconds of Python to
compile on every page.
"""

import json
from typing import NamedTuple

from django.db import NotSupportedError, connection
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL

from . import matching
from .models import VolunteerProfile

# The JSON texts of the language lists that share no language but English with anyone.
ENGLISH_ONLY_TEXTS = (json.dumps([]), json.dumps(["English"]))


class ScoreBounds(NamedTuple):
    fewest: RawSQL
    most: RawSQL


def _column(name: str) -> str:
    quote = connection.ops.quote_name
    return f"{quote(VolunteerProfile._meta.db_table)}.{quote(name)}"


def _is_list(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"jsonb_typeof({column}) = 'array'"
    if connection.vendor == "sqlite":
        return f"json_type({column}) = 'array'"
    raise NotSupportedError(f"peer suggestions are not pre-ranked on {connection.vendor}")


def _list_holds(column: str, value: str) -> tuple[str, str]:
    """SQL (and its parameter) that is true when the JSON list in `column` has `value` as an element."""
    if connection.vendor == "postgresql":
        return f"{column} @> %s::jsonb", json.dumps([value])
    sql = f"({_is_list(column)} AND EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = %s))"  # noqa: S608
    return sql, value


def _points(condition: str, points: int) -> str:
    return f"CASE WHEN {condition} THEN {points} ELSE 0 END"


def score_bounds(scorer: matching.Scorer) -> ScoreBounds:
    """The fewest and the most points each volunteer row can score against the scorer's request."""
    places, counted = f"{_column('capacity')} - {_column('active_count')}", matching.MAX_PLACES_COUNTED
    exact = [
        f"{matching.PLACE_POINTS} * CASE WHEN {places} >= {counted} THEN {counted} WHEN {places} > 0 THEN {places} ELSE 0 END"
    ]
    params: list = []
    for column, mine, points in (
        ("fracture_kind", scorer.fracture, matching.FRACTURE_POINTS),
        ("timing", scorer.timing, matching.TIMING_POINTS),
        *((attr, mine, matching.CIRCUMSTANCE_POINTS) for attr, mine, _reason in scorer.circumstances),
        ("region", scorer.region, matching.REGION_POINTS),
    ):
        if mine is not None:
            exact.append(_points(f"{_column(column)} = %s", points))
            params.append(mine)
    for topic in scorer.topics:
        holds, param = _list_holds(_column("topics"), topic)
        exact.append(_points(holds, matching.TOPIC_POINTS))
        params.append(param)

    possible, possible_params = [], []
    if scorer.topics:
        possible.append(
            f"CASE WHEN {_is_list(_column('topics'))} THEN 0 ELSE {matching.TOPIC_POINTS * len(scorer.topics)} END"
        )
    if scorer.languages:
        english_only = ", ".join(["%s"] * len(ENGLISH_ONLY_TEXTS))
        possible.append(
            _points(f"CAST({_column('languages')} AS TEXT) NOT IN ({english_only})", matching.LANGUAGE_POINTS)
        )
        possible_params.extend(ENGLISH_ONLY_TEXTS)
    # Only column names and matching's whole-number constants are written into the SQL; values are parameters.
    return ScoreBounds(
        RawSQL(f"({' + '.join(exact)})", params, output_field=IntegerField()),  # noqa: S611
        RawSQL(f"({' + '.join(exact + possible)})", params + possible_params, output_field=IntegerField()),  # noqa: S611
    )
