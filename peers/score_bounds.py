"""The points of `peers.matching` in SQL, as bounds, so the database can pre-rank volunteers.

`selectors.best_suggestions` asks the database which volunteers can still make the top few and
scores only those with `matching.Scorer`. That is exact only if the bounds are never wrong the
unsafe way: `fewest` is never more than a volunteer's score, `most` never less. Both are written
from `matching.POINTS`, the scorer's own table, for the points the scorer found the mother can
score on (`Scorer.wanted`): here is only how each way of earning a point (`matching.How`) reads
in SQL.

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
from .matching import How
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
    exact, params, possible, possible_params = [], [], [], []
    for point, hers in scorer.wanted:
        if point.how is How.SAME:
            exact.append(_points(f"{_column(point.field)} = %s", point.points))
            params.append(hers)
        elif point.how is How.EACH_SHARED:
            column = _column(point.field)
            for item in hers:
                holds, param = _list_holds(column, item)
                exact.append(_points(holds, point.points))
                params.append(param)
            possible.append(f"CASE WHEN {_is_list(column)} THEN 0 ELSE {point.points * len(hers)} END")
        elif point.how is How.LANGUAGE:
            english_only = ", ".join(["%s"] * len(ENGLISH_ONLY_TEXTS))
            possible.append(_points(f"CAST({_column(point.field)} AS TEXT) NOT IN ({english_only})", point.points))
            possible_params.extend(ENGLISH_ONLY_TEXTS)
        elif point.how is How.PLACES:
            places = f"{_column('capacity')} - {_column('active_count')}"
            exact.append(
                f"{point.points} * CASE WHEN {places} >= {hers} THEN {hers} WHEN {places} > 0 THEN {places} ELSE 0 END"
            )
        else:
            raise NotImplementedError(point.how)
    # Only column names and the table's whole numbers are written into the SQL; values are parameters.
    return ScoreBounds(
        RawSQL(f"({' + '.join(exact) or '0'})", params, output_field=IntegerField()),  # noqa: S611
        RawSQL(f"({' + '.join(exact + possible) or '0'})", params + possible_params, output_field=IntegerField()),  # noqa: S611
    )
