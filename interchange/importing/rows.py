"""A row of the file, and how rows and stored records stand for each other in natural keys."""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Row:
    """One row of the file: what it says, the stored record it matches, what it changes."""

    section: str
    row: int
    data: dict[str, Any]
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    instance: Any = None  # the stored record once applied (or ``existing``)


def token(target: Row | Any) -> Hashable:
    """How a natural key names the record ``target`` stands for: a stored record (or a row
    matching one) by its id, a row still to be created by its place in the file. A token of
    a row to create never equals a stored record's, so it never matches one."""
    if isinstance(target, Row):
        if target.existing is not None:
            return target.existing.pk
        return ("new", target.section, target.row)
    return target.pk


def same_target(current_id: int | None, target: Row | Any | None) -> bool:
    """Whether a reference of a row names the record a stored foreign key points at."""
    if target is None:
        return current_id is None
    return token(target) == current_id


def instance(target: Row | Any) -> Any:
    """The stored record of a reference once its row is written."""
    return target.instance if isinstance(target, Row) else target


def resolved(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its references (rows, lists of rows) replaced by their stored records."""
    return {
        name: [instance(item) for item in value] if isinstance(value, list) else instance(value)
        for name, value in data.items()
    }
