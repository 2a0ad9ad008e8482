"""Sources, matched by URL, else identifier, else title and publisher; created after the
sources they rely on."""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from interchange.importing.rows import Row, resolved, token
from interchange.importing.sections.base import url_key
from interchange.importing.sections.publishers import PublishedSection
from interchange.importing.serializers import SourceImportSerializer
from sources import services
from sources.models import Source, SourceReliance
from sources.selectors import source_natural_key, sources_by_key
from sources.urls_normal import URL_MAX_LENGTH


class SourceSection(PublishedSection):
    name = "sources"
    label = "Source"
    serializer_class = SourceImportSerializer
    url_fields = (("url", URL_MAX_LENGTH), ("archived_url", URL_MAX_LENGTH))
    duplicate_what = "source (same URL, identifier or title)"
    ambiguous_hint = "give a URL or identifier."
    reference_kinds = "key, URL or identifier"
    compared = tuple(name for name in services.SOURCE_FIELDS if name != "publisher")

    def natural_key(self, data: dict[str, Any]) -> Hashable:
        publisher = data.get("publisher")
        return source_natural_key(
            url=data.get("url", ""),
            identifier=data.get("identifier", ""),
            title=data["title"],
            publisher=token(publisher) if publisher is not None else None,
        )

    def references(self) -> Iterable[Any]:
        for row in self.rows:
            yield from row.data.get("relies_on", ())
        for row in self.importer.rows["citations"]:
            yield row.data["source"]

    def reference_key(self, ref: Any) -> Hashable:
        if isinstance(ref, int):
            return ("id", ref)
        if "://" in ref:
            return url_key(ref)
        return ("identifier", ref)

    def lookup(self, keys: set[Any]) -> dict[Any, list[Any]]:
        return sources_by_key(keys)

    def ambiguous_field(self, natural_key: Any) -> str | None:
        return natural_key[0]

    def after_match(self) -> None:
        existing_ids = [row.existing.pk for row in self.rows if row.existing is not None]
        self.reliance: dict[int, set[int]] = defaultdict(set)
        links = SourceReliance.objects.filter(source_id__in=existing_ids)
        for source_id, relies_on_id in links.values_list("source_id", "relies_on_id"):
            self.reliance[source_id].add(relies_on_id)

    def finish(self, row: Row) -> None:
        if "relies_on" in row.data:
            targets = [self.resolve(ref, row, "relies_on") for ref in row.data["relies_on"]]
            row.data["relies_on"] = [target for target in targets if target is not None]
        super().finish(row)
        if row.existing is None or "relies_on" not in row.data:
            return
        if {token(target) for target in row.data["relies_on"]} != self.reliance[row.existing.pk]:
            row.changes["relies_on"] = row.data["relies_on"]

    def after_finish(self) -> None:
        """Sources to create come after those they rely on; a cycle among them is refused."""
        ordered: list[Row] = []
        state: dict[int, str] = {}

        def visit(row: Row, trail: list[Row]) -> None:
            mark = state.get(id(row))
            if mark == "done":
                return
            if mark == "visiting":
                rows = [r.row for r in trail[trail.index(row) :]]
                message = f"These sources rely on each other in a circle: rows {rows}."
                self.importer.problem(self.name, row.row, "relies_on", "cycle", message)
                return
            state[id(row)] = "visiting"
            for target in row.data.get("relies_on", ()):
                if target is row:
                    message = "A source cannot rely on itself."
                    self.importer.problem(self.name, row.row, "relies_on", "self_reliance", message)
                elif isinstance(target, Row):
                    visit(target, [*trail, row])
            state[id(row)] = "done"
            ordered.append(row)

        for row in self.rows:
            visit(row, [])
        self.importer.rows[self.name] = ordered

    def create_many(self, rows: list[Row]) -> list[Source]:
        """New sources at once: one relying on another new one names it by its position."""
        position = {id(row): index for index, row in enumerate(rows)}

        def target_of(target: Row | Source) -> Source | int:
            if not isinstance(target, Row):
                return target
            return target.existing if target.existing is not None else position[id(target)]

        items = []
        for row in rows:
            item = resolved({name: value for name, value in row.data.items() if name != "relies_on"})
            item["relies_on"] = [target_of(target) for target in row.data.get("relies_on", ())]
            items.append(item)
        return services.sources_create_bulk(sources=items, actor=self.importer.user)

    def update(self, row: Row) -> Source:
        return services.source_update(
            source=row.existing, data=resolved(row.changes), actor=self.importer.user
        )
