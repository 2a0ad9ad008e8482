"""Read querysets for articles, claims and citations, with what their serializers need."""

from django.db.models import Count, Prefetch, QuerySet

from claims.models import Article, Citation, Claim, StatusChange


def article_list() -> QuerySet[Article]:
    return Article.objects.select_related("publisher", "created_by").annotate(claim_count=Count("claims"))


def _citations_with_sources() -> QuerySet[Citation]:
    return Citation.objects.select_related("source__publisher", "added_by").order_by("added_at", "id")


def claim_list() -> QuerySet[Claim]:
    return Claim.objects.select_related("article", "created_by").prefetch_related(
        Prefetch("citations", queryset=_citations_with_sources())
    )


def citation_list() -> QuerySet[Citation]:
    return _citations_with_sources().select_related("claim")


def claim_history(*, claim: Claim) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(claim=claim).select_related("changed_by").order_by("-changed_at", "-id")
    )
