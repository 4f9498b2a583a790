from celery import shared_task


@shared_task(name="portal.email_deliver")
def email_deliver_task(message_id: int) -> None:
    from .outbox import email_deliver

    email_deliver(message_id=message_id)
