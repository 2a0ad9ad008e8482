"""Claims in exchange formats: the ClaimReview of one claim and the feed of all reviewed
claims, a claim's anchor as a Web Annotation, and the CSV export of the claims list.

See claims/exports.py for the formats and api/export_formats.py for how formats and errors
are negotiated."""

import django_filters
from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.export_formats import CSVRenderer, ExportContentNegotiation, ExportViewMixin, JsonLdRenderer
from api.schema import ErrorSerializer
from claims import exports
from claims.models import Claim, Status
from claims.selectors import live_articles
from core.errors import Conflict


class ClaimAnnotationRenderer(JsonLdRenderer):
    """The Web Annotation protocol's media type: JSON-LD with the annotation profile."""

    media_type = exports.ANNOTATION_MEDIA_TYPE


FORMATS_NOTE = (
    " Choose the format with `Accept` or `?format=` (`jsonld` or `json`); an unknown `format` "
    "is a 400, an `Accept` that matches none gives the default. Errors are always JSON."
)

BAD_FORMAT = OpenApiResponse(ErrorSerializer, description="`format` names no format of this operation.")
CONFLICT_NO_VERDICT = OpenApiResponse(
    ErrorSerializer, description="The claim has no verdict yet, so there is no review to publish."
)


class ClaimExportsMixin(ExportViewMixin):
    """The ``claimreview``, ``annotation`` and ``export`` actions of the claims viewset."""

    @extend_schema(
        summary="A claim's verdict as schema.org ClaimReview (JSON-LD)",
        description=(
            "For a claim with a verdict (`verified`, `partly_verified`, `disputed`, `refuted`, "
            "`unverifiable`): schema.org ClaimReview, as fact-checkers publish it for search engines "
            "and the Google Fact Check tools. `reviewRating.ratingValue` is 5 verified, 4 partly "
            "verified, 3 disputed, 1 refuted (best 5, worst 1); `unverifiable` is not a point on the "
            "scale and has only `alternateName`. `datePublished` is when the verdict was given. "
            "409 while the claim has no verdict." + FORMATS_NOTE
        ),
        responses={200: exports.ClaimReviewSerializer, 400: BAD_FORMAT, 409: CONFLICT_NO_VERDICT},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="claimreview",
        filter_backends=[],
        renderer_classes=[JsonLdRenderer, renderers.JSONRenderer],
        content_negotiation_class=ExportContentNegotiation,
    )
    def claimreview(self, request, pk=None, format=None):  # format: the .jsonld / .json suffix
        claim = get_object_or_404(exports.claim_review_claims(), pk=pk)
        if not claim.has_verdict:
            raise Conflict(
                f"The claim is {claim.status}: it has no verdict to publish as a ClaimReview.",
                field="status",
                code="no_verdict",
            )
        data = exports.ClaimReviewSerializer(exports.claim_review(claim, request=request)).data
        return Response(data)

    @extend_schema(
        summary="A claim's quote as a W3C Web Annotation on its article",
        description=(
            "The claim as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/): its "
            "target is the article (its URL, or the article in this API when it has none) with a "
            "`TextQuoteSelector` (the quote with up to 32 characters before and after) and a "
            "`TextPositionSelector` (character offsets in the article body). Annotation tools such "
            "as Hypothesis anchor on these. The default format is `application/ld+json; "
            'profile="http://www.w3.org/ns/anno.jsonld"`, as the Web Annotation protocol asks.' + FORMATS_NOTE
        ),
        responses={200: exports.ClaimAnnotationSerializer, 400: BAD_FORMAT},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="annotation",
        filter_backends=[],
        renderer_classes=[ClaimAnnotationRenderer, renderers.JSONRenderer],
        content_negotiation_class=ExportContentNegotiation,
    )
    def annotation(self, request, pk=None, format=None):
        claim = get_object_or_404(exports.claim_annotation_claims(), pk=pk)
        data = exports.ClaimAnnotationSerializer(exports.claim_annotation(claim, request=request)).data
        return Response(data)

    @extend_schema(
        summary="Export every claim that matches the filters as CSV",
        description=(
            "All claims that match the same filters, search and ordering as the claims list, in "
            "one CSV file (RFC 4180, UTF-8, comma-separated, a header row) streamed as it is read, "
            "so it is not paginated. Columns: "
            + ", ".join(f"`{header}`" for header, _field in exports.CLAIM_CSV_COLUMNS)
            + ". A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a "
            "leading `'`, so spreadsheets do not run it as a formula. Also at `/api/v1/claims/export.csv`."
            " Errors (a bad filter is a 400 naming it) are JSON."
        ),
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The claims as CSV."),
            400: OpenApiResponse(ErrorSerializer, description="A filter, `search` or `ordering` is invalid."),
        },
        filters=True,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        renderer_classes=[CSVRenderer],
        content_negotiation_class=ExportContentNegotiation,
        pagination_class=None,
    )
    def export(self, request, format=None):  # format: the .csv suffix
        claims = self.filter_queryset(exports.claim_export_rows())
        response = StreamingHttpResponse(
            exports.claims_csv_lines(claims), content_type="text/csv; charset=utf-8; header=present"
        )
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        return response


class ClaimReviewFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=[(value, Status(value).label) for value in Status.values if value in Status.verdicts()],
        help_text="Only reviews with one of these verdicts (repeat the parameter).",
    )
    article = django_filters.ModelChoiceFilter(
        queryset=live_articles(), help_text="Only reviews of claims in this article (id)."
    )

    class Meta:
        model = Claim
        fields = ["status", "article"]


@extend_schema_view(
    list=extend_schema(
        summary="Feed of ClaimReviews: every claim with a verdict, newest verdict first",
        description="Each result is the claim's schema.org ClaimReview, as "
        "`GET /api/v1/claims/{id}/claimreview/` gives it; pages as every other list." + FORMATS_NOTE,
    )
)
class ClaimReviewViewSet(ExportViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = exports.ClaimReviewSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimReviewFilter
    renderer_classes = [JsonLdRenderer, renderers.JSONRenderer]
    content_negotiation_class = ExportContentNegotiation

    def get_queryset(self):
        return exports.claim_review_feed()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        reviews = [exports.claim_review(claim, request=request) for claim in page]
        return self.get_paginated_response(self.get_serializer(reviews, many=True).data)
