"""The database cache table that holds the request rate counters when Redis is not used.

Created whatever CACHES says, so switching from Redis back to the database cache needs
no manual step.
"""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "claimtrack_cache"  # settings.CACHE_TABLE; a migration does not read settings


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    replaces = [("config", "0003_cache_table")]
    dependencies = [("core", "0002_idempotencyrecord")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
