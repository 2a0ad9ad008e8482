"""Citations, matched by claim, source and role."""

from collections.abc import Hashable
from typing import Any

from claims import services
from claims.models import Citation
from claims.selectors import citations_by_key
from interchange.importing.rows import Row, resolved, token
from interchange.importing.sections.base import Section
from interchange.importing.sections.claims import ClaimSection
from interchange.importing.sections.sources import SourceSection
from interchange.importing.serializers import CitationImportSerializer


class CitationSection(Section):
    name = "citations"
    label = "Citation"
    serializer_class = CitationImportSerializer
    keyed = False
    duplicate_field = "source"
    duplicate_what = "citation (same claim, source and role)"
    compared = services.CITATION_EDITABLE
    trashable = False

    def prepare(self, row: Row) -> Hashable | None:
        claim = self.importer.section(ClaimSection).resolve(row.data["claim"], row, "claim")
        source = self.importer.section(SourceSection).resolve(row.data["source"], row, "source")
        row.data.update(claim=claim, source=source)
        if claim is None or source is None:
            return None
        return (token(claim), token(source), row.data["role"])

    def lookup(self, keys: set[Any]) -> dict[Any, list[Any]]:
        return {key: [citation] for key, citation in citations_by_key(keys).items()}

    def create_many(self, rows: list[Row]) -> list[Citation]:
        citations = [resolved(row.data) for row in rows]
        return services.citations_add_bulk(citations=citations, added_by=self.importer.user)

    def update(self, row: Row) -> Citation:
        return services.citation_update(
            citation=row.existing, data=resolved(row.changes), actor=self.importer.user
        )
