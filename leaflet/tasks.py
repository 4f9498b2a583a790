from celery import shared_task


@shared_task(name="leaflet.review_reminders")
def review_reminders_task() -> None:
    from .services import review_reminders_send

    review_reminders_send()


@shared_task(name="leaflet.search_stats_purge")
def search_stats_purge_task() -> None:
    from .services import search_stats_purge

    search_stats_purge()
