from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def check_helpline_hours(app_configs, **kwargs):
    """A mistyped HELPLINE_HOURS fails `check` at deploy time, not the "Ask a nurse" page later."""
    from portal import hours

    try:
        hours.spans()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="helpline.E001")]
    return []


def _enquiry_deleted(sender, instance, **kwargs):
    from portal.inbound import inbound_delete_about

    inbound_delete_about(about=instance)


class HelplineConfig(AppConfig):
    name = "helpline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import inbound, outbox

        from . import mail_notices, peer_screening, people, personal_data, services

        personal_data.register_provider()
        peer_screening.register()
        inbound.register(
            "helpline",
            replies_about="helpline.enquiry",
            on_reply=services.enquiry_reply_receive,
            on_new=services.enquiry_email_receive,
            on_bounce=mail_notices.enquiry_email_bounced,
            on_auto_reply=mail_notices.enquiry_auto_reply_received,
        )
        # "Do not email" on a woman stops every email to her, whichever app or enquiry sends it.
        outbox.register_veto("helpline", people.do_not_email_reason)
        checks.register(check_helpline_hours)
        # Emails point at their enquiry by id, not a foreign key, so no cascade reaches them:
        # an enquiry deleted by any means (the admin, a shell) takes its emails and files with it.
        from django.db.models.signals import post_delete

        from .models import Enquiry

        post_delete.connect(_enquiry_deleted, sender=Enquiry, dispatch_uid="helpline.enquiry_deleted")
        # Each Celery worker process loads the language detector before its first task (inbound email).
        from celery.signals import worker_process_init

        from .language import warm

        worker_process_init.connect(warm, weak=False)
