"""Work out the first-response due time of every enquiry, once, after targets were introduced.

    manage.py response_targets_backfill

Enquiries already past their target and still waiting are marked as warned, so the
first sweep does not send the nurses one email for each of a backlog they can see
in the queue.
"""

from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from helpline.models import Enquiry
from helpline.response_targets import due_times_recompute


class Command(BaseCommand):
    help = "Work out the first-response due time of every enquiry (run once after migrating)."

    def handle(self, *args, **options):
        updated = due_times_recompute(everything=True)
        late = Enquiry.objects.filter(
            target_warned_at__isnull=True, awaiting_response_due_at__lt=timezone.now()
        ).update(target_warned_at=F("awaiting_response_due_at"))
        self.stdout.write(f"{updated} enquiries have a due time; {late} already late are not warned about again.")
