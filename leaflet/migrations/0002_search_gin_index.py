"""The GIN index for full-text search exists on PostgreSQL only.

It is created here rather than in the model's Meta so that the same migrations
run on SQLite (a newcomer's machine), where the search column stays empty.
"""

from django.db import migrations

INDEX = "leaflet_searchentry_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON leaflet_searchentry USING gin (search)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("leaflet", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
