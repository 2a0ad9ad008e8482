"""Core's tables have core's names (core/migrations/0011_core_table_names.py): ``config_change``
is ``core_change`` and ``config_idempotencyrecord`` is ``core_idempotencyrecord``, their
sequences, indexes and constraints named as creating the models afresh names them, on a fresh
database and on one migrated before the rename, forwards, backwards and forwards again."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AlterModelTable

from core.change_log import Change
from core.models import IdempotencyRecord
from core.sqlfiles import RunSQLFile
from tests.core.test_database_definitions import function_differences, trigger_problems
from tests.factories import PublisherFactory, UserFactory

MODELS = [Change, IdempotencyRecord]
TABLES = {"config_change": "core_change", "config_idempotencyrecord": "core_idempotencyrecord"}
BEFORE = ("core", "0010_trigger_ids_for_core")
RENAME = ("core", "0011_core_table_names")
SCRATCH = "fresh_tables"

NAMED_OBJECTS = """
SELECT tab.relname, 'constraint', con.conname
FROM pg_constraint con JOIN pg_class tab ON tab.oid = con.conrelid
WHERE tab.relnamespace = %(schema)s::regnamespace AND tab.relname = ANY(%(tables)s)
UNION ALL
SELECT tab.relname, 'index', idx.relname
FROM pg_index i JOIN pg_class idx ON idx.oid = i.indexrelid JOIN pg_class tab ON tab.oid = i.indrelid
WHERE tab.relnamespace = %(schema)s::regnamespace AND tab.relname = ANY(%(tables)s)
UNION ALL
SELECT tab.relname, 'sequence', seq.relname
FROM pg_depend d JOIN pg_class seq ON seq.oid = d.objid JOIN pg_class tab ON tab.oid = d.refobjid
WHERE d.classid = 'pg_class'::regclass AND seq.relkind = 'S'
  AND tab.relnamespace = %(schema)s::regnamespace AND tab.relname = ANY(%(tables)s)
"""


def named_objects(schema: str, tables: list[str]) -> set[tuple[str, str, str]]:
    """(table, kind, name) of every constraint, index and owned sequence of ``tables``."""
    with connection.cursor() as cursor:
        cursor.execute(NAMED_OBJECTS, {"schema": schema, "tables": tables})
        return set(cursor.fetchall())


def fresh_names() -> set[tuple[str, str, str]]:
    """The same for core's models as Django's schema editor creates them today, in a scratch
    schema, rolled back."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {SCRATCH}")
            cursor.execute(f"SET LOCAL search_path = {SCRATCH}, public")
        with connection.schema_editor() as editor:
            for model in MODELS:
                editor.create_model(model)
        found = named_objects(SCRATCH, list(TABLES.values()))
        transaction.set_rollback(True)
    return found


def old_names() -> set[str]:
    """The relations and constraints of the public schema still named after config's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "AND relname LIKE 'config\\_%%' "
            "UNION ALL SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "AND conname LIKE 'config\\_%%'"
        )
        return {name for (name,) in cursor.fetchall()}


def table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def logged_in(table: str) -> list[tuple[str, int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT type, object_id, operation FROM {table} ORDER BY id")  # noqa: S608 (constant)
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_tables_have_cores_names_and_nothing_is_named_after_config():
    assert [model._meta.db_table for model in MODELS] == list(TABLES.values())
    assert set(TABLES.values()) <= table_names()
    assert not set(TABLES) & table_names()
    assert old_names() == set()


@pytest.mark.django_db
def test_the_names_are_those_a_fresh_creation_gives():
    fresh = fresh_names()
    # The check can fail: it sees the primary keys, sequences and Django's digest-named indexes.
    assert {
        ("core_change", "index", "core_change_pkey"),
        ("core_change", "sequence", "core_change_id_seq"),
        ("core_change", "index", "change_position"),
        ("core_idempotencyrecord", "index", "core_idempotencyrecord_created_at_d1986507"),
        ("core_idempotencyrecord", "constraint", "core_idempotencyrecord_user_id_a82d8527_fk_auth_user_id"),
    } <= fresh
    assert named_objects("public", list(TABLES.values())) == fresh


def test_the_rename_and_the_function_writing_to_it_are_one_transaction():
    """A write meanwhile waits for the renamed table's lock, then fails whole: none is kept
    without its change-log row (the migration's docstring says how)."""
    migration = MigrationLoader(None, ignore_no_migrations=True).graph.nodes[RENAME]
    assert migration.atomic
    renamed = {operation.name for operation in migration.operations if isinstance(operation, AlterModelTable)}
    assert renamed == {"change", "idempotencyrecord"}
    applied = [(op.app_label, op.name) for op in migration.operations if isinstance(op, RunSQLFile)]
    assert applied == [("core", "change_log.sql")]
    module = importlib.import_module("core.migrations.0011_core_table_names")
    assert "config_change" in module.change_log_function_for_config()
    assert "core_change" not in module.change_log_function_for_config()


@pytest.mark.django_db(transaction=True)
def test_back_and_forth_every_row_stays_and_every_write_is_logged(working_groups):
    record = IdempotencyRecord.objects.create(
        user=UserFactory(), key="k", method="POST", path="/x", request_hash="h", response_status=201
    )
    first = PublisherFactory()
    expected = [("publisher", first.pk, "created")]
    fresh = fresh_names()
    try:
        call_command("migrate", *BEFORE, verbosity=0)
        # As a database migrated before the rename is: config's names, the log written there.
        assert set(TABLES) <= table_names()
        assert not set(TABLES.values()) & table_names()
        assert {name for _, _, name in named_objects("public", list(TABLES))} == {
            name.replace("core_", "config_", 1)
            .replace("_d1986507", "_0624afc7")
            .replace("_a82d8527", "_c3f12344")
            for _, _, name in fresh
        }
        second = PublisherFactory()
        expected.append(("publisher", second.pk, "created"))
        assert logged_in("config_change") == expected
    finally:
        call_command("migrate", "core", verbosity=0)

    third = PublisherFactory()
    expected.append(("publisher", third.pk, "created"))
    assert logged_in("core_change") == expected
    assert list(Change.objects.values_list("type", "object_id", "operation").order_by("id")) == expected
    assert IdempotencyRecord.objects.get() == record
    assert named_objects("public", list(TABLES.values())) == fresh
    assert old_names() == set()
    # The function is the file's, the append-only trigger is installed again, as declared.
    assert function_differences() == []
    assert trigger_problems() == []
