# The whole leaflet is loaded (the tests' `leaflet` fixture); its own text belongs inside lang="en".
# Samples are its first records of each kind; synonyms are the ones a migration seeds.
from leaflet import services
from leaflet.models import Organisation, Section, Synonym
from leaflet.views import CLINICAL_ITEMS


def _first(model):
    return lambda s: {"pk": model.objects.order_by("pk").first().pk}


def _with_best_bet(s) -> dict:
    # The page lists the pins: one, as an editor would type the search (searches are in English).
    services.best_bet_save(query="bone scan", section=Section.objects.order_by("pk").first(), by=s.editor)
    return {}


CRAWLED = True

SAMPLES = {
    "leaflet:section": lambda s: {"slug": Section.objects.order_by("pk").first().slug},
    **{f"leaflet:section-{step}": _first(Section) for step in ("review", "edit", "history")},
    # Clinical texts, case studies, the exercise programme, its groups and exercises: review, edit, history.
    **{
        f"leaflet:{kind}{step}": _first(model)
        for kind, (model, _) in CLINICAL_ITEMS.items()
        for step in ("", "-edit", "-history")
    },
    "leaflet:organisation-propose": _first(Organisation),
    "leaflet:synonym-edit": _first(Synonym),
    "leaflet:best-bets": _with_best_bet,
}

_STEPS = ("submit", "withdraw", "approve", "return", "revert")
NOT_CRAWLED = {
    **{
        f"leaflet:{kind}-{step}": "POST only: an editor's or nurse's step in an item's review"
        for kind in ("section", *CLINICAL_ITEMS)
        for step in _STEPS
    },
    **{
        f"leaflet:organisation-{step}": "POST only: an editor's step in checking a contact"
        for step in ("checked", "approve", "reject")
    },
    "leaflet:synonym-delete": "POST only: an editor removes a synonym",
    "leaflet:best-bet-delete": "POST only: an editor unpins a page",
    "leaflet:section-helpful": "POST only: a reader says whether a section helped",
    "leaflet:search-go": "a redirect: counts a followed search result, then sends her to it",
    "leaflet:contacts": "a redirect to the contacts section (an old address)",
}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
