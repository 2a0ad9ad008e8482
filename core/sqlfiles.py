"""SQL that carries a rule, kept in versioned ``.sql`` files of the app that owns it.

Each app keeps its files in ``<app>/sql/``. A function file defines its functions with
``CREATE OR REPLACE`` (and nothing that cannot run twice), and is self-contained: it names
only tables and functions that exist once the migration applying it has run, or (a function's
body is read when it runs) that a later migration names so before anything calls the function:
core's 0007 applies change_log.sql, which writes to ``core_change``, the name 0011 gives the
table, and no migration between them writes to a logged table. The migration
that first needs the functions applies the file with :func:`run_sql_file`; to change a rule,
edit the file and add a migration that applies it again. So the file is always the current
definition, and no migration holds the only copy of a rule.

Each application names the digest of the text it was written for (:func:`sql_digest`). A
migration applies the file as it is when it runs (on a fresh database an early migration
applies the newest text, which the later ones apply again unchanged); the digest is what
``tests/core/test_database_definitions.py`` checks: the last migration applying a file must
name the file's current digest, so an edited file without a new migration fails the suite.
That test also checks that the database holds exactly the functions the files define.
"""

import hashlib
import re
from pathlib import Path

import sqlparse
from django.apps import apps
from django.conf import settings
from django.db import migrations

# What a RunSQLFile does on the way down: SQL, or statements one by one.
ReverseSQL = str | tuple[str, ...]

_FUNCTION = re.compile(r"^CREATE OR REPLACE FUNCTION\s+([a-z_][a-z0-9_]*)\s*\(", re.MULTILINE)


def sql_path(app_label: str, name: str) -> Path:
    """The file ``name`` of the app's ``sql/`` folder."""
    return Path(apps.get_app_config(app_label).path) / "sql" / name


def read_sql(app_label: str, name: str) -> str:
    return sql_path(app_label, name).read_text(encoding="utf-8")


def sql_digest(text: str) -> str:
    """The digest a migration names for the text of an SQL file: 16 hex digits of SHA-256 of its
    statements, comments outside them left out (a better explanation needs no migration)."""
    statements = sqlparse.split(sqlparse.format(text, strip_comments=True))
    return hashlib.sha256("\n".join(s.strip() for s in statements).encode()).hexdigest()[:16]


class RunSQLFile(migrations.RunSQL):
    """``RunSQL`` of an app's SQL file, as it is when the migration runs. ``digest`` is that of
    the text the migration was written for (see the module docstring)."""

    def __init__(
        self, app_label: str, name: str, *, digest: str, reverse_sql: ReverseSQL = migrations.RunSQL.noop
    ) -> None:
        self.app_label, self.name, self.digest = app_label, name, digest
        super().__init__(read_sql(app_label, name), reverse_sql)

    def describe(self) -> str:
        return f"Apply {self.app_label}/sql/{self.name}"


def run_sql_file(
    app_label: str, name: str, *, digest: str, reverse_sql: ReverseSQL = migrations.RunSQL.noop
) -> RunSQLFile:
    """A migration operation that applies the app's SQL file ``name``."""
    return RunSQLFile(app_label, name, digest=digest, reverse_sql=reverse_sql)


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
