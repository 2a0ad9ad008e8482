"""What an import answers when it refuses a file: every problem found, each naming its
section, row and field."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import DomainError, InvalidInput

CSV_SECTION = "csv"
MAX_LISTED_ERRORS = 1000


@dataclass(frozen=True)
class Problem:
    section: str | None
    row: int | None
    field: str | None
    code: str
    message: str

    def path(self) -> str | None:
        """``claims[12].quote`` in a document, ``line 13: quote`` in a CSV."""
        if self.section == CSV_SECTION:
            where = f"line {self.row}" if self.row is not None else None
            return ": ".join(part for part in (where, self.field) if part) or None
        path = self.section or ""
        if self.row is not None:
            path = f"{path}[{self.row}]"
        if self.field:
            path = f"{path}.{self.field}" if path else self.field
        return path or None

    def as_error(self) -> dict[str, Any]:
        return {
            "field": self.path(),
            "code": self.code,
            "message": self.message,
            "section": self.section,
            "row": self.row,
        }


def whole_file(code: str, message: str, *, section: str | None = None, row: int | None = None) -> Problem:
    """A problem of the file (or of one line of a CSV), not of one field."""
    return Problem(section, row, None, code, message)


class ImportRefused(InvalidInput):
    """The file breaks rules; ``problems`` lists every one found (400)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        listed = min(count, MAX_LISTED_ERRORS)
        more = f"; the first {listed} are listed" if count > listed else ""
        first = problems[0]
        where = first.path()
        summary = f"{where}: {first.message}" if where else first.message
        super().__init__(
            f"The file was not imported: {count} problem{'s' if count != 1 else ''} found{more}. "
            f"First: {summary}",
            extra={"error_count": count},
        )

    def error_items(self) -> list[dict[str, Any]]:
        return [problem.as_error() for problem in self.problems[:MAX_LISTED_ERRORS]]


def refuse(code: str, message: str, *, section: str | None = None, row: int | None = None) -> ImportRefused:
    """The refusal of a whole file for one reason."""
    return ImportRefused([whole_file(code, message, section=section, row=row)])


def flatten(detail: Any, prefix: str | None = None) -> Iterable[tuple[str | None, str, str]]:
    """(field path, code, message) for each message of a DRF error detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                sub = prefix
            else:
                sub = f"{prefix}.{key}" if prefix else str(key)
            yield from flatten(value, sub)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                yield from flatten(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                yield from flatten(value, prefix)
    else:
        yield prefix, str(getattr(detail, "code", None) or "invalid"), str(detail)


def from_domain_error(
    exc: DomainError, *, section: str | None, row: int | None, default_field: str | None = None
) -> Problem:
    """A service's refusal as a problem of one row, naming the first field the service named."""
    fields = [name for name in exc.errors if name != "__all__"]
    return Problem(section, row, fields[0] if fields else default_field, exc.code, exc.message)
