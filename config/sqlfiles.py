"""SQL that carries a rule, kept in versioned ``.sql`` files of the app that owns it.

Each app keeps its files in ``<app>/sql/``. A function file defines its functions with
``CREATE OR REPLACE`` (and nothing that cannot run twice), and is self-contained: it names
only tables and functions that exist once the migration applying it has run. The migration
that first needs the functions applies the file with :func:`run_sql_file`; to change a rule,
edit the file and add a migration that applies it again. So the file is always the current
definition (``tests/config/test_database_definitions.py`` checks the database holds exactly
what the files say), and no migration holds the only copy of a rule.

A migration reads the file as it is when the migration runs: on a fresh database an early
migration applies the newest text, which later migrations apply again unchanged.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import migrations

_FUNCTION = re.compile(r"^CREATE OR REPLACE FUNCTION\s+([a-z_][a-z0-9_]*)\s*\(", re.MULTILINE)


def sql_path(app_label: str, name: str) -> Path:
    """The file ``name`` of the app's ``sql/`` folder."""
    return Path(apps.get_app_config(app_label).path) / "sql" / name


def read_sql(app_label: str, name: str) -> str:
    return sql_path(app_label, name).read_text(encoding="utf-8")


def run_sql_file(
    app_label: str, name: str, *, reverse_sql: str | list[str] = migrations.RunSQL.noop
) -> migrations.RunSQL:
    """A migration operation that applies the app's SQL file ``name`` as it is now."""
    return migrations.RunSQL(read_sql(app_label, name), reverse_sql)


def defined_functions(sql: str) -> list[str]:
    """The names of the functions an SQL file defines, in order."""
    return _FUNCTION.findall(sql)


def sql_files() -> list[tuple[str, Path]]:
    """Every SQL file of the project's own apps (the folders at the top of the checkout), as
    ``(app label, path)``."""
    found = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "sql"
        if Path(config.path).parent == Path(settings.BASE_DIR) and folder.is_dir():
            found += [(config.label, path) for path in sorted(folder.glob("*.sql"))]
    return found
