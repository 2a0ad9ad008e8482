"""Each test database is a copy of a template migrated once, and kept while the code is the same.

Migrating a database from nothing costs several seconds of CPU, and every pytest-xdist worker
needs a database of its own. So the first worker to start migrates a template database on the
same server, ``<test database name>_tpl_<key>``, and every worker's database is created from it
(``TEST["TEMPLATE"]``: ``CREATE DATABASE … TEMPLATE``, pytest-django's
``django_db_modify_db_settings`` hook). Django's test setup then runs ``migrate`` on the copy as
always, and finds nothing to apply.

The key is a digest of everything a migrated database can depend on: every source file of the
project outside ``tests/`` (the migrations, the SQL files they apply and the code they import),
the installed distributions with their versions, and the settings migrations read. The template
stays on the server between runs: a run with the same key migrates nothing, and any change makes
a new key, so the next run migrates a new template and drops the old one. Migrations still run
from nothing in every run elsewhere: ``tests/server`` migrates a PostgreSQL of its own.
"""

import hashlib
import importlib.metadata
from collections.abc import Iterable
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
# What is not part of the program: the tests themselves, documentation, local state.
NOT_PROGRAM = {"tests", "docs", "var", ".venv", ".git", "__pycache__"}
SOURCE_SUFFIXES = {".py", ".sql"}
# The settings a migration, or Django's test setup after it, reads.
SETTINGS = (
    "INSTALLED_APPS",
    "CACHES",
    "MIGRATION_MODULES",
    "DEFAULT_AUTO_FIELD",
    "AUTH_USER_MODEL",
    "USE_TZ",
)
TEMPLATE_MARK = "_tpl_"
MAX_NAME = 63  # PostgreSQL's limit on a database name


def source_files(root: Path = ROOT) -> list[Path]:
    """The program's source files under ``root``: Python and SQL, outside the tests."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix in SOURCE_SUFFIXES
        and path.is_file()
        and not NOT_PROGRAM.intersection(path.relative_to(root).parts)
    )


def template_key(root: Path, distributions: Iterable[str], setting_values: dict[str, object]) -> str:
    """A digest of the source files under ``root`` (names and contents), the distributions
    (``name==version``) and the settings: equal keys, equal migrated databases."""
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for line in sorted(distributions):
        digest.update(line.encode() + b"\n")
    digest.update(repr(sorted(setting_values.items())).encode())
    return digest.hexdigest()[:12]


def current_key() -> str:
    # A set: the same distribution can be found on several entries of sys.path (pytest adds ".").
    installed = {f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()}
    values = {name: getattr(settings, name, None) for name in SETTINGS}
    return template_key(ROOT, installed, values)


def template_name(test_database: str, key: str) -> str:
    return test_database[: MAX_NAME - len(TEMPLATE_MARK) - len(key) - len("_new")] + TEMPLATE_MARK + key


def use_template(alias: str = "default", worker_suffix: str | None = None) -> str:
    """Point the test database of ``alias`` at its template, migrating the template first if no
    run has made it for this key yet (one worker at a time: an advisory lock on the server).
    Returns the template's name."""
    connection = connections[alias]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_database = test_settings.get("NAME") or "test_" + connection.settings_dict["NAME"]
    if worker_suffix and test_database.endswith("_" + worker_suffix):
        test_database = test_database[: -len(worker_suffix) - 1]
    template = template_name(test_database, current_key())
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [test_database + TEMPLATE_MARK])
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if not exists:
            _migrate_template(connection, template, admin)
            prefix = template[: -len(template.rsplit(TEMPLATE_MARK, 1)[1])]
            stale = admin.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
                [prefix, template],
            ).fetchall()
            for (name,) in stale:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [test_database + TEMPLATE_MARK])
    test_settings["TEMPLATE"] = template
    return template


def _migrate_template(connection, template: str, admin: psycopg.Connection) -> None:
    """Django's own test database creation (migrate, cache table) under a temporary name, then
    renamed: a run stopped half-way leaves no template behind that looks finished."""
    database, test_settings = settings.DATABASES[connection.alias], connection.settings_dict["TEST"]
    saved_name, saved_test_name = connection.settings_dict["NAME"], test_settings.get("NAME")
    building = template + "_new"
    test_settings["NAME"] = building
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = database["NAME"] = saved_name
        test_settings["NAME"] = saved_test_name
    admin.execute(
        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(template))
    )
