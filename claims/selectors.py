"""Read querysets for articles, claims and citations, with what their serializers need."""

from collections.abc import Mapping
from typing import Any

from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Left

from claims.models import Article, Citation, Claim, StatusChange
from sources.models import Source

SUMMARY_LENGTH = 200


def live_articles() -> QuerySet[Article]:
    """Articles not in the trash: the only ones lists, lookups and id fields know."""
    return Article.objects.filter(deleted_at__isnull=True)


def live_claims() -> QuerySet[Claim]:
    """Claims not in the trash. A live claim's article and cited sources are live too."""
    return Claim.objects.filter(deleted_at__isnull=True)


def trashed_articles() -> QuerySet[Article]:
    return Article.objects.filter(deleted_at__isnull=False)


def trashed_claims() -> QuerySet[Claim]:
    return Claim.objects.filter(deleted_at__isnull=False)


def article_list() -> QuerySet[Article]:
    return (
        live_articles()
        .select_related("publisher", "created_by")
        .annotate(claim_count=Count("claims", filter=Q(claims__deleted_at__isnull=True)))
    )


def _citations_with_sources() -> QuerySet[Citation]:
    # Sources and publishers in brief: the columns their summaries show, nothing more.
    return (
        Citation.objects.select_related("source__publisher", "added_by")
        .only(
            *(field.name for field in Citation._meta.concrete_fields),
            "source__id",
            "source__kind",
            "source__title",
            "source__url",
            "source__publisher_id",
            "source__deleted_at",
            "source__publisher__id",
            "source__publisher__name",
            "added_by__id",
            "added_by__username",
        )
        .order_by("added_at", "id")
    )


def claim_list() -> QuerySet[Claim]:
    # A claim shows its article in brief: the body and the search vectors stay in the database.
    return (
        live_claims()
        .select_related("article", "created_by")
        .defer("search_vector", "article__body", "article__search_vector")
        .prefetch_related(Prefetch("citations", queryset=_citations_with_sources()))
    )


def citation_list() -> QuerySet[Citation]:
    return _citations_with_sources().select_related("claim").filter(claim__deleted_at__isnull=True)


def claim_history(*, claim: Claim) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(claim=claim).select_related("changed_by").order_by("-changed_at", "-id")
    )


TRASH_TYPES: dict[str, tuple[type[Article | Claim | Source], str]] = {
    "article": (Article, "title"),
    "claim": (Claim, "statement"),
    "source": (Source, "title"),
}


def trash_list(*, types: list[str] | None = None) -> QuerySet[Any, Mapping[str, object]]:
    """What is in the trash, newest deletion first: one row per record, as dicts with
    ``type``, ``id``, ``label`` (title or statement, cut short), ``deleted_at`` and
    ``deleted_by_name``, read in one query whatever the number of rows."""
    parts: list[QuerySet[Any, Mapping[str, object]]] = []
    for name, (model, text_field) in TRASH_TYPES.items():
        if types and name not in types:
            continue
        parts.append(
            model.objects.filter(deleted_at__isnull=False)
            .order_by()
            .annotate(
                type=Value(name, output_field=CharField()),
                label=Left(Cast(text_field, output_field=CharField()), SUMMARY_LENGTH),
                deleted_by_name=F("deleted_by__username"),
            )
            .values("type", "id", "label", "deleted_at", "deleted_by_name")
        )
    first, *rest = parts
    entries = first.union(*rest, all=True) if rest else first
    return entries.order_by("-deleted_at", "type", "-id")
