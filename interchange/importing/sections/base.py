"""What every section of an import does with its rows, the same way for each resource:

1. client keys: the ``key`` a row gives, unique within its section;
2. each row prepared (URLs normalised, its references resolved) into its natural key, and
   refused when another row of the file has the same one;
3. the stored records every row and every reference may stand for, found in one query;
4. each row matched with its stored record (refused when several match, or the record is in
   the trash), and the fields it changes there listed;
5. applied through the resource's services: the new records created at once by its bulk
   service (a few queries whatever their number), then the changed ones updated.

A section type says what differs, as data (fields, messages) or small hooks."""

from collections.abc import Hashable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from rest_framework import serializers

from core.errors import InvalidInput
from interchange.importing.apply import apply_bulk, apply_row
from interchange.importing.problems import from_domain_error
from interchange.importing.rows import Row, same_target
from sources.urls_normal import normal_url

if TYPE_CHECKING:
    from interchange.importing.importer import Importer


def normal_url_or_none(value: str) -> str | None:
    try:
        return normal_url(value)
    except InvalidInput:
        return None


def names_stored(key: Hashable) -> bool:
    """Whether a natural key can name a stored record: one naming a row still to be created
    (``token``) cannot."""
    return not (isinstance(key, tuple) and any(isinstance(part, tuple) for part in key))


class Section:
    name: str  # the document's section: "sources"
    label: str  # a stored record in messages: "Source 12 is in the trash"
    serializer_class: type[serializers.Serializer]
    keyed = True  # rows may carry a client ``key``
    url_fields: tuple[tuple[str, int], ...] = ()  # normalised, with their stored length
    duplicate_field: str | None = None
    duplicate_what = ""  # "source (same URL, identifier or title)"
    ambiguous_hint = ""  # what a row should give when several stored records match it
    # How a reference may name a record, for "No source 'x' in the file (by ...) or stored."
    reference_kinds = ""
    compared: tuple[str, ...] = ()  # fields of the row compared with the stored record
    reference_fields: tuple[str, ...] = ()  # fields naming another record, compared by target
    trashable = True

    def __init__(self, importer: "Importer") -> None:
        self.importer = importer
        self.keys: dict[str, Row] = {}
        self.by_natural: dict[Hashable, Row] = {}
        self.stored: dict[Any, list[Any]] = {}

    @property
    def rows(self) -> list[Row]:
        return self.importer.rows[self.name]

    # Hooks ---------------------------------------------------------------------------

    def prepare(self, row: Row) -> Hashable | None:
        """Normalise the row and resolve its references; its natural key, None when a
        problem keeps it from having one."""
        raise NotImplementedError

    def references(self) -> Iterable[Any]:
        """What rows of other sections (or of this one) give to name a record of this one."""
        return ()

    def reference_key(self, ref: Any) -> Hashable:
        """The key a reference that is not a client key names a record by."""
        return ("id", ref) if isinstance(ref, int) else ref

    def lookup(self, keys: set[Any]) -> dict[Any, list[Any]]:
        """The stored records under each key (one query)."""
        raise NotImplementedError

    def match(self, row: Row, natural_key: Hashable) -> None:
        matches = self.stored.get(natural_key, [])
        if len(matches) > 1:
            self.importer.problem(
                self.importer.section_of(row),
                row.row,
                self.ambiguous_field(natural_key),
                "ambiguous",
                f"Stored {self.name} {[record.pk for record in matches]} all match this row; "
                f"{self.ambiguous_hint}",
            )
        elif matches:
            row.existing = matches[0]

    def ambiguous_field(self, natural_key: Any) -> str | None:
        return None

    def after_match(self) -> None:
        """Work on all the matched rows at once (before ``finish``)."""

    def finish(self, row: Row) -> None:
        """Refuse a stored record in the trash; list the fields the row changes."""
        existing = row.existing
        if existing is None:
            return
        if self.trashable and existing.deleted_at is not None:
            self.importer.problem(
                self.importer.section_of(row),
                row.row,
                None,
                "in_trash",
                f"{self.label} {existing.pk} is in the trash; restore it first.",
            )
        for name in self.compared:
            if name in row.data and getattr(existing, name) != row.data[name]:
                row.changes[name] = row.data[name]
        for name in self.reference_fields:
            if name in row.data and not same_target(getattr(existing, f"{name}_id"), row.data[name]):
                row.changes[name] = row.data[name]

    def after_finish(self) -> None:
        """Work on all the rows once each is finished."""

    def create_many(self, rows: list[Row]) -> list[Any]:
        """The records of ``rows`` (none stored yet), created by one bulk service call, in order."""
        raise NotImplementedError

    def update(self, row: Row) -> Any:
        raise NotImplementedError

    # Planning ------------------------------------------------------------------------

    def plan(self) -> None:
        if self.keyed:
            self.keys = self.read_keys()
        for row in self.rows:
            natural_key = self.prepare(row)
            if natural_key is not None:
                self.importer.duplicate(
                    self.by_natural, natural_key, row, self.duplicate_field, self.duplicate_what
                )
        wanted = set(self.by_natural)
        wanted |= {
            self.reference_key(ref)
            for ref in self.references()
            if isinstance(ref, int) or ref not in self.keys
        }
        self.stored = self.lookup({key for key in wanted if names_stored(key)})
        for natural_key, row in self.by_natural.items():
            self.match(row, natural_key)
        self.after_match()
        for row in self.rows:
            self.finish(row)
        self.after_finish()

    def read_keys(self) -> dict[str, Row]:
        """Client keys (not stored): each names one row of the section."""
        keys: dict[str, Row] = {}
        for row in self.rows:
            key = row.data.pop("key", None)
            if key is None:
                continue
            if key in keys:
                self.importer.problem(
                    self.name,
                    row.row,
                    "key",
                    "duplicate",
                    f'The key "{key}" is also used by row {keys[key].row}.',
                )
            else:
                keys[key] = row
        return keys

    def normalise_urls(self, row: Row) -> bool:
        """The row's URLs as stored (``normal_url``); False, with a problem, if one is not valid."""
        valid = True
        for name, max_length in self.url_fields:
            if name not in row.data:
                continue
            try:
                row.data[name] = normal_url(row.data[name], field=name, max_length=max_length)
            except InvalidInput as exc:
                self.importer.problems.append(
                    from_domain_error(
                        exc, section=self.importer.section_of(row), row=row.row, default_field=name
                    )
                )
                valid = False
        return valid

    def resolve(self, ref: Any, row: Row, field_name: str, *, quiet: bool = False) -> Any:
        """The row or stored record a reference names: a client key, else its natural key
        among the rows, else among the stored records; None, with a problem (unless
        ``quiet``), when it names none, several or one in the trash."""
        if isinstance(ref, str) and ref in self.keys:
            return self.keys[ref]
        key = self.reference_key(ref)
        if key in self.by_natural:
            return self.by_natural[key]
        matches = self.stored.get(key, [])
        if len(matches) == 1 and not (self.trashable and matches[0].deleted_at is not None):
            return matches[0]
        if quiet:
            return None
        where = (self.importer.section_of(row), row.row, field_name)
        if len(matches) == 1:
            self.importer.problem(
                *where, "in_trash", f"{self.label} {matches[0].pk} is in the trash; restore it first."
            )
        elif matches:
            self.importer.problem(
                *where,
                "ambiguous",
                f"Stored {self.name} {[record.pk for record in matches]} all have this identifier; "
                "refer to one by id.",
            )
        else:
            self.importer.unknown(
                row,
                field_name,
                ref,
                f"No {self.label.lower()} {ref!r} in the file (by {self.reference_kinds}) or stored.",
            )
        return None

    # Applying ------------------------------------------------------------------------

    def apply(self) -> None:
        """New records first, at once (a row to update may refer to one), then the rest."""
        new = [row for row in self.rows if row.existing is None]
        if new:
            apply_bulk(self.importer, new, partial(self.create_many, new))
        for row in self.rows:
            if row.existing is not None:
                apply_row(self.importer, row, partial(self.update, row))


def url_key(ref: str) -> tuple[str, str]:
    """A URL reference's key: the URL as stored, or as given when it is not a valid one (then
    it names no stored record)."""
    return ("url", normal_url_or_none(ref) or ref)
