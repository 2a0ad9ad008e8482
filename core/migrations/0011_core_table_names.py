"""The tables of the app installed as "config" until issue 12 take core's names:
``config_change`` becomes ``core_change`` and ``config_idempotencyrecord`` becomes
``core_idempotencyrecord``, their sequences, indexes and constraints named as creating the
models afresh names them, the change log's function (core/sql/change_log.sql) writing to the
new name, and the append-only trigger installed again (its hash covers the table's name).

A fresh database and one migrated from main both come here with the old names (0002 and 0004
create the tables as config made them), so both end the same.

One migration, so one transaction: the rename holds the change log's table locked until the
function that writes to it names it anew, and both become visible at the same commit. A write
to a logged table that reaches the change log meanwhile waits for the lock and then fails
whole (the old name is gone), so no record changes without its change-log row. Backwards, the
same steps undone in one transaction: the names go back, and the function (the file's rule)
writes to ``config_change``.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.sqlfiles import read_sql, run_sql_file

TABLES = {"config_change": "core_change", "config_idempotencyrecord": "core_idempotencyrecord"}

# Django's index and foreign-key names end in a digest of the table's name: these are the names
# it gives on each table. PostgreSQL's own names (<table>_pkey, <table>_<column>_seq, _check,
# _not_null) only change their prefix.
DJANGO_NAMES = {
    "config_idempotencyrecord_created_at_0624afc7": "core_idempotencyrecord_created_at_d1986507",
    "config_idempotencyrecord_user_id_c3f12344": "core_idempotencyrecord_user_id_a82d8527",
    "config_idempotencyrecord_user_id_c3f12344_fk_auth_user_id": (
        "core_idempotencyrecord_user_id_a82d8527_fk_auth_user_id"
    ),
}

# The constraints of a table (a primary key renamed renames its index), then its indexes and the
# sequences it owns.
CONSTRAINTS = "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass"
INDEXES = (
    "SELECT index.relname FROM pg_index JOIN pg_class index ON index.oid = pg_index.indexrelid "
    "WHERE pg_index.indrelid = %s::regclass"
)
SEQUENCES = (
    "SELECT sequence.relname FROM pg_depend JOIN pg_class sequence ON sequence.oid = pg_depend.objid "
    "WHERE pg_depend.classid = 'pg_class'::regclass AND pg_depend.refobjid = %s::regclass "
    "AND sequence.relkind = 'S'"
)


def rename_objects(*, backwards: bool = False):
    """Gives the objects of the renamed tables that are named after the table's old name (its
    config name; backwards, its core name) the name ``DJANGO_NAMES`` says, or the other prefix.
    Either way the tables have their core names when this runs."""
    names = {new: old for old, new in DJANGO_NAMES.items()} if backwards else DJANGO_NAMES

    def rename(apps, schema_editor):
        quote = schema_editor.quote_name
        with schema_editor.connection.cursor() as cursor:
            for config_name, table in TABLES.items():
                old, new = (table, config_name) if backwards else (config_name, table)
                for query, statement in (
                    (CONSTRAINTS, f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {{}} TO {{}}"),
                    (INDEXES, "ALTER INDEX {} RENAME TO {}"),
                    (SEQUENCES, "ALTER SEQUENCE {} RENAME TO {}"),
                ):
                    cursor.execute(query, [table])
                    for (name,) in cursor.fetchall():
                        if name.startswith(f"{old}_"):
                            target = names.get(name, new + name.removeprefix(old))
                            schema_editor.execute(statement.format(quote(name), quote(target)))

    return rename


def change_log_function_for_config() -> str:
    """The change log's rule (the file's) writing to the table's old name, for the way back."""
    return read_sql("core", "change_log.sql").replace("core_change", "config_change")


class Migration(migrations.Migration):
    dependencies = [("core", "0010_trigger_ids_for_core")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="change", name="change_append_only"),
        migrations.AlterModelTable(name="change", table=None),
        migrations.AlterModelTable(name="idempotencyrecord", table=None),
        migrations.RunPython(rename_objects(), rename_objects(backwards=True)),
        run_sql_file(
            "core", "change_log.sql", digest="33755af67e5eb593", reverse_sql=change_log_function_for_config()
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="change",
            trigger=pgtrigger.compiler.Trigger(
                name="change_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="dbf289295b45d34c93c1739b85346716246dcbf3",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_change_append_only_bcc72",
                    table="core_change",
                    when="BEFORE",
                ),
            ),
        ),
    ]
