"""Make callback slots from the duty rota for the coming days (safe to run daily: existing slots are kept)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from helpline.callback_slots import BOOKING_HORIZON_DAYS, slots_publish


class Command(BaseCommand):
    help = "Publish 30-minute callback slots for every nurse on the rota, inside the opening hours."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=BOOKING_HORIZON_DAYS)

    def handle(self, *args, days: int, **options):
        made = slots_publish(by=None, first_day=timezone.localdate(), days=days)
        self.stdout.write(f"{made} new callback slots published.")
