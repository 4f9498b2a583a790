"""manage.py triage_eval FILE: the safety triage's sensitivity and false-alarm rate per label.

FILE is JSON Lines, one labelled message a line (the format is in helpline/triage_eval.py):
    {"text": "...", "topics": ["pain"], "expected": "emergency"}
Exits with status 1 when any emergency, crisis or safeguarding message is missed, or fewer
than 85% of the calm messages stay calm, so it can gate a change to the rules.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpline.triage_eval import LABELS, evaluate, read_labelled

MUST_NOT_MISS = ("emergency", "crisis", "safeguarding")
CALM_AT_LEAST = 0.85


class Command(BaseCommand):
    help = "Report the safety triage's sensitivity and false-alarm rate per label on a labelled file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines: one {text, topics, expected} message a line")
        parser.add_argument("--show-missed", action="store_true", help="print each message the triage got wrong")

    def handle(self, *args, file, show_missed=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            messages = read_labelled(path.read_text(encoding="utf-8").splitlines())
        except ValueError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if not messages:
            raise CommandError(f"{file}: no labelled messages in it")
        figures = evaluate(messages)
        self.stdout.write(f"Safety triage on {len(messages)} messages from {path.name}")
        self.stdout.write(f"  {'label':<15} {'right':>9} {'sensitivity':>12} {'false alarms':>13}")
        for label in LABELS:
            f = figures[label]
            self.stdout.write(
                f"  {label:<15} {f.right:>4}/{f.messages:<4} {f.sensitivity:>11.1%} {f.false_alarm_rate:>12.1%}"
            )
            if show_missed:
                for text in f.missed:
                    self.stdout.write(f"    missed: {text}")
        failed = [label for label in MUST_NOT_MISS if figures[label].right < figures[label].messages]
        if figures["routine"].messages and figures["routine"].sensitivity < CALM_AT_LEAST:
            failed.append("routine")
        if failed:
            raise CommandError(f"Below target: {', '.join(failed)}", returncode=1)
        self.stdout.write("Every emergency, crisis and safeguarding message caught; calm messages stay calm.")
