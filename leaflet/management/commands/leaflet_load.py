from django.core.management.base import BaseCommand, CommandError

from leaflet.loader import ContentError, content_load


class Command(BaseCommand):
    help = "Load the leaflet's content files into the database. Safe to re-run (-v 2 lists each change)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite content even where an editor has changed it since the last load.",
        )

    def handle(self, *args, force=False, **options):
        try:
            report = content_load(force=force)
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 1:
            for label, items in (("created", report.created), ("updated", report.updated)):
                for item in items:
                    self.stdout.write(f"{label}: {item}")
        for item in report.kept:
            self.stdout.write(self.style.WARNING(f"kept the editors' revision of {item} (use --force to overwrite)"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Leaflet loaded: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.kept)} kept."
            )
        )
