"""The change log behind the sync feed (core/change_log.py): the table, the triggers that fill
it, and a "created" change (then a "trashed" one for records in the trash) for every record
that exists already, so a mirror starting from the beginning gets everything.

The triggers are created before the backfill: creating a trigger locks its table against
writes until this migration commits, so no write falls between the backfill and the triggers.
They are plain SQL rather than pgtrigger declarations because the tables belong to the sources
and claims apps, whose models (and migrations) this app does not own; their names do not start
with "pgtrigger_", so `pgtrigger prune` leaves them alone.
"""

import django.db.models.expressions
import django.db.models.functions.datetime
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

import core.change_log

# (type, table, whether it has a trash, the column holding its creation time)
TRACKED = [
    ("publisher", "sources_publisher", False, "created_at"),
    ("source", "sources_source", True, "created_at"),
    ("source_reliance", "sources_sourcereliance", False, "created_at"),
    ("article", "claims_article", True, "created_at"),
    ("claim", "claims_claim", True, "created_at"),
    ("citation", "claims_citation", False, "added_at"),
    ("status_change", "claims_statuschange", False, "changed_at"),
]
TRIGGER = "claimtrack_change_log"

# One function for every table: the record's type and whether it has a trash are the trigger's
# arguments. Moving into or out of the trash is told apart from other changes; an update that
# changes nothing (a save of the same values) is no change.
LOG_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION claimtrack_log_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    change_operation text;
    change_object_id bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        change_operation := 'created';
        change_object_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        change_operation := 'deleted';
        change_object_id := OLD.id;
    ELSE
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NULL;
        END IF;
        change_operation := 'changed';
        change_object_id := NEW.id;
        IF TG_ARGV[1] = 'trash' THEN
            IF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
                change_operation := 'trashed';
            ELSIF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
                change_operation := 'restored';
            END IF;
        END IF;
    END IF;
    INSERT INTO config_change (txid, type, object_id, operation, changed_at)
    VALUES (pg_current_xact_id(), TG_ARGV[0], change_object_id, change_operation, clock_timestamp());
    RETURN NULL;
END;
$$;
"""


def create_triggers_sql() -> str:
    statements = [LOG_CHANGE_FUNCTION]
    for name, table, has_trash, _ in TRACKED:
        statements.append(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION claimtrack_log_change('{name}', '{'trash' if has_trash else 'none'}');"
        )
    return "\n".join(statements)


def drop_triggers_sql() -> str:
    statements = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table};" for _, table, _, _ in TRACKED]
    statements.append("DROP FUNCTION IF EXISTS claimtrack_log_change();")
    return "\n".join(statements)


def backfill_sql() -> str:
    """Records in creation order of their types (what a record refers to comes first), each
    type by id; the whole backfill is one transaction, so it sorts before every later change."""
    statements = []
    for name, table, has_trash, created in TRACKED:
        statements.append(
            "INSERT INTO config_change (txid, type, object_id, operation, changed_at) "  # noqa: S608 (constants)
            f"SELECT pg_current_xact_id(), '{name}', id, 'created', {created} FROM {table} ORDER BY id;"
        )
        if has_trash:
            statements.append(
                "INSERT INTO config_change (txid, type, object_id, operation, changed_at) "  # noqa: S608 (constants)
                f"SELECT pg_current_xact_id(), '{name}', id, 'trashed', deleted_at FROM {table} "
                "WHERE deleted_at IS NOT NULL ORDER BY id;"
            )
    return "\n".join(statements)


class Migration(migrations.Migration):
    replaces = [("config", "0004_change_log")]
    dependencies = [
        ("core", "0003_cache_table"),
        ("sources", "0002_history_versions_trash"),
        ("claims", "0002_history_versions_trash"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "txid",
                    core.change_log.TransactionIdField(
                        db_default=django.db.models.expressions.RawSQL(
                            "pg_current_xact_id()", (), output_field=core.change_log.TransactionIdField()
                        ),
                        editable=False,
                        help_text="The transaction that made the change.",
                    ),
                ),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("publisher", "Publisher"),
                            ("source", "Source"),
                            ("source_reliance", "Source reliance link"),
                            ("article", "Article"),
                            ("claim", "Claim"),
                            ("citation", "Citation"),
                            ("status_change", "Status change"),
                        ],
                        help_text="What kind of record.",
                        max_length=20,
                    ),
                ),
                ("object_id", models.BigIntegerField(help_text="The record's id.")),
                (
                    "operation",
                    models.CharField(
                        choices=[
                            ("created", "Created"),
                            ("changed", "Changed"),
                            ("trashed", "Moved to the trash"),
                            ("restored", "Restored from the trash"),
                            ("deleted", "Deleted for good"),
                        ],
                        help_text="What happened.",
                        max_length=10,
                    ),
                ),
                (
                    "changed_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        help_text="When the change was written.",
                    ),
                ),
            ],
            options={
                "db_table": "config_change",
                "indexes": [models.Index(fields=["txid", "id"], name="change_position")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "type__in",
                                [
                                    "publisher",
                                    "source",
                                    "source_reliance",
                                    "article",
                                    "claim",
                                    "citation",
                                    "status_change",
                                ],
                            )
                        ),
                        name="change_type_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("operation__in", ["created", "changed", "trashed", "restored", "deleted"])
                        ),
                        name="change_operation_valid",
                    ),
                ],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="change",
            trigger=pgtrigger.compiler.Trigger(
                name="change_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="34c09d0d41197b466718375385140c3ebba06296",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_change_append_only_c6036",
                    table="config_change",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunSQL(create_triggers_sql(), drop_triggers_sql()),
        migrations.RunSQL(backfill_sql(), migrations.RunSQL.noop),
    ]
