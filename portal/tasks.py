"""Celery tasks of the shared core. Thin: ids in, one service call; no personal data in arguments."""

from celery import shared_task

# acks_late + reject_on_worker_lost: the message is acknowledged only after the task
# returns, and re-queued if the worker process dies, so a crash never loses a task.
# Re-delivery is safe because email_deliver claims the row with a conditional
# UPDATE: a second run finds it no longer SCHEDULED and does nothing. Retries are
# not Celery retries: a temporary failure puts the row back to SCHEDULED with a
# later send_after and the sweeper publishes it then (no long countdowns that
# would outlive Redis' visibility timeout).


@shared_task(name="portal.email_deliver", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def email_deliver_task(message_id: int) -> None:
    from .outbox import email_deliver

    email_deliver(message_id=message_id)


# expires: a sweep that waited in the queue longer than its interval is dropped;
# the next one does the same work.
@shared_task(name="portal.emails_sweep", ignore_result=True, expires=55)
def emails_sweep_task() -> None:
    from .outbox import emails_sweep

    emails_sweep()


# expires: a read that waited in the queue past the next one's start is dropped. Two reads
# at once are safe anyway: each message is claimed by a unique key in the database.
@shared_task(name="portal.inbound_read", ignore_result=True, expires=55)
def inbound_read_task() -> None:
    from .inbound import inbound_read

    inbound_read()


@shared_task(name="portal.inbound_prune", ignore_result=True, expires=3000)
def inbound_prune_task() -> None:
    from .inbound import inbound_prune

    inbound_prune()
