from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import CaseStudy, ClinicalText, Exercise, ExerciseGroup, ExerciseProgramme, Organisation, Section
from .services import content_refreshed


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    """Read-mostly: sections change through the editors' pages so every change is reviewed."""

    list_display = ["order", "title", "status", "last_reviewed", "next_review_due"]
    readonly_fields = [f.name for f in Section._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # no way around clinical review, including simple-history's revert

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClinicalText)
class ClinicalTextAdmin(SectionAdmin):
    list_display = ["slug", "title", "status", "last_reviewed", "next_review_due"]
    readonly_fields = [f.name for f in ClinicalText._meta.fields]


class RefreshingAdmin(SimpleHistoryAdmin):
    """Search entries and cached pages follow any change made here."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_refreshed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_refreshed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_refreshed()


class ReviewedWordsAdmin(RefreshingAdmin):
    """Only the non-clinical fields named in `editable` change here; the words change through the
    editors' pages, so every change is reviewed. Nothing is added or deleted around review."""

    editable: tuple[str, ...] = ("order",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.editable]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied  # simple-history's "revert" would put old words live past clinical review


@admin.register(CaseStudy)
class CaseStudyAdmin(ReviewedWordsAdmin):
    list_display = ["order", "name", "status", "last_reviewed", "next_review_due"]
    filter_horizontal = ["sections"]


class ExerciseInline(admin.StackedInline):
    model = Exercise
    extra = 0
    fields = ["order", "name", "status", "last_reviewed", "next_review_due"]
    readonly_fields = ["name", "status", "last_reviewed", "next_review_due"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExerciseGroup)
class ExerciseGroupAdmin(ReviewedWordsAdmin):
    list_display = ["order", "name", "kind", "status", "last_reviewed", "next_review_due"]
    inlines = [ExerciseInline]


@admin.register(ExerciseProgramme)
class ExerciseProgrammeAdmin(ReviewedWordsAdmin):
    editable = ()


@admin.register(Organisation)
class OrganisationAdmin(RefreshingAdmin):
    """Contact details change only through a nurse's check or an approved proposal (the editors' pages)."""

    list_display = ["order", "name", "kind", "phone", "details_checked_on"]
    readonly_fields = [
        *Organisation.DETAIL_FIELDS,
        "details_checked_on",
        "details_checked_by",
        *(f"proposed_{field}" for field in Organisation.DETAIL_FIELDS),
        "proposed_by",
        "proposed_at",
    ]
