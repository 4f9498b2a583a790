from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "helpline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import personal_data

        from .personal_data import helpline_erase, helpline_export

        personal_data.register("helpline", export=helpline_export, erase=helpline_erase)
