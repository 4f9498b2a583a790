from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "helpline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data

        personal_data.register_provider()
