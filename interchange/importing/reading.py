"""Reading what is imported into rows: a JSON document (as bytes or parsed), a CSV of one
article's claims, or either as a file uploaded in a multipart form. Every row is checked
on its own against its section's serializer; every problem is kept, the whole file refused
at once."""

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rest_framework import serializers
from rest_framework.request import Request

from claims.models import Article
from core.errors import InvalidInput
from interchange.importing.problems import CSV_SECTION, ImportRefused, Problem, flatten, refuse
from interchange.importing.rows import Row
from interchange.importing.serializers import ClaimImportSerializer

if TYPE_CHECKING:
    from interchange.importing.importer import Importer

CSV_MEDIA_TYPE = "text/csv"
CSV_COLUMNS = ("statement", "quote", "quote_start", "claimant", "claim_date")
CSV_REQUIRED = ("statement", "quote")
# Documented limits (README, Importing): more is refused with a 400 naming the limit, before
# the rows are checked one by one. A CSV header names each of CSV_COLUMNS at most once, so
# MAX_CSV_COLUMNS leaves room only for mistakes worth listing.
MAX_CSV_COLUMNS = 50
MAX_ROWS = 20_000


def _not_utf8(exc: UnicodeDecodeError, section: str | None = None) -> ImportRefused:
    return refuse("encoding", f"The file is not UTF-8 ({exc.reason} at byte {exc.start}).", section=section)


def parse_json_bytes(raw: bytes) -> Any:
    """A JSON document from bytes; 400 naming the problem if it is not one."""
    if not raw.strip():
        raise refuse("empty", "The file is empty.")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _not_utf8(exc) from exc
    except RecursionError as exc:
        raise refuse("parse_error", "The JSON is nested too deeply.") from exc
    except ValueError as exc:
        raise refuse("parse_error", f"Not valid JSON: {exc}.") from exc


def read_upload(request: Request, article_ref: str | None) -> tuple[bool, bytes, str | None]:
    """An uploaded file (``multipart/form-data``): whether it is a CSV (by name or type), its
    bytes, and the article it is for (a form field, else the query's)."""
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput("Choose a file to import.", field="file", code="required")
    name = (upload.name or "").lower()
    is_csv = name.endswith(".csv") or (upload.content_type or "").lower() == CSV_MEDIA_TYPE
    form = request.data if isinstance(request.data, Mapping) else {}
    form_article = (form.get("article") or "").strip()
    return is_csv, upload.read(), form_article or article_ref or None


def _section_rows(
    importer: "Importer", section: str, raw_rows: Any, serializer_class: type[serializers.Serializer]
) -> list[Row]:
    """Each row checked on its own against the section's serializer."""
    if not isinstance(raw_rows, list):
        importer.problem(section, None, None, "not_a_list", f'"{section}" must be a list of objects.')
        return []
    checker = serializer_class()
    rows = []
    for index, raw in enumerate(raw_rows):
        number = index + 1
        try:
            data = checker.run_validation(raw)
        except serializers.ValidationError as exc:
            for path, code, message in flatten(exc.detail):
                importer.problem(section, number, path, code, message)
            importer.remember_broken(raw)
            continue
        rows.append(Row(section, number, dict(data)))
    return rows


def read_document(importer: "Importer", document: Any) -> None:
    """The rows of a parsed JSON document, section by section."""
    sections = importer.sections
    if not isinstance(document, dict):
        raise refuse("invalid", "The document must be a JSON object with sections.")
    unknown = sorted(str(key) for key in document if key not in sections)
    for key in unknown:
        importer.problem(
            None, None, key, "unknown_field", f"Unknown section; expected some of {', '.join(sections)}."
        )
    if not any(document.get(name) for name in sections) and not unknown:
        raise refuse("empty", "The document has no rows.")
    size = sum(len(document[name]) for name in sections if isinstance(document.get(name), list))
    if size > MAX_ROWS:
        raise refuse(
            "too_many_rows",
            f"The document has {size} rows; the limit is {MAX_ROWS} (all sections together). "
            "Split it into several imports.",
        )
    for name, section in sections.items():
        if name in document:
            importer.rows[name] = _section_rows(importer, name, document[name], section.serializer_class)


def _csv_header(reader: Any) -> list[str]:
    """The header's column names; the file refused listing what is wrong with them."""
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as exc:
        raise refuse("parse_error", f"Not valid CSV: {exc}.", section=CSV_SECTION, row=1) from exc
    if len(header) > MAX_CSV_COLUMNS:
        raise refuse(
            "too_many_columns",
            f"The header has {len(header)} columns; the limit is {MAX_CSV_COLUMNS} "
            f"(the columns are {', '.join(CSV_COLUMNS)}).",
            section=CSV_SECTION,
            row=1,
        )
    expected = f"Unknown column; expected some of {', '.join(CSV_COLUMNS)}."
    problems = [
        Problem(CSV_SECTION, 1, name or None, "unknown_column", expected)
        for name in header
        if name not in CSV_COLUMNS
    ]
    seen = Counter(header)
    problems += [
        Problem(CSV_SECTION, 1, name, "duplicate_column", "This column appears more than once.")
        for name in sorted(name for name, times in seen.items() if times > 1)
    ]
    problems += [
        Problem(CSV_SECTION, 1, name, "missing_column", "This column is required.")
        for name in CSV_REQUIRED
        if name not in header
    ]
    if problems:
        raise ImportRefused(problems)
    return header


def read_csv(importer: "Importer", raw: bytes, *, article: Article) -> None:
    """Claims of one stored article; rows are numbered by the line they start on."""
    importer.csv = True
    if not raw.strip():
        raise refuse("empty", "The file is empty.", section=CSV_SECTION)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(exc, CSV_SECTION) from exc
    if "\x00" in text:
        raise refuse("encoding", "The file contains NUL bytes.", section=CSV_SECTION)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = _csv_header(reader)
    checker = ClaimImportSerializer()
    claims = importer.rows["claims"]
    line = reader.line_num + 1
    count = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            importer.problem(CSV_SECTION, line, None, "parse_error", f"Not valid CSV: {exc}.")
            break
        number, line = line, reader.line_num + 1
        if not any(value.strip() for value in record):
            continue  # a blank line
        count += 1
        if count > MAX_ROWS:
            raise refuse(
                "too_many_rows",
                f"The file has more than {MAX_ROWS} claims; split it into several imports.",
                section=CSV_SECTION,
                row=number,
            )
        if len(record) != len(header):
            message = f"The line has {len(record)} values; the header names {len(header)}."
            importer.problem(CSV_SECTION, number, None, "wrong_length", message)
            continue
        raw_row: dict[str, Any] = {"article": article.pk}
        for name, value in zip(header, record, strict=True):
            if value != "" or name in CSV_REQUIRED:
                raw_row[name] = value
        try:
            data = checker.run_validation(raw_row)
        except serializers.ValidationError as exc:
            for path, code, message in flatten(exc.detail):
                importer.problem(CSV_SECTION, number, path, code, message)
            continue
        claims.append(Row("claims", number, dict(data)))
    if not claims and not importer.problems:
        raise refuse("empty", "The file has no claims.", section=CSV_SECTION)
