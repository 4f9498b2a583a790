from django.apps import AppConfig


class LeafletConfig(AppConfig):
    name = "leaflet"
    default_auto_field = "django.db.models.BigAutoField"
