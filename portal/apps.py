from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete

        from . import checks, personal_data, signals
        from .inbound.services import attachment_deleted
        from .models import InboundAttachment

        signals.connect()
        checks.register()
        personal_data.register_portal_provider()
        # Row deletions bypass every service (cascades, the admin): the stored file must not outlive its row.
        post_delete.connect(attachment_deleted, sender=InboundAttachment, dispatch_uid="portal.attachment_deleted")
