"""The database holds exactly what the code declares: the SQL functions of the apps' ``sql/``
files, the triggers of the models' ``Meta.triggers`` and the indexes of their ``Meta.indexes``
(and nothing installed by hand beside them)."""

import copy
import re
from pathlib import Path

import pgtrigger
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from claims.models import Claim
from core.sqlfiles import RunSQLFile, defined_functions, sql_digest, sql_files

SCRATCH = "sql_files_check"
# The functions the project writes (extensions, pgtrigger and pghistory have their own names).
PROJECT_FUNCTION = re.compile(r"(claims|claimtrack|sources|core)_")
FUNCTION_STATEMENT = re.compile(r"^\s*CREATE OR REPLACE FUNCTION ", re.MULTILINE)


def project_models():
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
        for model in config.get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def function_files() -> list[tuple[str, str, str]]:
    """(app label, file name, text) of every SQL file that defines functions."""
    return [
        (app, path.name, text)
        for app, path in sql_files()
        if defined_functions(text := path.read_text(encoding="utf-8"))
    ]


def definitions(cursor, schema: str) -> dict[str, str]:
    """``pg_get_functiondef`` of every function of ``schema`` that no extension owns, by
    signature, written as if the schema were ``public``."""
    cursor.execute(
        """
        SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p
        WHERE p.pronamespace = %s::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        """,
        [schema],
    )
    return {
        signature: text.replace(f"FUNCTION {schema}.", "FUNCTION public.", 1)
        for signature, text in cursor.fetchall()
    }


def file_definitions() -> dict[str, str]:
    """Each function as its file defines it: the files' function statements run (as a
    migration runs them) in a scratch schema, read back, rolled back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {SCRATCH}")
        cursor.execute(f"SET LOCAL search_path = {SCRATCH}, public")
        for _app, _name, text in function_files():
            for statement in connection.ops.prepare_sql_script(text):
                if FUNCTION_STATEMENT.search(statement):
                    cursor.execute(statement)
        found = definitions(cursor, SCRATCH)
        transaction.set_rollback(True)
    return found


def function_differences() -> list[str]:
    """The signatures of the project's functions that the database and the files do not hold
    alike: changed, missing from the database, or in the database and in no file."""
    files = file_definitions()
    with connection.cursor() as cursor:
        database = {
            signature: text
            for signature, text in definitions(cursor, "public").items()
            if PROJECT_FUNCTION.match(signature)
        }
    return sorted(
        signature
        for signature in files.keys() | database.keys()
        if files.get(signature) != database.get(signature)
    )


@pytest.mark.django_db
def test_the_functions_in_the_database_are_those_of_the_files():
    assert {"claims_independence(claim_ids bigint[])", "claimtrack_unaccent(text)"} <= set(file_definitions())
    assert function_differences() == []


@pytest.mark.django_db
def test_a_function_changed_or_added_behind_the_files_is_found():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION claimtrack_trigram_count(text) RETURNS integer "
            "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT 0 $$"
        )
        cursor.execute("CREATE FUNCTION claims_by_hand() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$")
    assert function_differences() == ["claims_by_hand()", "claimtrack_trigram_count(text)"]


# Every file's last application names its current text ------------------------------------


def last_applications() -> dict[tuple[str, str], tuple[str, str]]:
    """For each SQL file applied by a migration, the last migration (in the order ``migrate``
    runs them) to apply it and the digest it names: ``(app, file) -> (migration, digest)``."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    found = {}
    for key in plan:
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunSQLFile):
                found[(operation.app_label, operation.name)] = (".".join(key), operation.digest)
    return found


def stale_files(applications, files) -> list[str]:
    """The function files that no migration applies, or whose text changed since the last
    migration applying it was written (it names another digest)."""
    stale = []
    for app, name, text in files:
        applied = applications.get((app, name))
        if applied is None or applied[1] != sql_digest(text):
            stale.append(f"{app}/sql/{name} (digest now {sql_digest(text)}, last applied by {applied})")
    return stale


def test_the_last_migration_applying_each_file_names_its_current_text():
    files = function_files()
    assert {(app, name) for app, name, _ in files} >= {
        ("claims", "independence.sql"),
        ("core", "change_log.sql"),
        ("sources", "search.sql"),
    }
    assert stale_files(last_applications(), files) == []


def test_a_file_edited_without_a_migration_is_found():
    applications = last_applications()
    edited = [(app, name, text + "\nSELECT 1;") for app, name, text in function_files()]
    assert len(stale_files(applications, edited)) == len(edited)
    assert stale_files({}, function_files()[:1]) != []


# Triggers ------------------------------------------------------------------------------------


def trigger_problems() -> list[str]:
    """Declared triggers not installed (or outdated, or disabled), pgtrigger triggers no model
    declares, and triggers installed by hand on the project's tables."""
    problems = [
        f"{trigger.get_uri(model)}: {status}, enabled={enabled}"
        for model, trigger in pgtrigger.registered()
        for status, enabled in [trigger.get_installation_status(model)]
        if (status, enabled) != ("INSTALLED", True)
    ]
    problems += [f"{table}.{pgid}: declared by no model" for table, pgid, _, _ in pgtrigger.prunable()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgname NOT LIKE 'pgtrigger\\_%%' "
            "AND tgrelid::regclass::text = ANY(%s)",
            [[model._meta.db_table for model in project_models()]],
        )
        problems += [f"{table}.{name}: installed by hand" for table, name in cursor.fetchall()]
    return sorted(problems)


@pytest.mark.django_db
def test_every_declared_trigger_is_installed_and_nothing_else():
    declared = {trigger.get_uri(model) for model, trigger in pgtrigger.registered()}
    assert {
        "claims.Citation:touch_claim",
        "claims.Claim:log_change",
        "claims.SourceRelianceIndependence:independence_insert",
        "claims.SourceIndependence:independence_publisher",
        "sources.Publisher:log_change",
    } <= declared
    assert trigger_problems() == []


@pytest.mark.django_db
def test_a_missing_or_hand_installed_trigger_is_found():
    [(model, claim_log)] = pgtrigger.registered("claims.Claim:log_change")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {claim_log.get_pgid(model)} ON claims_claim")
        cursor.execute(
            "CREATE TRIGGER by_hand AFTER INSERT ON sources_publisher "
            "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()"
        )
    assert trigger_problems() == [
        "claims.Claim:log_change: UNINSTALLED, enabled=None",
        "sources_publisher.by_hand: installed by hand",
    ]


# Indexes ---------------------------------------------------------------------------------------


def database_indexes(tables: list[str]) -> list[tuple[str, str, str | None]]:
    """(index, table, its one plain column or None) of the indexes on ``tables`` that back no
    primary key, unique or exclusion constraint of their table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT idx.relname, tab.relname,
                   CASE WHEN i.indnatts = 1 AND i.indexprs IS NULL AND i.indpred IS NULL
                        THEN attribute.attname END
            FROM pg_index i
            JOIN pg_class idx ON idx.oid = i.indexrelid
            JOIN pg_class tab ON tab.oid = i.indrelid
            LEFT JOIN pg_attribute attribute
                ON attribute.attrelid = tab.oid AND attribute.attnum = i.indkey[0]
            WHERE tab.relname = ANY(%s)
              AND tab.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = tab.oid
                    AND c.contype IN ('p', 'u', 'x')
              )
            """,
            [tables],
        )
        return cursor.fetchall()


def undeclared_indexes() -> list[str]:
    """Indexes the models do not know: neither named in ``Meta.indexes`` or ``Meta.constraints``
    (unique constraints with an expression or a condition are indexes) nor Django's index of
    a single field with ``db_index`` or ``unique``."""
    models = project_models()
    declared = {
        (model._meta.db_table, item.name)
        for model in models
        for item in [*model._meta.indexes, *model._meta.constraints]
    }
    indexed_columns = {
        (model._meta.db_table, field.column)
        for model in models
        for field in model._meta.local_concrete_fields
        if field.db_index or field.unique
    }
    return sorted(
        f"{table}.{name}"
        for name, table, column in database_indexes([model._meta.db_table for model in models])
        if (table, name) not in declared and (table, column) not in indexed_columns
    )


def index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
        return cursor.fetchone()[0]


def declared_index_differences() -> list[str]:
    """The ``Meta.indexes`` whose index in the database is missing or not the one Django would
    create from the declaration (compared with a copy built under another name, rolled back)."""
    differences = []
    with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
        for model in project_models():
            for number, index in enumerate(model._meta.indexes):
                if index.name not in {name for name, _, _ in database_indexes([model._meta.db_table])}:
                    differences.append(f"{model._meta.db_table}.{index.name}: missing")
                    continue
                twin = copy.deepcopy(index)
                twin.name = f"twin_{number}_{model._meta.db_table}"[:63]
                editor.add_index(model, twin)
                expected = index_definition(twin.name).replace(twin.name, index.name, 1)
                if index_definition(index.name) != expected:
                    differences.append(f"{model._meta.db_table}.{index.name}: {index_definition(index.name)}")
        transaction.set_rollback(True)
    return sorted(differences)


@pytest.mark.django_db
def test_every_index_is_declared_on_its_model_as_it_is():
    assert "claim_statement_trgm_count" in {index.name for index in Claim._meta.indexes}
    assert undeclared_indexes() == []
    assert declared_index_differences() == []


@pytest.mark.django_db
def test_an_index_made_by_hand_or_changed_is_found():
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX by_hand ON claims_claim (lower(claimant))")
        cursor.execute("DROP INDEX claim_statement_trgm_count")
        cursor.execute("CREATE INDEX claim_statement_trgm_count ON claims_claim (length(statement))")
    assert undeclared_indexes() == ["claims_claim.by_hand"]
    assert [line.split(":")[0] for line in declared_index_differences()] == [
        "claims_claim.claim_statement_trgm_count"
    ]
