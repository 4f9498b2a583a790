"""Admin: follow-up templates, response targets and closures. Enquiries are changed through the helpline pages,
which keep the timeline and audit."""

from django.contrib import admin, messages

from . import response_targets
from .models import FollowUpTemplate, HelplineClosure, ResponseTarget


@admin.register(FollowUpTemplate)
class FollowUpTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "is_active", "updated_at"]
    list_filter = ["is_active"]


def _moved(request, count: int) -> None:
    if count:
        messages.info(request, f"The due time of {count} enquir{'y' if count == 1 else 'ies'} still waiting moved.")


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    """Every change goes through the service, which moves the due times of the enquiries still waiting."""

    list_display = ["urgency", "minutes", "in_opening_hours", "updated_at"]
    fields = ["urgency", "minutes"]

    @admin.display(boolean=True, description="counted in opening hours")
    def in_opening_hours(self, obj):
        return obj.in_opening_hours

    def has_delete_permission(self, request, obj=None):
        # A level without a row falls back to the default target: change the minutes instead.
        return False

    def save_model(self, request, obj, form, change):
        _moved(request, response_targets.response_target_save(target=obj, by=request.user))


@admin.register(HelplineClosure)
class HelplineClosureAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "reason"]
    fields = ["starts_at", "ends_at", "reason"]
    date_hierarchy = "starts_at"
    actions = ["delete_closures"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would skip the service
        return actions

    def save_model(self, request, obj, form, change):
        _moved(request, response_targets.closure_save(closure=obj, by=request.user))

    def delete_model(self, request, obj):
        _moved(request, response_targets.closure_delete(closure=obj, by=request.user))

    @admin.action(description="Delete the selected closures", permissions=["delete"])
    def delete_closures(self, request, queryset):
        for closure in queryset:
            _moved(request, response_targets.closure_delete(closure=closure, by=request.user))
