"""Ship the advice for the maternal red flags, domestic abuse and messages not in English as clinical texts.

Live from day one and listed for clinical review, each with a first revision so the
shipped wording can be put back.
"""

from django.db import migrations
from django.utils import timezone

from leaflet.workflow import record_first_revisions

# The texts as they shipped with this migration: later changes go through the clinical review.
SLUGS = (
    "safety-emergency-maternal",
    "safety-maternity-unit-now",
    "safety-midwife-gp-111-now",
    "safety-postpartum-psychosis",
    "safety-domestic-abuse",
    "safety-other-language",
)


def seed(apps, schema_editor):
    from helpline.triage import EXTRA_ADVICE

    ClinicalText = apps.get_model("leaflet", "ClinicalText")
    for slug in SLUGS:
        advice = EXTRA_ADVICE[slug]
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
    record_first_revisions(apps, "ClinicalText", "shipped with the portal")


class Migration(migrations.Migration):
    dependencies = [
        ("helpline", "0017_enquiry_language_and_why_not_emailed"),
        ("leaflet", "0014_searchentry_no_generation"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
