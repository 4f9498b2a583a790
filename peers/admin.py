from django.contrib import admin

from .models import CheckIn, Introduction, NurseTask, PeerRequest, VolunteerProfile


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "capacity", "active_count", "briefing_expires_on", "paused")
    list_filter = ("status", "paused")
    # Counters change only through peers.services, under a lock.
    readonly_fields = ("active_count",)


@admin.register(PeerRequest)
class PeerRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "created_at", "source_enquiry_id")
    list_filter = ("status",)


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ("id", "peer_request", "volunteer", "status", "proposed_at", "respond_by")
    list_filter = ("status",)
    readonly_fields = ("token_hash",)


admin.site.register(CheckIn)
admin.site.register(NurseTask)
