"""Publishers, matched by the identity key of their name (sources.identity): a row or a
reference whose name differs from a stored publisher's only in letter case is that
publisher; one that merely looks like it (another script, invisible or fullwidth characters,
spacing) is refused naming it, as the API refuses it."""

from collections.abc import Hashable, Iterable
from typing import Any

from interchange.importing.rows import Row
from interchange.importing.sections.base import Section
from interchange.importing.serializers import PublisherImportSerializer
from sources import services
from sources.identity import name_key
from sources.models import Publisher
from sources.selectors import publishers_by_name_key
from sources.urls_normal import PUBLISHER_URL_MAX_LENGTH


class PublisherSection(Section):
    name = "publishers"
    label = "Publisher"
    serializer_class = PublisherImportSerializer
    keyed = False
    url_fields = (("url", PUBLISHER_URL_MAX_LENGTH),)
    duplicate_field = "name"
    duplicate_what = "publisher"
    compared = ("kind", "country", "url")
    trashable = False

    def prepare(self, row: Row) -> Hashable:
        if "country" in row.data:
            row.data["country"] = row.data["country"].upper()
        self.normalise_urls(row)
        return name_key(row.data["name"])

    def references(self) -> Iterable[Any]:
        for section in ("sources", "articles"):
            for row in self.importer.rows[section]:
                if row.data.get("publisher"):
                    yield row.data["publisher"]

    def reference_key(self, ref: Any) -> Hashable:
        return name_key(ref)

    def lookup(self, keys: set[Any]) -> dict[Any, list[Any]]:
        found = publishers_by_name_key(key for key in keys if isinstance(key, str))
        return {key: [publisher] for key, publisher in found.items()}

    def match(self, row: Row, natural_key: Hashable) -> None:
        super().match(row, natural_key)
        if row.existing is not None and self.looks_alike(row, "name", row.data["name"], row.existing):
            row.existing = None

    def looks_alike(self, row: Row, field_name: str, name: str, target: Publisher | Row) -> bool:
        """Report ``name`` if it only looks like the name of ``target`` (a stored publisher or
        a row of the file)."""
        target_name = target.name if isinstance(target, Publisher) else target.data["name"]
        if name.lower() == target_name.lower():
            return False
        where = f"publisher {target.pk}" if isinstance(target, Publisher) else "a publisher of the file"
        self.importer.problem(
            self.importer.section_of(row),
            row.row,
            field_name,
            "duplicate",
            f'"{name}" looks the same as "{target_name}" ({where}); use that name.',
        )
        return True

    def resolve_name(self, row: Row) -> None:
        """Replace a row's ``publisher`` (a name) by the publisher: a row or a stored record."""
        if "publisher" not in row.data:
            return
        name = row.data["publisher"]
        if not name:
            row.data["publisher"] = None
            return
        key = name_key(name)
        target = self.by_natural.get(key) or next(iter(self.stored.get(key, [])), None)
        if target is None:
            self.importer.unknown(
                row, "publisher", name, f'No publisher named "{name}" in the file or stored.'
            )
        elif self.looks_alike(row, "publisher", name, target):
            target = None
        row.data["publisher"] = target

    def create_many(self, rows: list[Row]) -> list[Publisher]:
        return services.publishers_create_bulk(
            publishers=[row.data for row in rows], actor=self.importer.user
        )

    def update(self, row: Row) -> Publisher:
        return services.publisher_update(
            publisher=row.existing, data=dict(row.changes), actor=self.importer.user
        )


class PublishedSection(Section):
    """A section whose rows name their publisher (sources, articles): URLs normalised, the
    publisher's name resolved, then the row's natural key."""

    reference_fields = ("publisher",)

    def prepare(self, row: Row) -> Hashable | None:
        valid = self.normalise_urls(row)
        self.importer.section(PublisherSection).resolve_name(row)
        return self.natural_key(row.data) if valid else None

    def natural_key(self, data: dict[str, Any]) -> Hashable:
        raise NotImplementedError
