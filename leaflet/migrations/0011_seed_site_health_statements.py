"""Ship the site's own health statements (footer, urgent advice) as clinical texts, live from day one."""

from django.db import migrations
from django.utils import timezone

from leaflet.workflow import record_first_revisions


def seed(apps, schema_editor):
    from leaflet.health_statements import SITE_STATEMENTS

    ClinicalText = apps.get_model("leaflet", "ClinicalText")
    for statement in SITE_STATEMENTS.values():
        sources = "\n".join(statement.sources)
        ClinicalText.objects.get_or_create(
            slug=statement.slug,
            defaults={
                "purpose": statement.purpose,
                "title": statement.title,
                "body": statement.body,
                "sources": sources,
                "draft_title": statement.title,
                "draft_body": statement.body,
                "draft_sources": sources,
                "status": "published",
                "published_at": timezone.now(),
            },
        )
    record_first_revisions(apps, "ClinicalText", "shipped with the portal")


class Migration(migrations.Migration):
    dependencies = [("leaflet", "0010_seed_search_synonyms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
