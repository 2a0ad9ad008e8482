"""Articles, matched by URL, else by title and byline."""

from collections.abc import Hashable, Iterable
from typing import Any

from claims import services
from claims.models import Article
from claims.selectors import article_natural_key, articles_by_key
from interchange.importing.rows import Row, resolved
from interchange.importing.sections.base import url_key
from interchange.importing.sections.publishers import PublishedSection
from interchange.importing.serializers import ArticleImportSerializer
from sources.urls_normal import URL_MAX_LENGTH


class ArticleSection(PublishedSection):
    name = "articles"
    label = "Article"
    serializer_class = ArticleImportSerializer
    url_fields = (("url", URL_MAX_LENGTH),)
    duplicate_what = "article (same URL, or title and byline)"
    ambiguous_hint = "give a URL."
    reference_kinds = "key or URL"
    compared = ("title", "byline", "published_on", "language", "body")

    def natural_key(self, data: dict[str, Any]) -> Hashable:
        return article_natural_key(
            url=data.get("url", ""), title=data["title"], byline=data.get("byline", "")
        )

    def references(self) -> Iterable[Any]:
        for row in self.importer.rows["claims"]:
            yield row.data["article"]
        for row in self.importer.rows["citations"]:
            if isinstance(row.data["claim"], dict):
                yield row.data["claim"]["article"]

    def reference_key(self, ref: Any) -> Hashable:
        return ("id", ref) if isinstance(ref, int) else url_key(ref)

    def lookup(self, keys: set[Any]) -> dict[Any, list[Any]]:
        return articles_by_key(keys)

    def create_many(self, rows: list[Row]) -> list[Article]:
        return services.articles_create_bulk(
            articles=[resolved(row.data) for row in rows], created_by=self.importer.user
        )

    def update(self, row: Row) -> Article:
        return services.article_update(
            article=row.existing, data=resolved(row.changes), actor=self.importer.user
        )
