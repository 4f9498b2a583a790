"""`migrate`, run as the owner role when DATABASE_MIGRATE_URL names one (portal/dbroles.py).

Afterwards the runtime role (DATABASE_URL's user) is granted its rights on every table,
so the web processes and workers never need to own anything.
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate

from portal.dbroles import connected_as_owner, grant_runtime_privileges


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with connected_as_owner(options["database"]) as connection:
            super().handle(*args, **options)
            if settings.DATABASE_RUNTIME_ROLE and connection.vendor == "postgresql":
                grant_runtime_privileges(connection, settings.DATABASE_RUNTIME_ROLE)
