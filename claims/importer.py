"""Import publishers, sources, articles, claims and citations from a JSON document, or the
claims of one article from a CSV file: all or nothing, and idempotent.

The JSON document (every section optional, rows in any order within a section)::

    {"publishers": [{"name", "kind", "country", "url"}],
     "sources":    [{"key", "kind", "title", "publisher", "authors", "url", "archived_url",
                     "published_on", "accessed_on", "identifier", "language", "summary",
                     "relies_on": [<source ref>]}],
     "articles":   [{"key", "title", "url", "byline", "publisher", "published_on", "language", "body"}],
     "claims":     [{"key", "article": <article ref>, "statement", "quote", "quote_start",
                     "claimant", "claim_date"}],
     "citations":  [{"claim": <claim ref>, "source": <source ref>, "role", "stance", "quote",
                     "locator", "note"}]}

Natural keys (how a row finds the stored record it stands for):

- publisher: its name, letter case ignored (a name that only looks like a stored one is refused);
- source: its URL (normalised as the services store it); without one, its identifier; without
  either, its title and publisher;
- article: its URL (normalised); without one, its title and byline;
- claim: its article, quote and quote_start (computed when left out, which needs the quote to
  occur exactly once in the body);
- citation: its claim, source and role.

References: ``publisher`` is a publisher's name. A source reference is the ``key`` of a source
row, else a URL or an identifier (of a row or a stored source), or the integer id of a stored
source; an article reference likewise a ``key``, a URL or an id. A claim reference is a claim
row's ``key``, a stored claim's id, or ``{"article", "quote", "quote_start"}``.

A row whose record is stored and equal is left alone (``unchanged``); one that differs is
updated through the service, history included (``updated``); fields left out of a row are
left as they are. Status is never imported: it changes only through transitions.

The CSV has a header row naming some of ``statement, quote, quote_start, claimant,
claim_date`` (``statement`` and ``quote`` required), UTF-8 encoded; its rows are claims of the
one article the caller names.

Every row is validated before anything is written and every problem is reported, with its
section, row (1-based; the line number in a CSV) and field; then everything is written in one
transaction through the services, and the first refusal there undoes it all.
"""

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import DataError, IntegrityError, transaction
from rest_framework import serializers

from claims import policies
from claims import services as claim_services
from claims.anchoring import anchor_quote
from claims.import_serializers import (
    ArticleImportSerializer,
    CitationImportSerializer,
    ClaimImportSerializer,
    PublisherImportSerializer,
    SourceImportSerializer,
)
from claims.models import Article, Citation, Claim
from config.errors import DomainError, InvalidInput
from sources import services as source_services
from sources.identity import name_key
from sources.models import Publisher, Source, SourceReliance

SECTIONS = ("publishers", "sources", "articles", "claims", "citations")
CSV_SECTION = "csv"
CSV_COLUMNS = ("statement", "quote", "quote_start", "claimant", "claim_date")
CSV_REQUIRED = ("statement", "quote")
MAX_LISTED_ERRORS = 1000
# Documented limits (README, Importing): more is refused with a 400 naming the limit, before
# the rows are checked one by one. A CSV header names each of CSV_COLUMNS at most once, so
# MAX_CSV_COLUMNS leaves room only for mistakes worth listing.
MAX_CSV_COLUMNS = 50
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    section: str | None
    row: int | None
    field: str | None
    code: str
    message: str

    def path(self) -> str | None:
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


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(eq=False)
class Row:
    """One row of the file: what it says, the stored record it matches, what it changes."""

    section: str
    row: int
    data: dict[str, Any]
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    instance: Any = None  # the stored record once applied (or ``existing``)

    @property
    def ident(self) -> tuple:
        if self.existing is not None:
            return ("db", self.existing.pk)
        return ("new", self.section, self.row)


def _ident(target: "Row | Any") -> tuple:
    return target.ident if isinstance(target, Row) else ("db", target.pk)


def _instance(target: "Row | Any"):
    return target.instance if isinstance(target, Row) else target


def _same_target(current_id: int | None, target: "Row | Any | None") -> bool:
    if target is None:
        return current_id is None
    return _ident(target) == ("db", current_id)


class _DryRun(Exception):
    """Raised to roll the transaction back after a dry run."""


# Reading the file ------------------------------------------------------------------------


def parse_json_bytes(raw: bytes) -> Any:
    """A JSON document from bytes; 400 naming the problem if it is not one."""
    if not raw.strip():
        raise ImportRefused([Problem(None, None, None, "empty", "The file is empty.")])
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [
                Problem(
                    None, None, None, "encoding", f"The file is not UTF-8 ({exc.reason} at byte {exc.start})."
                )
            ]
        ) from exc
    except RecursionError as exc:
        raise ImportRefused(
            [Problem(None, None, None, "parse_error", "The JSON is nested too deeply.")]
        ) from exc
    except ValueError as exc:
        raise ImportRefused([Problem(None, None, None, "parse_error", f"Not valid JSON: {exc}.")]) from exc


def _flatten(detail, prefix: str | None = None) -> Iterable[tuple[str | None, str, str]]:
    """(field path, code, message) for each message of a DRF error detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub = (
                prefix
                if key in ("non_field_errors", "__all__")
                else (f"{prefix}.{key}" if prefix else str(key))
            )
            yield from _flatten(value, sub)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                yield from _flatten(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                yield from _flatten(value, prefix)
    else:
        yield prefix, str(getattr(detail, "code", None) or "invalid"), str(detail)


def _domain_problem(section: str | None, row: int | None, exc: DomainError, default_field: str | None):
    fields = [name for name in exc.errors if name != "__all__"]
    return Problem(section, row, fields[0] if fields else default_field, exc.code, exc.message)


def _normal_or_none(url: str) -> str | None:
    try:
        return source_services._normal_url(url)
    except InvalidInput:
        return None


# Planning --------------------------------------------------------------------------------


class Importer:
    """Validate a document into a plan of rows, then apply the plan through the services."""

    def __init__(self, *, user: User | None) -> None:
        policies.require_may_import(user)  # before anything is read or written
        self.user = user
        self.problems: list[Problem] = []
        self.rows: dict[str, list[Row]] = {section: [] for section in SECTIONS}
        self.counts = {section: Counts() for section in SECTIONS}
        # Keys, names and URLs of rows refused for their shape: a reference to one of them is
        # not reported again as unknown.
        self.broken: set[str] = set()
        self.csv = False

    def problem(self, section, row, field_name, code, message) -> None:
        self.problems.append(Problem(section, row, field_name, code, message))

    def refuse_if_problems(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems)

    # Shape -------------------------------------------------------------------------

    def _section_rows(self, section: str, raw_rows: Any, serializer_class) -> list[Row]:
        """Each row checked on its own against the section's serializer."""
        if not isinstance(raw_rows, list):
            self.problem(section, None, None, "not_a_list", f'"{section}" must be a list of objects.')
            return []
        checker = serializer_class()
        rows = []
        for index, raw in enumerate(raw_rows):
            number = index + 1
            try:
                data = checker.run_validation(raw)
            except serializers.ValidationError as exc:
                for path, code, message in _flatten(exc.detail):
                    self.problem(section, number, path, code, message)
                self._remember_broken(raw)
                continue
            rows.append(Row(section, number, dict(data)))
        return rows

    def _remember_broken(self, raw: Any) -> None:
        if isinstance(raw, dict):
            for name in ("key", "name", "url", "identifier"):
                value = raw.get(name)
                if isinstance(value, str) and value.strip():
                    self.broken |= {value.strip(), value.strip().lower(), _normal_or_none(value)} - {None, ""}

    def _unknown(self, row: "Row", field_name: str, ref: Any, message: str) -> None:
        """Report an unresolved reference, unless it names a row already refused."""
        if isinstance(ref, str) and {ref.strip(), ref.strip().lower(), _normal_or_none(ref)} & self.broken:
            return
        self.problem(self._section_of(row), row.row, field_name, "unknown_reference", message)

    def read_document(self, document: Any) -> None:
        if not isinstance(document, dict):
            raise ImportRefused(
                [Problem(None, None, None, "invalid", "The document must be a JSON object with sections.")]
            )
        unknown = sorted(str(key) for key in document if key not in SECTIONS)
        for key in unknown:
            self.problem(
                None, None, key, "unknown_field", f"Unknown section; expected some of {', '.join(SECTIONS)}."
            )
        if not any(document.get(section) for section in SECTIONS) and not unknown:
            raise ImportRefused([Problem(None, None, None, "empty", "The document has no rows.")])
        serializer_classes = {
            "publishers": PublisherImportSerializer,
            "sources": SourceImportSerializer,
            "articles": ArticleImportSerializer,
            "claims": ClaimImportSerializer,
            "citations": CitationImportSerializer,
        }
        sizes = {
            section: len(document[section]) for section in SECTIONS if isinstance(document.get(section), list)
        }
        if sum(sizes.values()) > MAX_ROWS:
            raise ImportRefused(
                [
                    Problem(
                        None, None, None, "too_many_rows",
                        f"The document has {sum(sizes.values())} rows; the limit is {MAX_ROWS} "
                        "(all sections together). Split it into several imports.",
                    )
                ]
            )  # fmt: skip
        for section in SECTIONS:
            if section in document:
                self.rows[section] = self._section_rows(
                    section, document[section], serializer_classes[section]
                )

    def read_csv(self, raw: bytes, *, article: Article) -> None:
        """Claims of one stored article; rows are numbered by the line they start on."""
        self.csv = True
        if not raw.strip():
            raise ImportRefused([Problem(CSV_SECTION, None, None, "empty", "The file is empty.")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                [
                    Problem(
                        CSV_SECTION, None, None, "encoding",
                        f"The file is not UTF-8 ({exc.reason} at byte {exc.start}).",
                    )
                ]
            ) from exc  # fmt: skip
        if "\x00" in text:
            raise ImportRefused(
                [Problem(CSV_SECTION, None, None, "encoding", "The file contains NUL bytes.")]
            )
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = [name.strip().lower() for name in next(reader)]
        except csv.Error as exc:
            raise ImportRefused(
                [Problem(CSV_SECTION, 1, None, "parse_error", f"Not valid CSV: {exc}.")]
            ) from exc
        if len(header) > MAX_CSV_COLUMNS:
            raise ImportRefused(
                [
                    Problem(
                        CSV_SECTION, 1, None, "too_many_columns",
                        f"The header has {len(header)} columns; the limit is {MAX_CSV_COLUMNS} "
                        f"(the columns are {', '.join(CSV_COLUMNS)}).",
                    )
                ]
            )  # fmt: skip
        seen = Counter(header)
        header_problems = [
            Problem(
                CSV_SECTION, 1, name or None, "unknown_column",
                f"Unknown column; expected some of {', '.join(CSV_COLUMNS)}.",
            )
            for name in header
            if name not in CSV_COLUMNS
        ]  # fmt: skip
        header_problems += [
            Problem(CSV_SECTION, 1, name, "duplicate_column", "This column appears more than once.")
            for name in sorted(name for name, times in seen.items() if times > 1)
        ]
        header_problems += [
            Problem(CSV_SECTION, 1, name, "missing_column", "This column is required.")
            for name in CSV_REQUIRED
            if name not in header
        ]
        if header_problems:
            raise ImportRefused(header_problems)
        checker = ClaimImportSerializer()
        line = reader.line_num + 1
        count = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.problem(CSV_SECTION, line, None, "parse_error", f"Not valid CSV: {exc}.")
                break
            number, line = line, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue  # a blank line
            count += 1
            if count > MAX_ROWS:
                raise ImportRefused(
                    [
                        Problem(
                            CSV_SECTION, number, None, "too_many_rows",
                            f"The file has more than {MAX_ROWS} claims; split it into several imports.",
                        )
                    ]
                )  # fmt: skip
            if len(record) != len(header):
                self.problem(
                    CSV_SECTION, number, None, "wrong_length",
                    f"The line has {len(record)} values; the header names {len(header)}.",
                )  # fmt: skip
                continue
            raw_row: dict[str, Any] = {"article": article.pk}
            for name, value in zip(header, record, strict=True):
                if value != "" or name in CSV_REQUIRED:
                    raw_row[name] = value
            try:
                data = checker.run_validation(raw_row)
            except serializers.ValidationError as exc:
                for path, code, message in _flatten(exc.detail):
                    self.problem(CSV_SECTION, number, path, code, message)
                continue
            self.rows["claims"].append(Row("claims", number, dict(data)))
        if not self.rows["claims"] and not self.problems:
            raise ImportRefused([Problem(CSV_SECTION, None, None, "empty", "The file has no claims.")])

    # References and natural keys ---------------------------------------------------

    def _section_of(self, row: Row) -> str:
        return CSV_SECTION if self.csv else row.section

    def _keys(self, section: str) -> dict[str, Row]:
        keys: dict[str, Row] = {}
        for row in self.rows[section]:
            key = row.data.pop("key", None)
            if key is None:
                continue
            if key in keys:
                self.problem(
                    section, row.row, "key", "duplicate",
                    f'The key "{key}" is also used by row {keys[key].row}.',
                )  # fmt: skip
            else:
                keys[key] = row
        return keys

    def _normal_url(self, row: Row, name: str, max_length: int = source_services.URL_MAX_LENGTH) -> bool:
        if name not in row.data:
            return True
        try:
            row.data[name] = source_services._normal_url(row.data[name], name, max_length)
        except InvalidInput as exc:
            self.problems.append(_domain_problem(self._section_of(row), row.row, exc, name))
            return False
        return True

    def _duplicate(self, seen: dict, natural_key, row: Row, field_name: str | None, what: str) -> bool:
        if natural_key in seen:
            where = f"Line {seen[natural_key].row}" if self.csv else f"Row {seen[natural_key].row}"
            self.problem(
                self._section_of(row), row.row, field_name, "duplicate", f"{where} is the same {what}."
            )
            return True
        seen[natural_key] = row
        return False

    @staticmethod
    def _diff(row: Row, fields: Iterable[str]) -> None:
        """Fields the row gives that differ from the stored record."""
        for name in fields:
            if name in row.data and getattr(row.existing, name) != row.data[name]:
                row.changes[name] = row.data[name]

    def plan_publishers(self) -> None:
        """Publishers are matched by their identity key (sources.identity): a row or a
        reference whose name differs from a stored publisher's only in letter case is that
        publisher; one that merely looks like it (other script, invisible or fullwidth
        characters, spacing) is refused naming it, as the API refuses it."""
        by_key: dict[str, Row] = {}
        for row in self.rows["publishers"]:
            if "country" in row.data:
                row.data["country"] = row.data["country"].upper()
            self._normal_url(row, "url", source_services.PUBLISHER_URL_MAX_LENGTH)
            self._duplicate(by_key, name_key(row.data["name"]), row, "name", "publisher")
        references = {
            name_key(row.data["publisher"])
            for section in ("sources", "articles")
            for row in self.rows[section]
            if row.data.get("publisher")
        }
        stored = {
            publisher.name_key: publisher
            for publisher in Publisher.objects.filter(name_key__in=references | set(by_key))
        }
        for key, row in by_key.items():
            row.existing = stored.get(key)
            if row.existing is not None and self._lookalike(row, "name", row.data["name"], row.existing):
                row.existing = None
            elif row.existing is not None:
                self._diff(row, ("kind", "country", "url"))
        self.publishers = {**stored, **by_key}

    def _lookalike(self, row: Row, field_name: str, name: str, target) -> bool:
        """Report ``name`` if it only looks like the name of ``target`` (a stored publisher or
        a row of the file)."""
        target_name = target.name if isinstance(target, Publisher) else target.data["name"]
        if name.lower() == target_name.lower():
            return False
        where = f"publisher {target.pk}" if isinstance(target, Publisher) else "a publisher of the file"
        self.problem(
            self._section_of(row), row.row, field_name, "duplicate",
            f'"{name}" looks the same as "{target_name}" ({where}); use that name.',
        )  # fmt: skip
        return True

    def _publisher(self, row: Row) -> None:
        """Replace the publisher's name by the publisher (a row or a stored record)."""
        if "publisher" not in row.data:
            return
        name = row.data["publisher"]
        if not name:
            row.data["publisher"] = None
            return
        target = self.publishers.get(name_key(name))
        if target is None:
            self._unknown(row, "publisher", name, f'No publisher named "{name}" in the file or stored.')
        elif self._lookalike(row, "publisher", name, target):
            target = None
        row.data["publisher"] = target

    def _source_key(self, row: Row) -> tuple:
        data = row.data
        if data.get("url"):
            return ("url", data["url"])
        if data.get("identifier"):
            return ("identifier", data["identifier"])
        publisher = data.get("publisher")
        return ("title", data["title"], _ident(publisher) if publisher is not None else None)

    def plan_sources(self) -> None:
        section = "sources"
        self.source_keys = self._keys(section)
        by_natural: dict[tuple, Row] = {}
        for row in self.rows[section]:
            ok = self._normal_url(row, "url") & self._normal_url(row, "archived_url")
            self._publisher(row)
            if ok:
                self._duplicate(
                    by_natural, self._source_key(row), row, None, "source (same URL, identifier or title)"
                )
        self.sources_by_natural = by_natural
        # References: client keys first, then URLs and identifiers of rows, then stored sources.
        refs: set = set()
        for row in self.rows[section]:
            refs.update(row.data.get("relies_on", ()))
        refs.update(row.data["source"] for row in self.rows["citations"])
        refs = {ref for ref in refs if isinstance(ref, int) or ref not in self.source_keys}
        urls, identifiers = set(), set()
        for ref in refs:
            if isinstance(ref, str):
                if "://" not in ref:
                    identifiers.add(ref)
                    continue
                url = _normal_or_none(ref)
                if url:
                    urls.add(url)
        urls |= {key[1] for key in by_natural if key[0] == "url"}
        identifiers |= {key[1] for key in by_natural if key[0] == "identifier"}
        titles = {key[1] for key in by_natural if key[0] == "title"}
        ids = {ref for ref in refs if isinstance(ref, int)}
        stored = list(
            Source.objects.filter(url__in=urls)
            | Source.objects.filter(url="", identifier__in=identifiers)
            | Source.objects.filter(url="", identifier="", title__in=titles)
            | Source.objects.filter(pk__in=ids)
        )
        self.stored_sources: dict[tuple, list[Source]] = defaultdict(list)
        for source in stored:
            self.stored_sources[("id", source.pk)].append(source)
            if source.url:
                self.stored_sources[("url", source.url)].append(source)
            elif source.identifier:
                self.stored_sources[("identifier", source.identifier)].append(source)
            else:
                self.stored_sources[
                    ("title", source.title, ("db", source.publisher_id) if source.publisher_id else None)
                ].append(source)
        reliance: dict[int, set[int]] = defaultdict(set)
        for natural_key, row in by_natural.items():
            if natural_key[0] == "title" and natural_key[2] is not None and natural_key[2][0] == "new":
                continue  # its publisher is new, so it cannot be stored yet
            matches = self.stored_sources.get(natural_key, [])
            if len(matches) > 1:
                self.problem(
                    section, row.row, natural_key[0], "ambiguous",
                    f"Stored sources {[s.pk for s in matches]} all match this row; give a URL or identifier.",
                )  # fmt: skip
            elif matches:
                row.existing = matches[0]
        existing_ids = [row.existing.pk for row in self.rows[section] if row.existing is not None]
        for source_id, relies_on_id in SourceReliance.objects.filter(source_id__in=existing_ids).values_list(
            "source_id", "relies_on_id"
        ):
            reliance[source_id].add(relies_on_id)
        for row in self.rows[section]:
            if "relies_on" in row.data:
                targets = [self.resolve_source(ref, row, "relies_on") for ref in row.data["relies_on"]]
                row.data["relies_on"] = [target for target in targets if target is not None]
            if row.existing is None:
                continue
            if row.existing.deleted_at is not None:
                self.problem(
                    section, row.row, None, "in_trash",
                    f"Source {row.existing.pk} is in the trash; restore it first.",
                )  # fmt: skip
            self._diff(
                row,
                [name for name in source_services.SOURCE_FIELDS if name != "publisher"],
            )
            if "publisher" in row.data and not _same_target(row.existing.publisher_id, row.data["publisher"]):
                row.changes["publisher"] = row.data["publisher"]
            if "relies_on" in row.data:
                wanted = {_ident(target) for target in row.data["relies_on"]}
                if wanted != {("db", pk) for pk in reliance[row.existing.pk]}:
                    row.changes["relies_on"] = row.data["relies_on"]
        self._order_sources()

    def resolve_source(self, ref, row: Row, field_name: str):
        if isinstance(ref, str) and ref in self.source_keys:
            return self.source_keys[ref]
        if isinstance(ref, int):
            natural_key = ("id", ref)
        elif "://" in ref:
            try:
                natural_key = ("url", source_services._normal_url(ref))
            except InvalidInput:
                natural_key = ("url", ref)
        else:
            natural_key = ("identifier", ref)
        if natural_key in self.sources_by_natural:
            return self.sources_by_natural[natural_key]
        matches = self.stored_sources.get(natural_key, [])
        if len(matches) == 1:
            if matches[0].deleted_at is not None:
                self.problem(
                    self._section_of(row), row.row, field_name, "in_trash",
                    f"Source {matches[0].pk} is in the trash; restore it first.",
                )  # fmt: skip
                return None
            return matches[0]
        if matches:
            self.problem(
                self._section_of(row), row.row, field_name, "ambiguous",
                f"Stored sources {[s.pk for s in matches]} all have this identifier; refer to one by id.",
            )  # fmt: skip
        else:
            self._unknown(
                row, field_name, ref, f"No source {ref!r} in the file (by key, URL or identifier) or stored."
            )
        return None

    def _order_sources(self) -> None:
        """Sources to create come after those they rely on; a cycle among them is refused."""
        ordered: list[Row] = []
        state: dict[int, str] = {}

        def visit(row: Row, trail: list[Row]) -> None:
            mark = state.get(id(row))
            if mark == "done":
                return
            if mark == "visiting":
                self.problem(
                    "sources", row.row, "relies_on", "cycle",
                    "These sources rely on each other in a circle: rows "
                    f"{[r.row for r in trail[trail.index(row):]]}.",
                )  # fmt: skip
                return
            state[id(row)] = "visiting"
            for target in row.data.get("relies_on", ()):
                if isinstance(target, Row):
                    if target is row:
                        self.problem(
                            "sources",
                            row.row,
                            "relies_on",
                            "self_reliance",
                            "A source cannot rely on itself.",
                        )
                    else:
                        visit(target, [*trail, row])
            state[id(row)] = "done"
            ordered.append(row)

        for row in self.rows["sources"]:
            visit(row, [])
        self.rows["sources"] = ordered

    def _article_key(self, row: Row) -> tuple:
        if row.data.get("url"):
            return ("url", row.data["url"])
        return ("title", row.data["title"], row.data.get("byline", ""))

    def plan_articles(self) -> None:
        section = "articles"
        self.article_keys = self._keys(section)
        by_natural: dict[tuple, Row] = {}
        for row in self.rows[section]:
            ok = self._normal_url(row, "url")
            self._publisher(row)
            if ok:
                self._duplicate(
                    by_natural, self._article_key(row), row, None, "article (same URL, or title and byline)"
                )
        self.articles_by_natural = by_natural
        refs = {row.data["article"] for row in self.rows["claims"]}
        refs |= {
            row.data["claim"]["article"]
            for row in self.rows["citations"]
            if isinstance(row.data["claim"], dict)
        }
        refs = {ref for ref in refs if isinstance(ref, int) or ref not in self.article_keys}
        urls = {key[1] for key in by_natural if key[0] == "url"}
        for ref in refs:
            if isinstance(ref, str):
                url = _normal_or_none(ref)
                if url:
                    urls.add(url)
        titles = {key[1] for key in by_natural if key[0] == "title"}
        ids = {ref for ref in refs if isinstance(ref, int)}
        stored = list(
            Article.objects.filter(url__in=urls - {""})
            | Article.objects.filter(url="", title__in=titles)
            | Article.objects.filter(pk__in=ids)
        )
        self.stored_articles: dict[tuple, list[Article]] = defaultdict(list)
        for article in stored:
            self.stored_articles[("id", article.pk)].append(article)
            if article.url:
                self.stored_articles[("url", article.url)].append(article)
            else:
                self.stored_articles[("title", article.title, article.byline)].append(article)
        for natural_key, row in by_natural.items():
            matches = self.stored_articles.get(natural_key, [])
            if len(matches) > 1:
                self.problem(
                    section, row.row, None, "ambiguous",
                    f"Stored articles {[a.pk for a in matches]} all match this row; give a URL.",
                )  # fmt: skip
                continue
            if not matches:
                continue
            row.existing = matches[0]
            if row.existing.deleted_at is not None:
                self.problem(
                    section, row.row, None, "in_trash",
                    f"Article {row.existing.pk} is in the trash; restore it first.",
                )  # fmt: skip
            self._diff(row, ("title", "byline", "published_on", "language", "body"))
            if "publisher" in row.data and not _same_target(row.existing.publisher_id, row.data["publisher"]):
                row.changes["publisher"] = row.data["publisher"]

    def resolve_article(self, ref, row: Row, field_name: str):
        if isinstance(ref, str) and ref in self.article_keys:
            return self.article_keys[ref]
        if isinstance(ref, int):
            natural_key = ("id", ref)
        else:
            try:
                natural_key = ("url", source_services._normal_url(ref))
            except InvalidInput:
                natural_key = ("url", ref)
        if natural_key in self.articles_by_natural:
            return self.articles_by_natural[natural_key]
        matches = self.stored_articles.get(natural_key, [])
        if matches:
            article = matches[0]
            if article.deleted_at is not None:
                self.problem(
                    self._section_of(row), row.row, field_name, "in_trash",
                    f"Article {article.pk} is in the trash; restore it first.",
                )  # fmt: skip
                return None
            return article
        self._unknown(row, field_name, ref, f"No article {ref!r} in the file (by key or URL) or stored.")
        return None

    @staticmethod
    def _body(article: "Row | Article") -> str:
        if isinstance(article, Row):
            if "body" in article.data:
                return article.data["body"]
            return article.existing.body if article.existing is not None else ""
        return article.body

    def _anchor(self, row: Row, article, quote: str, quote_start: int | None, prefix: str = "") -> int | None:
        try:
            start, _end = anchor_quote(
                body=self._body(article), quote=quote, quote_start=quote_start, quote_end=None
            )
        except InvalidInput as exc:
            problem = _domain_problem(self._section_of(row), row.row, exc, "quote")
            self.problems.append(
                Problem(
                    problem.section,
                    problem.row,
                    prefix + (problem.field or ""),
                    problem.code,
                    problem.message,
                )
            )
            return None
        return start

    def plan_claims(self) -> None:
        section = "claims"
        self.claim_keys = self._keys(section)
        by_natural: dict[tuple, Row] = {}
        for row in self.rows[section]:
            data = row.data
            article = self.resolve_article(data["article"], row, "article")
            data["article"] = article
            if article is None:
                continue
            start = self._anchor(row, article, data["quote"], data.get("quote_start"))
            if start is None:
                continue
            data["quote_start"] = start
            self._duplicate(
                by_natural,
                (_ident(article), data["quote"], start),
                row,
                "quote",
                "claim (same article and quote)",
            )
        self.claims_by_natural = by_natural
        stored_article_ids = {key[0][1] for key in by_natural if key[0][0] == "db"}
        self.stored_claims: dict[tuple, Claim] = {
            (("db", claim.article_id), claim.quote, claim.quote_start): claim
            for claim in Claim.objects.filter(article_id__in=stored_article_ids)
        }
        for natural_key, row in by_natural.items():
            row.existing = self.stored_claims.get(natural_key)
            if row.existing is None:
                continue
            if row.existing.deleted_at is not None:
                self.problem(
                    self._section_of(row), row.row, None, "in_trash",
                    f"Claim {row.existing.pk} is in the trash; restore it first.",
                )  # fmt: skip
            self._diff(row, ("statement", "claimant", "claim_date"))

    def resolve_claim(self, ref, row: Row):
        if isinstance(ref, str):
            if ref in self.claim_keys:
                return self.claim_keys[ref]
            self._unknown(row, "claim", ref, f"No claim with the key {ref!r} in the file.")
            return None
        if isinstance(ref, int):
            claim = self.claims_by_id.get(ref)
            if claim is None:
                self.problem(row.section, row.row, "claim", "unknown_reference", f"No stored claim {ref}.")
            elif claim.deleted_at is not None:
                self.problem(
                    row.section,
                    row.row,
                    "claim",
                    "in_trash",
                    f"Claim {ref} is in the trash; restore it first.",
                )
                claim = None
            return claim
        article = self.resolve_article(ref["article"], row, "claim.article")
        if article is None:
            return None
        start = self._anchor(row, article, ref["quote"], ref.get("quote_start"), prefix="claim.")
        if start is None:
            return None
        natural_key = (_ident(article), ref["quote"], start)
        target = self.claims_by_natural.get(natural_key) or self.stored_claims.get(natural_key)
        if target is None and not isinstance(article, Row):
            target = Claim.objects.filter(article=article, quote=ref["quote"], quote_start=start).first()
        if target is None:
            self.problem(
                row.section, row.row, "claim", "unknown_reference", "No such claim in the file or stored."
            )
        return target

    def plan_citations(self) -> None:
        section = "citations"
        by_natural: dict[tuple, Row] = {}
        self.claims_by_id = Claim.objects.in_bulk(
            {row.data["claim"] for row in self.rows[section] if isinstance(row.data["claim"], int)}
        )
        for row in self.rows[section]:
            claim = self.resolve_claim(row.data["claim"], row)
            source = self.resolve_source(row.data["source"], row, "source")
            row.data.update(claim=claim, source=source)
            if claim is None or source is None:
                continue
            self._duplicate(
                by_natural, (_ident(claim), _ident(source), row.data["role"]), row, "source",
                "citation (same claim, source and role)",
            )  # fmt: skip
        claim_ids = {key[0][1] for key in by_natural if key[0][0] == "db"}
        stored = {
            (("db", citation.claim_id), ("db", citation.source_id), citation.role): citation
            for citation in Citation.objects.filter(claim_id__in=claim_ids)
        }
        for natural_key, row in by_natural.items():
            row.existing = stored.get(natural_key)
            if row.existing is not None:
                self._diff(row, claim_services.CITATION_EDITABLE)

    def plan(self) -> None:
        """Resolve every reference and natural key; collect every problem."""
        self.plan_publishers()
        self.plan_sources()
        self.plan_articles()
        self.plan_claims()
        self.plan_citations()
        self.refuse_if_problems()

    # Applying ----------------------------------------------------------------------

    def _apply_row(self, row: Row, create: Callable[[], Any], update: Callable[[], Any]) -> None:
        counts = self.counts[row.section]
        try:
            if row.existing is None:
                row.instance = create()
                counts.created += 1
            elif row.changes:
                row.instance = update()
                counts.updated += 1
            else:
                row.instance = row.existing
                counts.unchanged += 1
        except DomainError as exc:
            raise ImportRefused([_domain_problem(self._section_of(row), row.row, exc, None)]) from exc
        except (IntegrityError, DataError) as exc:
            raise ImportRefused(
                [
                    Problem(
                        self._section_of(row), row.row, None, "conflict",
                        "Another change clashed with this row while importing; try again.",
                    )
                ]
            ) from exc  # fmt: skip

    def _apply_bulk(self, rows: list[Row], create: Callable[[], list[Any]]) -> None:
        """Create ``rows`` at once; a refusal names the row at the index the service reports."""
        try:
            created = create()
        except DomainError as exc:
            index = exc.extra.get("index")
            row = rows[index] if isinstance(index, int) and 0 <= index < len(rows) else None
            fields = [name.rsplit(".", 1)[-1] for name in exc.errors if name != "__all__"]
            raise ImportRefused(
                [
                    Problem(
                        self._section_of(rows[0]), row.row if row else None, fields[0] if fields else None,
                        exc.code, exc.message,
                    )
                ]
            ) from exc  # fmt: skip
        except (IntegrityError, DataError) as exc:
            raise ImportRefused(
                [
                    Problem(
                        self._section_of(rows[0]), None, None, "conflict",
                        "Another change clashed with these rows while importing; try again.",
                    )
                ]
            ) from exc  # fmt: skip
        for row, instance in zip(rows, created, strict=True):
            row.instance = instance
        self.counts[rows[0].section].created += len(rows)

    @staticmethod
    def _resolved(data: dict[str, Any]) -> dict[str, Any]:
        resolved = {}
        for name, value in data.items():
            if isinstance(value, list):
                resolved[name] = [_instance(item) for item in value]
            elif isinstance(value, Row):
                resolved[name] = _instance(value)
            else:
                resolved[name] = value
        return resolved

    def apply(self) -> None:
        for row in self.rows["publishers"]:
            self._apply_row(
                row,
                lambda row=row: source_services.publisher_create(actor=self.user, **row.data),
                lambda row=row: source_services.publisher_update(
                    publisher=row.existing, data=dict(row.changes), actor=self.user
                ),
            )
        for row in self.rows["sources"]:
            self._apply_row(
                row,
                lambda row=row: source_services.source_create(actor=self.user, **self._resolved(row.data)),
                lambda row=row: source_services.source_update(
                    source=row.existing, data=self._resolved(row.changes), actor=self.user
                ),
            )
        for row in self.rows["articles"]:
            self._apply_row(
                row,
                lambda row=row: claim_services.article_create(
                    created_by=self.user, **self._resolved(row.data)
                ),
                lambda row=row: claim_services.article_update(
                    article=row.existing, data=self._resolved(row.changes), actor=self.user
                ),
            )
        # New claims and citations go through the services' bulk paths (same rules, few queries).
        new_claims: dict[tuple, list[Row]] = defaultdict(list)
        for row in self.rows["claims"]:
            if row.existing is None:
                new_claims[_ident(row.data["article"])].append(row)
                continue
            self._apply_row(
                row,
                lambda: None,
                lambda row=row: claim_services.claim_update(
                    claim=row.existing, data=self._resolved(row.changes), actor=self.user
                ),
            )
        for rows in new_claims.values():
            items = [{k: v for k, v in row.data.items() if k != "article"} for row in rows]
            self._apply_bulk(
                rows,
                lambda rows=rows, items=items: claim_services.claims_create_bulk(
                    article=_instance(rows[0].data["article"]), claims=items, created_by=self.user
                ),
            )
        new_citations = [row for row in self.rows["citations"] if row.existing is None]
        if new_citations:
            self._apply_bulk(
                new_citations,
                lambda: claim_services.citations_add_bulk(
                    citations=[self._resolved(row.data) for row in new_citations], added_by=self.user
                ),
            )
        for row in self.rows["citations"]:
            if row.existing is None:
                continue
            self._apply_row(
                row,
                lambda: None,
                lambda row=row: claim_services.citation_update(
                    citation=row.existing, data=dict(row.changes), actor=self.user
                ),
            )

    def result(self, *, dry_run: bool) -> dict[str, Any]:
        return {
            "dry_run": dry_run,
            "counts": {section: vars(counts) for section, counts in self.counts.items()},
        }


def _run(importer: Importer, *, dry_run: bool) -> dict[str, Any]:
    importer.plan()
    try:
        with transaction.atomic():
            importer.apply()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return importer.result(dry_run=dry_run)


def import_document(*, document: Any, user: User | None, dry_run: bool = False) -> dict[str, Any]:
    """Import a parsed JSON document; raises ImportRefused listing every problem, having written
    nothing."""
    importer = Importer(user=user)
    importer.read_document(document)
    return _run(importer, dry_run=dry_run)


def import_csv(*, raw: bytes, article: Article, user: User | None, dry_run: bool = False) -> dict[str, Any]:
    """Import the claims of one article from CSV bytes (see the module docstring)."""
    importer = Importer(user=user)
    importer.read_csv(raw, article=article)
    return _run(importer, dry_run=dry_run)


def find_article(ref: str) -> Article:
    """The stored article a CSV import is for, by id or URL; 400 naming ``article`` otherwise."""
    ref = (ref or "").strip()
    if not ref:
        raise InvalidInput(
            "Name the article the claims belong to (its id or URL).", field="article", code="required"
        )
    if ref.isdigit():
        article = Article.objects.filter(pk=int(ref)).first() if len(ref) < 10 else None
    else:
        try:
            url = source_services._normal_url(ref, "article")
        except InvalidInput:
            url = None
        article = Article.objects.filter(url=url).first() if url else None
    if article is None:
        raise InvalidInput(f"No article {ref!r} (by id or URL).", field="article", code="not_found")
    if article.deleted_at is not None:
        raise InvalidInput(
            f"Article {article.pk} is in the trash; restore it first.", field="article", code="in_trash"
        )
    return article
