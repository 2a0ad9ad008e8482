"""Claims in the field's exchange formats: schema.org ClaimReview, W3C Web Annotation and CSV.

Each format is built from the records by one function and described for the OpenAPI schema
(and checked on the way out) by output-only serializers.

ClaimReview rating (``reviewRating``), on a 1 (worst) to 5 (best) scale of how well the
claim holds up:

    verified         5  "Verified"
    partly_verified  4  "Partly verified"
    disputed         3  "Disputed"        (credible sources on both sides)
    refuted          1  "Refuted"
    unverifiable     -  "Unverifiable"    no ratingValue, bestRating or worstRating: the
                                          claim was not rated on the scale, and a number
                                          outside 1..5 (the -1 some publishers use) would
                                          misstate it; alternateName carries the verdict.

2 is left unused: Claimtrack has no "mostly false" verdict.
"""

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.export_formats import csv_line
from claims.models import Citation, Claim, Status, StatusChange
from claims.selectors import live_claims
from sources.models import Publisher

SCHEMA_ORG = "https://schema.org"
ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNOTATION_MEDIA_TYPE = f'application/ld+json; profile="{ANNOTATION_CONTEXT}"'
SELECTOR_CONTEXT_LENGTH = 32
BEST_RATING, WORST_RATING = 5, 1
VERDICT_RATINGS: dict[str, int | None] = {
    Status.VERIFIED: 5,
    Status.PARTLY_VERIFIED: 4,
    Status.DISPUTED: 3,
    Status.REFUTED: 1,
    Status.UNVERIFIABLE: None,
}


# Reads ------------------------------------------------------------------------------


def _verdict_given_at() -> Coalesce:
    """When the claim entered its current status: the latest status change into it (a claim
    whose history lacks one, which the services never leave, falls back to its last change)."""
    latest = (
        StatusChange.objects.filter(claim=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-changed_at", "-id")
        .values("changed_at")[:1]
    )
    return Coalesce(Subquery(latest), F("updated_at"))


def _claimant_publisher_kind() -> Subquery:
    """The kind of the publisher whose name is the claimant's (ignoring case), if any."""
    match = (
        Publisher.objects.annotate(lname=Lower("name"))
        .filter(lname=Lower(OuterRef("claimant")))
        .order_by("id")
        .values("kind")[:1]
    )
    return Subquery(match)


def claim_review_claims() -> QuerySet[Claim]:
    """Live claims with what a ClaimReview needs, in one query per page."""
    return (
        live_claims()
        .select_related("article__publisher")
        .annotate(verdict_at=_verdict_given_at(), claimant_kind=_claimant_publisher_kind())
    )


def claim_review_feed() -> QuerySet[Claim]:
    """Claims with a verdict, newest verdict first."""
    return claim_review_claims().filter(status__in=Status.verdicts()).order_by("-verdict_at", "-id")


def claim_annotation_claims() -> QuerySet[Claim]:
    return live_claims().select_related("article", "created_by")


def claim_export_rows() -> QuerySet[Claim]:
    """Claims with their article and citation counts; the CSV reads them as plain tuples."""
    return (
        live_claims()
        .select_related("article")
        .annotate(
            citation_count=Count("citations"),
            supporting_count=Count("citations", filter=Q(citations__stance=Citation.Stance.SUPPORTS)),
            contradicting_count=Count("citations", filter=Q(citations__stance=Citation.Stance.CONTRADICTS)),
        )
    )


# ClaimReview ------------------------------------------------------------------------


def _absolute(request, view_name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(view_name, args=[pk]))


def organization() -> dict:
    """The reviewer: the organisation running Claimtrack (CLAIMTRACK_ORGANIZATION_NAME/_URL)."""
    org = {"@type": "Organization", "name": settings.CLAIMTRACK_ORGANIZATION_NAME}
    if settings.CLAIMTRACK_ORGANIZATION_URL:
        org["url"] = settings.CLAIMTRACK_ORGANIZATION_URL
    return org


def claimant_type(publisher_kind: str | None) -> str:
    """A claimant named like a publisher is that publisher: an Organization, or a Person when
    the publisher is a person. Any other claimant is taken to be a Person (the free-text
    claimant is most often a named speaker)."""
    if publisher_kind is None or publisher_kind == Publisher.Kind.PERSON:
        return "Person"
    return "Organization"


def rating(status: str) -> dict:
    value = VERDICT_RATINGS[status]
    result = {"@type": "Rating", "alternateName": Status(status).label}
    if value is not None:
        result.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return result


def claim_review(claim: Claim, *, request) -> dict:
    """A claim with a verdict as schema.org ClaimReview, for :class:`ClaimReviewSerializer`.
    ``claim`` comes from :func:`claim_review_claims` (it carries ``verdict_at`` and
    ``claimant_kind``)."""
    article = claim.article
    appearance = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.published_on:
        appearance["datePublished"] = article.published_on
    if article.byline:
        appearance["author"] = {"@type": "Person", "name": article.byline}
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher.name}
    item = {"@type": "Claim", "appearance": appearance}
    if claim.claimant:
        item["author"] = {"@type": claimant_type(claim.claimant_kind), "name": claim.claimant}
    if claim.claim_date:
        item["datePublished"] = claim.claim_date
    return {
        "@context": SCHEMA_ORG,
        "@type": "ClaimReview",
        "url": _absolute(request, "claim-detail", claim.pk),
        "claimReviewed": claim.statement,
        "itemReviewed": item,
        "reviewRating": rating(claim.status),
        "author": organization(),
        "datePublished": claim.verdict_at,
    }


class JsonLdSerializer(serializers.Serializer):
    # Output only. A field declared as ``at_<name>`` is the JSON-LD keyword ``@<name>``; a
    # field that is not ``required`` is left out when the value is absent. (A comment, not a
    # docstring: the schema would give it to every subclass as its description.)

    def get_fields(self):
        return {
            (f"@{name[3:]}" if name.startswith("at_") else name): field
            for name, field in super().get_fields().items()
        }


class SchemaOrgAgentSerializer(JsonLdSerializer):
    """A schema.org Person or Organization."""

    at_type = serializers.CharField(help_text='"Person" or "Organization".')
    name = serializers.CharField(help_text="Name of the person or organisation.")
    url = serializers.URLField(required=False, help_text="Home page, when known.")


class ClaimAppearanceSerializer(JsonLdSerializer):
    """The article in which the claim appears, as a schema.org CreativeWork."""

    at_type = serializers.CharField(help_text='Always "CreativeWork".')
    headline = serializers.CharField(help_text="Headline of the article where the claim appears.")
    url = serializers.URLField(
        required=False, help_text="Where the article was published; left out if unknown."
    )
    datePublished = serializers.DateField(
        required=False, help_text="When the article was published; left out if unknown."
    )
    author = SchemaOrgAgentSerializer(required=False, help_text="The article's byline, as a Person.")
    publisher = SchemaOrgAgentSerializer(required=False, help_text="The article's publisher.")


class ClaimReviewedItemSerializer(JsonLdSerializer):
    """The claim as made, as a schema.org Claim."""

    at_type = serializers.CharField(help_text='Always "Claim".')
    author = SchemaOrgAgentSerializer(
        required=False,
        help_text="The claimant: an Organization when it is named like a publisher (a Person if that "
        "publisher is a person), otherwise a Person. Left out when the claimant is not recorded.",
    )
    datePublished = serializers.DateField(
        required=False, help_text="When the claimant made the claim; left out if unknown."
    )
    appearance = ClaimAppearanceSerializer(help_text="The article in which the claim appears.")


class ClaimReviewRatingSerializer(JsonLdSerializer):
    """The verdict as a schema.org Rating on a 1 (worst) to 5 (best) scale."""

    at_type = serializers.CharField(help_text='Always "Rating".')
    ratingValue = serializers.IntegerField(
        required=False,
        min_value=WORST_RATING,
        max_value=BEST_RATING,
        help_text="5 verified, 4 partly verified, 3 disputed, 1 refuted. Left out (with bestRating and "
        "worstRating) for unverifiable, which is not a point on the scale.",
    )
    bestRating = serializers.IntegerField(required=False, help_text="Always 5 when ratingValue is given.")
    worstRating = serializers.IntegerField(required=False, help_text="Always 1 when ratingValue is given.")
    alternateName = serializers.CharField(
        help_text='The verdict in words: "Verified", "Partly verified", "Disputed", "Refuted" '
        'or "Unverifiable".'
    )


class ClaimReviewSerializer(JsonLdSerializer):
    """schema.org ClaimReview (https://schema.org/ClaimReview) of one claim with a verdict."""

    at_context = serializers.CharField(help_text='Always "https://schema.org".')
    at_type = serializers.CharField(help_text='Always "ClaimReview".')
    url = serializers.URLField(help_text="The claim in this API.")
    claimReviewed = serializers.CharField(help_text="The claim, restated as one neutral sentence.")
    itemReviewed = ClaimReviewedItemSerializer(help_text="The claim as made: who, when and where.")
    reviewRating = ClaimReviewRatingSerializer(help_text="The verdict.")
    author = SchemaOrgAgentSerializer(help_text="The reviewing organisation (CLAIMTRACK_ORGANIZATION_NAME).")
    datePublished = serializers.DateTimeField(
        help_text="When the verdict was given: the latest change of the claim into its current status."
    )


# Web Annotation ---------------------------------------------------------------------


def claim_annotation(claim: Claim, *, request) -> dict:
    """The claim's anchor as a W3C Web Annotation on its article's text, for
    :class:`ClaimAnnotationSerializer`. Selectors count
    characters (Unicode code points) of the article body, like the claim's offsets."""
    article, body = claim.article, claim.article.body
    start, end = claim.quote_start, claim.quote_end
    verdict = claim.has_verdict
    annotation = {
        "@context": ANNOTATION_CONTEXT,
        "id": _absolute(request, "claim-annotation", claim.pk),
        "type": "Annotation",
        "motivation": "assessing" if verdict else "highlighting",
        "created": claim.created_at,
        "modified": claim.updated_at,
        "body": [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "value": claim.statement,
            },
            {
                "type": "TextualBody",
                "purpose": "assessing" if verdict else "tagging",
                "format": "text/plain",
                "value": Status(claim.status).label,
            },
        ],
        "target": {
            "source": article.url or _absolute(request, "article-detail", article.pk),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": body[start:end],
                    "prefix": body[max(0, start - SELECTOR_CONTEXT_LENGTH) : start],
                    "suffix": body[end : end + SELECTOR_CONTEXT_LENGTH],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }
    if claim.created_by is not None:
        annotation["creator"] = {"type": "Person", "nickname": claim.created_by.username}
    return annotation


class AnnotationCreatorSerializer(serializers.Serializer):
    """Who recorded the claim."""

    type = serializers.CharField(help_text='Always "Person".')
    nickname = serializers.CharField(help_text="Username of whoever recorded the claim.")


class AnnotationBodySerializer(serializers.Serializer):
    """A textual body of the annotation."""

    type = serializers.CharField(help_text='Always "TextualBody".')
    purpose = serializers.CharField(
        help_text='"describing" for the claim\'s statement; "tagging" (no verdict yet) or "assessing" '
        "(a verdict) for its status."
    )
    format = serializers.CharField(help_text='Always "text/plain".')
    value = serializers.CharField(help_text="The statement, or the status in words.")


SELECTOR_SCHEMA = {
    "type": "array",
    "description": "Two ways to find the quote in the article body; both select the same span. "
    "`TextQuoteSelector`: `exact` is the quote, `prefix` and `suffix` the up to 32 characters "
    "before and after it. `TextPositionSelector`: `start` and `end` are character offsets "
    "(0-based, end exclusive), so `body[start:end] == exact`.",
    "minItems": 2,
    "maxItems": 2,
    "items": {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "pattern": "^TextQuoteSelector$"},
                    "exact": {"type": "string"},
                    "prefix": {"type": "string", "maxLength": SELECTOR_CONTEXT_LENGTH},
                    "suffix": {"type": "string", "maxLength": SELECTOR_CONTEXT_LENGTH},
                },
                "required": ["type", "exact", "prefix", "suffix"],
            },
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "pattern": "^TextPositionSelector$"},
                    "start": {"type": "integer", "minimum": 0},
                    "end": {"type": "integer", "minimum": 0},
                },
                "required": ["type", "start", "end"],
            },
        ]
    },
}


@extend_schema_field(SELECTOR_SCHEMA)
class AnnotationSelectorsField(serializers.ListField):
    """The selectors pass through as built by :func:`claim_annotation`."""

    child = serializers.DictField()


class AnnotationTargetSerializer(serializers.Serializer):
    """The annotated span: the article and selectors into its body."""

    source = serializers.URLField(help_text="The article's URL, or the article in this API when it has none.")
    selector = AnnotationSelectorsField(help_text="Where in the article body the claim's quote is.")


class ClaimAnnotationSerializer(JsonLdSerializer):
    """W3C Web Annotation (https://www.w3.org/TR/annotation-model/) of a claim's quote."""

    at_context = serializers.CharField(help_text='Always "http://www.w3.org/ns/anno.jsonld".')
    id = serializers.URLField(help_text="This annotation's URL.")
    type = serializers.CharField(help_text='Always "Annotation".')
    motivation = serializers.CharField(
        help_text='"highlighting" while the claim has no verdict, "assessing" once it has one.'
    )
    created = serializers.DateTimeField(help_text="When the claim was recorded.")
    modified = serializers.DateTimeField(help_text="When the claim last changed.")
    creator = AnnotationCreatorSerializer(
        required=False, help_text="Who recorded the claim; left out if the account is gone."
    )
    body = AnnotationBodySerializer(many=True, help_text="The claim's statement and its status.")
    target = AnnotationTargetSerializer(
        help_text="The article and the span of its text that makes the claim."
    )


# CSV --------------------------------------------------------------------------------

CLAIM_CSV_COLUMNS = (
    ("id", "id"),
    ("statement", "statement"),
    ("quote", "quote"),
    ("claimant", "claimant"),
    ("claim_date", "claim_date"),
    ("status", "status"),
    ("article_id", "article_id"),
    ("article_title", "article__title"),
    ("article_url", "article__url"),
    ("citation_count", "citation_count"),
    ("supporting_count", "supporting_count"),
    ("contradicting_count", "contradicting_count"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
CSV_CHUNK_SIZE = 1000


def claims_csv_lines(claims: QuerySet[Claim]) -> Iterator[str]:
    """The header, then one line per claim. Rows are read as tuples in chunks through a
    server-side cursor, so memory stays flat and the query count does not grow with the rows."""
    yield csv_line(header for header, _field in CLAIM_CSV_COLUMNS)
    rows = claims.values_list(*(field for _header, field in CLAIM_CSV_COLUMNS))
    for row in rows.iterator(chunk_size=CSV_CHUNK_SIZE):
        yield csv_line(row)
