from celery import shared_task


@shared_task(name="peers.expire_proposals")
def expire_proposals_task() -> int:
    """Every minute: proposals with no answer by their due time go back to the nurses."""
    from .services import introduction_expire_due

    return introduction_expire_due()


@shared_task(name="peers.briefing_reminders")
def briefing_reminders_task() -> int:
    """Hourly (idempotent, once per expiry date): remind volunteers and nurses of briefings about to lapse."""
    from .services import volunteer_briefing_remind_due

    return volunteer_briefing_remind_due()


@shared_task(name="peers.anonymise_ended")
def anonymise_ended_task() -> int:
    """Hourly (idempotent): blank the details of requests and introductions that ended past retention."""
    from .services import peers_anonymise_due

    return peers_anonymise_due()


@shared_task(name="peers.delete_ended_conversations")
def delete_ended_conversations_task() -> int:
    """Hourly (idempotent): delete the messages of introductions that ended past the conversation retention."""
    from .conversations import conversations_delete_due

    return conversations_delete_due()
