"""Claim matching on the claims viewset: ``GET /claims/{id}/similar/``, ``POST /claims/match/``,
and the likely duplicates listed in the answer to creating a claim (claims/matching.py)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.permissions import ReadersMay
from api.renderers import query_form_panel
from api.schema import ErrorSerializer
from claims import matching
from claims.confirmed_matching import confirmed_among, confirmed_first
from claims.matching_serializers import (
    ClaimMatchResultSerializer,
    ClaimMatchSerializer,
    ClaimMatchTextSerializer,
    ClaimSimilarQuerySerializer,
)
from claims.selectors import live_claims

HOW_SCORED = (
    " The claims sharing the text's rarest meaningful words are the candidates (words weighted by how "
    "rare they are among the claims; links, handles' @ and hashtags' #, and a tweet's "
    '"— Name (@handle) date" trailer are left out; accents and case do not count). The best '
    "hundred are scored from 0 to 1: an estimate of the probability that the claim is the "
    "one the text states, combining the rare words they share (BM25), trigram similarity, shared "
    "numbers and names, and the claim's article headline. The default `min_score` 0 returns the "
    "ranking. Claims in the trash are never returned."
)


def _given(query_params) -> dict:
    # An empty query value means "not given" (api.schema.allow_empty_query_values).
    return {key: value for key, value in query_params.items() if value != ""}


def _result(matches: list[matching.ClaimMatch], min_score: float, confirmed_ids: set[int]) -> Response:
    body = {"min_score": min_score, "results": matches}
    return Response(ClaimMatchResultSerializer(body, context={"confirmed_ids": confirmed_ids}).data)


class ClaimMatchingMixin:
    """The ``similar`` and ``match`` actions of the claims viewset, and ``likely_duplicates`` in
    the answer to a create."""

    # Set per action (see api.schema.AutoSchema._error_codes); declared so @action may set it.
    error_codes = None

    def created_response(self, instance):
        """The created claim with its ``likely_duplicates`` (``ClaimCreatedSerializer``): part of
        the answer, so an Idempotency-Key replay returns the list first given."""
        response = super().created_response(instance)
        duplicates = matching.likely_duplicates(claim=instance)
        response.data["likely_duplicates"] = ClaimMatchSerializer(duplicates, many=True).data
        return response

    def similar_panels(self, *, request, response) -> list[dict]:
        """The similar page's own form: ``limit`` and ``min_score`` changed without editing the URL."""
        if response.status_code not in (200, 400):
            return []  # an unknown claim has no claims like it to show
        panel = query_form_panel(
            ClaimSimilarQuerySerializer,
            request=request,
            response=response,
            name="similar",
            title="How many claims, and how alike",
        )
        return [panel]

    @extend_schema(
        summary="Claims most like this one, in any article",
        description=(
            "The live claims most probably stating what this claim states, the claim itself "
            "left out, best first (ties by id). The claim's confirmed equivalents (see "
            "`/claims/{id}/same-as/`) come first, marked `confirmed`, whatever their score. "
            "404 for an unknown claim or one in the "
            "trash; 400 naming `limit` or `min_score` when one is out of range." + HOW_SCORED
        ),
        parameters=[ClaimSimilarQuerySerializer],
        request=None,
        responses={
            200: ClaimMatchResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`limit` or `min_score` is out of range."),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="similar",
        filter_backends=[],
        pagination_class=None,
        error_codes={"GET": {"400", "401", "403", "404"}},
    )
    def similar(self, request, pk=None):
        claim = get_object_or_404(live_claims().only("id", "statement"), pk=pk)
        options = ClaimSimilarQuerySerializer(data=_given(request.query_params))
        options.is_valid(raise_exception=True)
        min_score = options.validated_data["min_score"]
        matches = matching.similar_claims(
            text=claim.statement,
            exclude_id=claim.pk,
            limit=options.validated_data["limit"],
            threshold=min_score,
        )
        matches, confirmed = confirmed_first(
            claim_id=claim.pk, text=claim.statement, matches=matches, limit=options.validated_data["limit"]
        )
        return _result(matches, min_score, confirmed)

    @extend_schema(
        summary="Claims most like a text, in any article",
        description=(
            "The live claims most probably stating what `text` states (a claim, a tweet, a post, "
            "a paragraph), best first (ties by id): to check whether a claim is already recorded "
            "or fact-checked before recording it. Writes "
            "nothing, so whoever may read claims may use it. A `text` with no letter or digit "
            "(only emoji or punctuation) matches nothing: the answer is an empty list, not an "
            "error. 400 naming the field for a `text` that is missing, not a string, blank, longer "
            "than 20,000 characters or holding a NUL character, and for a `limit` or `min_score` "
            "out of range. `confirmed` marks a result recorded as the same claim as another "
            "result of the answer." + HOW_SCORED
        ),
        request=ClaimMatchTextSerializer,
        responses={200: ClaimMatchResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="match",
        permission_classes=[ReadersMay],
        filter_backends=[],
        pagination_class=None,
        error_codes={"POST": {"400", "401", "403", "413", "415"}},
    )
    def match(self, request):
        body = ClaimMatchTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        min_score = body.validated_data["min_score"]
        matches = matching.similar_claims(
            text=body.validated_data["text"], limit=body.validated_data["limit"], threshold=min_score
        )
        return _result(matches, min_score, confirmed_among(matches))
