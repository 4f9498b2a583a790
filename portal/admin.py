from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html

from .models import AuditEntry, EmailSuppression, InboundEmail, OutboundEmail, User
from .outbox import email_retry
from .outbox.consent import suppression_lift


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Roles and permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class ActorFilter(admin.SimpleListFilter):
    """Everything one account did, by user id (the trail keeps ids, not names)."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        return [("none", "No signed-in actor (system or anonymous)")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(actor__isnull=True)
        if value and value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (PostgreSQL refuses UPDATE and DELETE on it)."""

    list_display = ["at", "action", "actor_id", "target_type", "target_id", "ip"]
    list_filter = ["action", "target_type", ActorFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["=target_id", "action"]
    date_hierarchy = "at"
    readonly_fields = ["at", "action", "actor_id", "target_type", "target_id", "ip", "detail"]
    fields = readonly_fields
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only view of the outbox; filter by "Failed" to see what needs attention and retry it."""

    list_display = ["id", "status", "kind", "subject", "send_after", "sent_at", "attempts", "last_error"]
    list_filter = ["status", "kind", "template"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected failed emails")
    def retry_failed(self, request, queryset):
        retried = 0
        for message in queryset.filter(status=OutboundEmail.Status.FAILED):
            email_retry(message=message, by=request.user)
            retried += 1
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} email(s) will be sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} selected email(s) had not failed and were left alone.", messages.WARNING
            )


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    """Addresses we no longer email (masked; only a keyed hash is kept), why, since when, and the email that said so.

    Deleting an entry lifts it, with an audit row: email may go to that address again.
    """

    list_display = ["address_masked", "reason", "created_at", "detail", "source_email"]
    list_filter = ["reason", ("created_at", admin.DateFieldListFilter)]
    readonly_fields = ["address_masked", "reason", "created_at", "detail", "source_email", "address_hash"]
    fields = readonly_fields
    actions = ["lift"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # lifting goes through the audited action below
        return actions

    @admin.display(description="source message")
    def source_email(self, obj):
        if obj.source_id is None:
            return "-"
        url = reverse("admin:portal_inboundemail_change", args=[obj.source_id])
        return format_html('<a href="{}">{} #{}</a>', url, obj.source.get_kind_display(), obj.source_id)

    def delete_model(self, request, obj):
        suppression_lift(suppression=obj, by=request.user)

    @admin.action(description="Lift the selected suppressions (email may go to these addresses again)")
    def lift(self, request, queryset):
        lifted = 0
        for suppression in queryset:
            suppression_lift(suppression=suppression, by=request.user)
            lifted += 1
        self.message_user(request, f"{lifted} suppression(s) lifted.", messages.SUCCESS)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Read-only record of what came into the mailbox.

    Filter by "Rejected" to read what nothing handled, and by "Spam complaint"
    for the complaints (they never reach an enquiry).
    """

    list_display = ["id", "kind", "received_at", "about_type", "about_id", "note"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
