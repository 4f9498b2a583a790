"""The whole leaflet for a test, loaded once per run and then copied in.

`content_load()` renders every section, rebuilds the search entries and writes a history
row for each item: about two seconds, in dozens of tests that only need the guidance to be
there. The first load of a run is a real one, and the rows it adds are kept. A later test
whose leaflet tables hold what they held before that first load (a freshly migrated
database, rolled back after every test) gets the same rows inserted table by table, with
their times moved to the test's own "now", as a real load at that moment would have
written them. Any other test (after a transactional test has emptied the tables, or one
that made guidance of its own first) gets a real load. The loader itself is tested in
tests/leaflet/test_loader.py, always with real loads.
"""

import copy
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db import models
from django.utils import timezone

from leaflet.cache import content_changed
from leaflet.loader import LoadReport, content_load
from leaflet.models import ContentVersion


@dataclass
class _FirstLoad:
    before: dict[type[models.Model], int]  # rows in each leaflet table just before it
    added: list[tuple[type[models.Model], list[dict]]]  # the rows it added, table by table
    at: datetime
    report: LoadReport


_first: _FirstLoad | None = None
_copyable = True  # False once the first load changed or deleted rows: then every load is real


def _leaflet_models() -> list[type[models.Model]]:
    return list(apps.get_app_config("leaflet").get_models(include_auto_created=True))


def _counts() -> dict[type[models.Model], int]:
    return {model: model._base_manager.count() for model in _leaflet_models()}


def _rows(model: type[models.Model], **filters) -> dict:
    """Each row as {field attname: value}, by primary key."""
    fields = [f.attname for f in model._meta.concrete_fields]
    return {row.pop("pk"): row for row in model._base_manager.filter(**filters).values("pk", *fields)}


def leaflet_load() -> LoadReport:
    """Load the leaflet from the content files, as `make run` does; see the module docstring."""
    counts = _counts()
    if _first is None:
        return _load_and_keep(counts)
    if not _copyable or counts != _first.before:
        return content_load()
    _copy_in(_first)
    return copy.deepcopy(_first.report)


def _load_and_keep(counts: dict) -> LoadReport:
    global _first, _copyable
    every_model = apps.get_models(include_auto_created=True)
    before = {model: _rows(model) for model in _leaflet_models()}
    other_pks = {m: set(m._base_manager.values_list("pk", flat=True)) for m in every_model if m not in before}
    at = timezone.now()
    report = content_load()
    added = []
    for model in every_model:
        if model is ContentVersion:
            continue  # a load names a new content version; so does every copy (_copy_in)
        if model in before:
            old, after = before[model], _rows(model)
            if any(after.get(pk) != row for pk, row in old.items()):
                _copyable = False  # it changed what was there: only a real load can do that again
                warnings.warn(
                    f"content_load() changed {model.__name__} rows: every test loads the leaflet for real", stacklevel=3
                )
            new = [row for pk, row in after.items() if pk not in old]
        else:
            # Outside the leaflet (its audit entry) a copied row takes the next id: the test may
            # have made rows of its own there, and no leaflet row points at it.
            pk_name = model._meta.pk.attname
            new_pks = set(model._base_manager.values_list("pk", flat=True)) - other_pks[model]
            new = [{k: v for k, v in row.items() if k != pk_name} for row in _rows(model, pk__in=new_pks).values()]
        if new:
            added.append((model, new))
    _first = _FirstLoad(before=counts, added=added, at=at, report=copy.deepcopy(report))
    return report


def _copy_in(first: _FirstLoad) -> None:
    shift: timedelta = timezone.now() - first.at
    for model, rows in first.added:
        objects = []
        for row in rows:
            values = {k: v + shift if isinstance(v, datetime) else copy.deepcopy(v) for k, v in row.items()}
            objects.append(model(**values))
        model._base_manager.bulk_create(objects)
    content_changed()
