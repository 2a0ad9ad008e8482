"""Claims, matched by article, quote and quote_start (computed when left out, which needs the
quote to occur exactly once in the article's body)."""

from collections.abc import Hashable, Iterable
from typing import Any

from claims import services
from claims.anchoring import anchor_quote
from claims.models import Article, Claim
from claims.selectors import claim_natural_key, claims_by_key
from core.errors import InvalidInput
from interchange.importing.problems import Problem, from_domain_error
from interchange.importing.rows import Row, resolved, token
from interchange.importing.sections.articles import ArticleSection
from interchange.importing.sections.base import Section
from interchange.importing.serializers import ClaimImportSerializer


def _body(article: Row | Article) -> str:
    if isinstance(article, Row):
        if "body" in article.data:
            return article.data["body"]
        return article.existing.body if article.existing is not None else ""
    return article.body


class ClaimSection(Section):
    name = "claims"
    label = "Claim"
    serializer_class = ClaimImportSerializer
    duplicate_field = "quote"
    duplicate_what = "claim (same article and quote)"
    compared = ("statement", "claimant", "claim_date")

    def anchor(
        self, row: Row, article: Row | Article, quote: str, quote_start: int | None, prefix: str = ""
    ) -> int | None:
        """Where the quote starts in the article's body; None, with a problem, when it is not
        there exactly once (or not at ``quote_start``)."""
        try:
            start, _end = anchor_quote(
                body=_body(article), quote=quote, quote_start=quote_start, quote_end=None
            )
        except InvalidInput as exc:
            problem = from_domain_error(
                exc, section=self.importer.section_of(row), row=row.row, default_field="quote"
            )
            self.importer.problems.append(
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

    def prepare(self, row: Row) -> Hashable | None:
        data = row.data
        article = self.importer.section(ArticleSection).resolve(data["article"], row, "article")
        data["article"] = article
        if article is None:
            return None
        start = self.anchor(row, article, data["quote"], data.get("quote_start"))
        if start is None:
            return None
        data["quote_start"] = start
        return claim_natural_key(article=token(article), quote=data["quote"], quote_start=start)

    def references(self) -> Iterable[Any]:
        """Claims the citations name: by id, or by natural key (found quietly here; their
        problems are the citations' to report)."""
        articles = self.importer.section(ArticleSection)
        for row in self.importer.rows["citations"]:
            ref = row.data["claim"]
            if isinstance(ref, int):
                yield ref
            elif isinstance(ref, dict):
                article = articles.resolve(ref["article"], row, "claim.article", quiet=True)
                if article is None:
                    continue
                try:
                    start, _end = anchor_quote(
                        body=_body(article),
                        quote=ref["quote"],
                        quote_start=ref.get("quote_start"),
                        quote_end=None,
                    )
                except InvalidInput:
                    continue
                yield claim_natural_key(article=token(article), quote=ref["quote"], quote_start=start)

    def reference_key(self, ref: Any) -> Hashable:
        return ("id", ref) if isinstance(ref, int) else ref

    def lookup(self, keys: set[Any]) -> dict[Any, list[Any]]:
        return {key: [claim] for key, claim in claims_by_key(keys).items()}

    def resolve(self, ref: Any, row: Row, field_name: str = "claim", *, quiet: bool = False) -> Any:
        """A claim reference: a row's key, a stored claim's id, or ``{"article", "quote",
        "quote_start"}``."""
        if isinstance(ref, str):
            if ref in self.keys:
                return self.keys[ref]
            self.importer.unknown(row, "claim", ref, f"No claim with the key {ref!r} in the file.")
            return None
        if isinstance(ref, int):
            claim = next(iter(self.stored.get(("id", ref), [])), None)
            if claim is None:
                self.importer.problem(
                    row.section, row.row, "claim", "unknown_reference", f"No stored claim {ref}."
                )
            elif claim.deleted_at is not None:
                message = f"Claim {ref} is in the trash; restore it first."
                self.importer.problem(row.section, row.row, "claim", "in_trash", message)
                claim = None
            return claim
        article = self.importer.section(ArticleSection).resolve(ref["article"], row, "claim.article")
        if article is None:
            return None
        start = self.anchor(row, article, ref["quote"], ref.get("quote_start"), prefix="claim.")
        if start is None:
            return None
        natural_key = claim_natural_key(article=token(article), quote=ref["quote"], quote_start=start)
        target = self.by_natural.get(natural_key) or next(iter(self.stored.get(natural_key, [])), None)
        if target is None:
            self.importer.problem(
                row.section, row.row, "claim", "unknown_reference", "No such claim in the file or stored."
            )
        return target

    def create_many(self, rows: list[Row]) -> list[Claim]:
        items = [resolved(row.data) for row in rows]
        return services.claims_create_bulk(claims=items, created_by=self.importer.user)

    def update(self, row: Row) -> Claim:
        return services.claim_update(claim=row.existing, data=resolved(row.changes), actor=self.importer.user)
