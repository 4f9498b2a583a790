"""Beat tasks for the helpline: thin wrappers, each calling one service."""

from celery import shared_task


@shared_task(name="helpline.callback_reminders")
def callback_reminders_task() -> int:
    from .services import callback_reminders_send_due

    return callback_reminders_send_due()


@shared_task(name="helpline.anonymise_closed")
def anonymise_closed_task() -> int:
    from .services import enquiries_anonymise_due

    return enquiries_anonymise_due()


@shared_task(name="helpline.escalate_alerts")
def escalate_alerts_task() -> int:
    from .services import safety_alerts_escalate_due

    return safety_alerts_escalate_due()


@shared_task(name="helpline.warn_targets")
def warn_targets_task() -> int:
    from .response_targets import targets_warn_due

    return targets_warn_due()


@shared_task(name="helpline.flags_review")
def flags_review_task() -> int:
    from .people import flags_review_due

    return flags_review_due()


@shared_task(name="helpline.publish_callback_slots")
def publish_callback_slots_task() -> int:
    """Slots for the coming days from the duty rota, so a new shift can be booked without anyone pressing a button."""
    from django.utils import timezone

    from .callback_slots import slots_publish

    return slots_publish(by=None, first_day=timezone.localdate())


@shared_task(name="helpline.closure_feedback")
def closure_feedback_task() -> int:
    from .closure_feedback import feedback_emails_send_due

    return feedback_emails_send_due()
