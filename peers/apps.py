from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "peers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import personal_data

        from .personal_data import peers_erase, peers_export, peers_names

        personal_data.register("peers", export=peers_export, erase=peers_erase, names=peers_names)
