"""Give the shipped safety advice texts a first revision, so clinical staff can put that wording back."""

from django.db import migrations

from leaflet.workflow import record_first_revisions


def record(apps, schema_editor):
    record_first_revisions(apps, "ClinicalText", "shipped with the portal")


class Migration(migrations.Migration):
    dependencies = [
        ("helpline", "0011_event_kinds_for_conversations_and_alerts"),
        ("leaflet", "0013_exercises_under_clinical_review"),
    ]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
