from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "helpline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import inbound

        from . import personal_data, services

        personal_data.register_provider()
        inbound.register(
            "helpline",
            replies_about="helpline.enquiry",
            on_reply=services.enquiry_reply_receive,
            on_new=services.enquiry_email_receive,
        )
