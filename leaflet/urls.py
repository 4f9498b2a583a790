from django.urls import path

from . import helpfulness_views, views

app_name = "leaflet"


def _clinical_item_paths(prefix: str, kind: str) -> list:
    """The review pages of one kind of clinical content (views.CLINICAL_ITEMS), named `kind`, `kind-edit`, ..."""
    item = f"editor/{prefix}/<int:pk>/"
    return [
        path(item, views.clinical_item_review, {"kind": kind}, name=kind),
        path(f"{item}edit/", views.clinical_item_edit, {"kind": kind}, name=f"{kind}-edit"),
        path(f"{item}submit/", views.clinical_item_submit, {"kind": kind}, name=f"{kind}-submit"),
        path(f"{item}withdraw/", views.clinical_item_withdraw, {"kind": kind}, name=f"{kind}-withdraw"),
        path(f"{item}approve/", views.clinical_item_approve, {"kind": kind}, name=f"{kind}-approve"),
        path(f"{item}return/", views.clinical_item_return, {"kind": kind}, name=f"{kind}-return"),
        path(f"{item}history/", views.clinical_item_history, {"kind": kind}, name=f"{kind}-history"),
        path(f"{item}revert/<int:history_id>/", views.clinical_item_revert, {"kind": kind}, name=f"{kind}-revert"),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("guidance/", views.contents, name="contents"),
    path("guidance/exercises/programme/", views.exercise_programme, name="exercise-programme"),
    path("guidance/stories/", views.case_studies, name="case-studies"),
    path("guidance/print/", views.print_leaflet, name="print"),
    path("guidance/<slug:slug>/", views.section_detail, name="section"),
    path("guidance/<slug:slug>/helpful/", helpfulness_views.section_helpful, name="section-helpful"),
    path("contacts/", views.contacts, name="contacts"),
    path("search/", views.search_view, name="search"),
    path("search/go/<int:search_id>/", views.search_go, name="search-go"),
    path("editor/", views.editor_dashboard, name="editor"),
    path("editor/sections/<int:pk>/", views.section_review, name="section-review"),
    path("editor/sections/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path("editor/sections/<int:pk>/submit/", views.section_submit, name="section-submit"),
    path("editor/sections/<int:pk>/withdraw/", views.section_withdraw, name="section-withdraw"),
    path("editor/sections/<int:pk>/approve/", views.section_approve, name="section-approve"),
    path("editor/sections/<int:pk>/return/", views.section_return, name="section-return"),
    path("editor/sections/<int:pk>/history/", views.section_history, name="section-history"),
    path("editor/sections/<int:pk>/revert/<int:history_id>/", views.section_revert, name="section-revert"),
    path("editor/out-of-date/", views.out_of_date, name="out-of-date"),
    path("editor/contacts/", views.contacts_check, name="contacts-check"),
    path("editor/contacts/<int:pk>/checked/", views.organisation_mark_checked, name="organisation-checked"),
    path("editor/contacts/<int:pk>/propose/", views.organisation_propose, name="organisation-propose"),
    path("editor/contacts/<int:pk>/approve/", views.organisation_approve, name="organisation-approve"),
    path("editor/contacts/<int:pk>/reject/", views.organisation_reject, name="organisation-reject"),
    path("editor/search/", views.search_report, name="search-report"),
    path("editor/helpfulness/", helpfulness_views.helpfulness_report, name="helpfulness"),
    path("editor/search/synonyms/", views.synonyms, name="synonyms"),
    path("editor/search/synonyms/<int:pk>/", views.synonyms, name="synonym-edit"),
    path("editor/search/synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym-delete"),
    path("editor/search/best-bets/", views.best_bets, name="best-bets"),
    path("editor/search/best-bets/<int:pk>/delete/", views.best_bet_delete, name="best-bet-delete"),
    *_clinical_item_paths("clinical-texts", "clinical-text"),
    *_clinical_item_paths("case-studies", "case-study"),
    *_clinical_item_paths("exercise-programme", "exercise-programme"),
    *_clinical_item_paths("exercise-groups", "exercise-group"),
    *_clinical_item_paths("exercises", "exercise"),
]
