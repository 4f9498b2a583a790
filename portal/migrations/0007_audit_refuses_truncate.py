from django.db import migrations

# The row trigger of 0002 does not fire on TRUNCATE; this statement trigger does, for
# every role, the owner included. The runtime role has no TRUNCATE privilege anyway
# (portal/dbroles.py); this also stops an owner's `flush` or a stray TRUNCATE.
NO_TRUNCATE_SQL = """
CREATE TRIGGER portal_auditentry_no_truncate
    BEFORE TRUNCATE ON portal_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION portal_auditentry_append_only();
"""

DROP_SQL = "DROP TRIGGER IF EXISTS portal_auditentry_no_truncate ON portal_auditentry;"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE_SQL)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_inbound_email")]

    operations = [migrations.RunPython(install, remove)]
