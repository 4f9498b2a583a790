"""Admin: follow-up templates only. Enquiries are changed through the helpline pages, which keep the timeline and audit."""

from django.contrib import admin

from .models import FollowUpTemplate


@admin.register(FollowUpTemplate)
class FollowUpTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "is_active", "updated_at"]
    list_filter = ["is_active"]
