"""The run of one import: the rows read, the problems found, the sections that plan and
apply them; and the entry points, ``import_document`` and ``import_csv``."""

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User

from claims import policies
from claims.models import Article
from claims.selectors import articles_by_key
from core.errors import InvalidInput
from interchange.importing import reading
from interchange.importing.apply import apply_all
from interchange.importing.problems import CSV_SECTION, ImportRefused, Problem
from interchange.importing.rows import Row
from interchange.importing.sections import SECTION_TYPES
from interchange.importing.sections.base import Section, normal_url_or_none
from sources.urls_normal import normal_url

S = TypeVar("S", bound=Section)
SECTIONS = tuple(section_type.name for section_type in SECTION_TYPES)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Validate a document into a plan of rows, then apply the plan through the services."""

    def __init__(self, *, user: User | None) -> None:
        self.user = policies.require_may_import(user)  # before anything is read or written
        self.problems: list[Problem] = []
        self.rows: dict[str, list[Row]] = {name: [] for name in SECTIONS}
        self.counts = {name: Counts() for name in SECTIONS}
        # Keys, names and URLs of rows refused for their shape: a reference to one of them is
        # not reported again as unknown.
        self.broken: set[str] = set()
        self.csv = False
        self.sections: dict[str, Section] = {
            section_type.name: section_type(self) for section_type in SECTION_TYPES
        }

    def problem(
        self, section: str | None, row: int | None, field_name: str | None, code: str, message: str
    ) -> None:
        self.problems.append(Problem(section, row, field_name, code, message))

    def refuse_if_problems(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems)

    def section(self, section_type: type[S]) -> S:
        """The run's section of that type."""
        return cast(S, self.sections[section_type.name])

    def section_of(self, row: Row) -> str:
        return CSV_SECTION if self.csv else row.section

    def remember_broken(self, raw: Any) -> None:
        if isinstance(raw, dict):
            for name in ("key", "name", "url", "identifier"):
                value = raw.get(name)
                if isinstance(value, str) and value.strip():
                    self.broken |= _spellings(value)

    def unknown(self, row: Row, field_name: str, ref: Any, message: str) -> None:
        """Report an unresolved reference, unless it names a row already refused."""
        if isinstance(ref, str) and _spellings(ref) & self.broken:
            return
        self.problem(self.section_of(row), row.row, field_name, "unknown_reference", message)

    def duplicate(self, seen: dict, natural_key: Any, row: Row, field_name: str | None, what: str) -> bool:
        """Refuse a row whose natural key an earlier row of its section has."""
        if natural_key in seen:
            where = f"Line {seen[natural_key].row}" if self.csv else f"Row {seen[natural_key].row}"
            self.problem(
                self.section_of(row), row.row, field_name, "duplicate", f"{where} is the same {what}."
            )
            return True
        seen[natural_key] = row
        return False

    def plan(self) -> None:
        """Resolve every reference and natural key; collect every problem."""
        for section in self.sections.values():
            section.plan()
        self.refuse_if_problems()

    def run(self, *, dry_run: bool) -> dict[str, Any]:
        self.plan()
        apply_all(self, dry_run=dry_run)
        return {
            "dry_run": dry_run,
            "counts": {name: vars(counts) for name, counts in self.counts.items()},
        }


def _spellings(value: str) -> set[str]:
    """The ways a reference may spell a key, name or URL."""
    spellings = {value.strip(), value.strip().lower(), normal_url_or_none(value)}
    return {spelling for spelling in spellings if spelling}


def import_document(*, document: Any, user: User | None, dry_run: bool = False) -> dict[str, Any]:
    """Import a parsed JSON document; raises ImportRefused listing every problem, having written
    nothing."""
    importer = Importer(user=user)
    reading.read_document(importer, document)
    return importer.run(dry_run=dry_run)


def import_csv(*, raw: bytes, article: Article, user: User | None, dry_run: bool = False) -> dict[str, Any]:
    """Import the claims of one article from CSV bytes (see the package's docstring)."""
    importer = Importer(user=user)
    reading.read_csv(importer, raw, article=article)
    return importer.run(dry_run=dry_run)


def find_article(ref: str) -> Article:
    """The stored article a CSV import is for, by id or URL; 400 naming ``article`` otherwise."""
    ref = (ref or "").strip()
    if not ref:
        raise InvalidInput(
            "Name the article the claims belong to (its id or URL).", field="article", code="required"
        )
    key: tuple[str, Any] | None
    if ref.isdigit():
        key = ("id", int(ref)) if len(ref) < 10 else None
    else:
        try:
            key = ("url", normal_url(ref, field="article"))
        except InvalidInput:
            key = None
    matches = articles_by_key([key]).get(key, []) if key and key[1] else []
    if not matches:
        raise InvalidInput(f"No article {ref!r} (by id or URL).", field="article", code="not_found")
    article = matches[0]
    if article.deleted_at is not None:
        raise InvalidInput(
            f"Article {article.pk} is in the trash; restore it first.", field="article", code="in_trash"
        )
    return article
