"""Ship the safety advice texts as clinical texts, live from day one and listed for clinical review."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from helpline.triage import SHIPPED_TEXTS

    ClinicalText = apps.get_model("leaflet", "ClinicalText")
    for advice in SHIPPED_TEXTS:
        sources = "\n".join(advice.sources)
        ClinicalText.objects.get_or_create(
            slug=advice.slug,
            defaults={
                "purpose": advice.purpose,
                "title": advice.title,
                "body": advice.body,
                "sources": sources,
                "draft_title": advice.title,
                "draft_body": advice.body,
                "draft_sources": sources,
                "status": "published",
                "published_at": timezone.now(),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("helpline", "0009_safety_levels_alerts_and_duty_rota"),
        ("leaflet", "0003_clinical_texts"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
