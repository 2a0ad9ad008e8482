"""Sources' triggers declared on the models, their SQL in sources' files.

- search.sql (the unaccent wrapper and the text search configuration of 0003_search) applied
  from its file; it is the same definition, so nothing computed from it changes.
- The change log's triggers (core.models.change_log_trigger) replace the ones
  core/migrations/0004_change_log installed by hand, in the same transaction, so no write is
  logged twice or not at all.

Only config is named here, never claims (config's own history reaches claims' first
migrations: 0004_change_log installed triggers on their tables).
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.change_log import replace_hand_installed_triggers
from core.sqlfiles import run_sql_file

# (table, type in the change log, whether it has a trash), as 0004_change_log installed them.
HAND_INSTALLED = [
    ("sources_publisher", "publisher", False),
    ("sources_source", "source", True),
    ("sources_sourcereliance", "source_reliance", False),
]


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_publisher_name_key"),
        ("core", "0007_change_log_from_file"),
    ]

    operations = [
        run_sql_file("sources", "search.sql", digest="539ae7e361ded4fd"),
        pgtrigger.migrations.AddTrigger(
            model_name="publisher",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('publisher', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, false, false); RETURN NULL;",
                    hash="d9d13dae11452da127ce52650b06de8147c4eb4a",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_0318e",
                    table="sources_publisher",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="source",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('source', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, OLD.deleted_at IS NOT NULL, NEW.deleted_at IS NOT NULL); RETURN NULL;",
                    hash="2012320fcb73b19208401aa512bd7fe93a38c20b",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_5ef0d",
                    table="sources_source",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sourcereliance",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('source_reliance', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, false, false); RETURN NULL;",
                    hash="d5225ddef1c039c1945f00d2a4e14956a5095e13",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_a9e64",
                    table="sources_sourcereliance",
                    when="AFTER",
                ),
            ),
        ),
        replace_hand_installed_triggers(HAND_INSTALLED),
    ]
