"""Writing a planned import: every row through its resource's services (the new ones of a
section at once, by its bulk service), in one transaction that the first refusal undoes (and a
dry run always does)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import DataError, IntegrityError, transaction

from core.errors import DomainError
from interchange.importing.problems import ImportRefused, Problem, from_domain_error
from interchange.importing.rows import Row

if TYPE_CHECKING:
    from interchange.importing.importer import Importer

CLASH = "Another change clashed with this row while importing; try again."
CLASH_MANY = "Another change clashed with these rows while importing; try again."


class _DryRun(Exception):
    """Raised to roll the transaction back after a dry run."""


def apply_row(importer: "Importer", row: Row, update: Callable[[], Any]) -> None:
    """Update the stored record of a row if the row changes it, or count it unchanged; a
    refusal names the row."""
    counts = importer.counts[row.section]
    try:
        if row.changes:
            row.instance = update()
            counts.updated += 1
        else:
            row.instance = row.existing
            counts.unchanged += 1
    except DomainError as exc:
        raise ImportRefused([from_domain_error(exc, section=importer.section_of(row), row=row.row)]) from exc
    except (IntegrityError, DataError) as exc:
        raise ImportRefused([Problem(importer.section_of(row), row.row, None, "conflict", CLASH)]) from exc


def apply_bulk(importer: "Importer", rows: list[Row], create: Callable[[], list[Any]]) -> None:
    """Create ``rows`` at once; a refusal names the row at the index the service reports."""
    section = importer.section_of(rows[0])
    try:
        created = create()
    except DomainError as exc:
        index = exc.extra.get("index")
        row = rows[index] if isinstance(index, int) and 0 <= index < len(rows) else None
        fields = [name.rsplit(".", 1)[-1] for name in exc.errors if name != "__all__"]
        problem = Problem(
            section, row.row if row else None, fields[0] if fields else None, exc.code, exc.message
        )
        raise ImportRefused([problem]) from exc
    except (IntegrityError, DataError) as exc:
        raise ImportRefused([Problem(section, None, None, "conflict", CLASH_MANY)]) from exc
    for row, instance in zip(rows, created, strict=True):
        row.instance = instance
    importer.counts[rows[0].section].created += len(rows)


def apply_all(importer: "Importer", *, dry_run: bool) -> None:
    """Every section in order, all or nothing; nothing stays written after a dry run."""
    try:
        with transaction.atomic():
            for section in importer.sections.values():
                section.apply()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
