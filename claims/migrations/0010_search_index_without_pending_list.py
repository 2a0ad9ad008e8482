"""claim_search_gin without GIN's pending list (``fastupdate = off``, Claim.Meta.indexes).

The index is altered in place, not rebuilt (a rebuild takes minutes at a million claims), and
its pending list is flushed into the index at once: ``fastupdate = off`` only stops new entries
from going there."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

FORWARD = """
ALTER INDEX claim_search_gin SET (fastupdate = off);
SELECT gin_clean_pending_list('claim_search_gin'::regclass);
"""
BACKWARD = "ALTER INDEX claim_search_gin RESET (fastupdate);"


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_merge_branches")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveIndex(model_name="claim", name="claim_search_gin"),
                migrations.AddIndex(
                    model_name="claim",
                    index=GinIndex(fields=["search_vector"], name="claim_search_gin", fastupdate=False),
                ),
            ],
        )
    ]
