import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _redbeat_settings_by_their_own_names(sender, **kwargs):
    # celery-redbeat 2.4 asks whether its settings exist without the CELERY_ namespace, and finding
    # only CELERY_REDBEAT_* warns at every start that it falls back to the broker's (it does not).
    for name in ("redbeat_redis_url", "redbeat_redis_options"):
        if name in sender.conf:
            sender.conf[name] = sender.conf[name]
