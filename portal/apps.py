from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data, signals

        signals.connect()
        personal_data.register_portal_provider()
