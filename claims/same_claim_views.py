"""Confirmed matches on the claims viewset: ``GET``/``POST /claims/{id}/same-as/`` lists and
records the claims a researcher confirmed as stating the same thing, ``DELETE
/claims/{id}/same-as/{other_id}/`` removes a link. The rules live in
``services.same_claim_link``/``same_claim_unlink``."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.pagination import PageNumberPagination
from claims import selectors, services
from claims.same_claim_serializers import ClaimEquivalentSerializer, SameClaimLinkWriteSerializer
from core.concurrency import etag_for, expected_version, requires_version
from core.idempotency import idempotent

SAME_AS_ACTIONS = frozenset({"same_as", "same_as_record", "same_as_remove"})
OTHER_ID = OpenApiParameter(
    "other_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="Id of the other claim of the link.",
)


# The same-as actions of the claims viewset. No docstring: drf-spectacular would take it (inherited
# through inspect.getdoc) as the description of every claims operation.
class ClaimSameAsMixin:
    # Provided by the viewset this mixes into (ClaimViewSet).
    get_serializer_context: Callable[[], dict[str, Any]]

    def get_serializer_class(self):
        if getattr(self, "action", None) in SAME_AS_ACTIONS:
            # The browsable API asks for the POST form with the request cloned to POST.
            if self.request is not None and self.request.method == "POST":
                return SameClaimLinkWriteSerializer
            return ClaimEquivalentSerializer
        return super().get_serializer_class()

    def _live_claim(self, pk):
        return get_object_or_404(selectors.live_claims().only("id"), pk=pk)

    def _equivalent_response(self, link, *, claim_id: int, status_code: int, headers: dict) -> Response:
        fresh = selectors.same_claim_links_of(claim_id=claim_id).get(pk=link.pk)
        data = ClaimEquivalentSerializer(
            fresh, context={**self.get_serializer_context(), "claim_id": claim_id}
        ).data
        return Response(data, status=status_code, headers={"ETag": etag_for(fresh), **headers})

    @extend_schema(
        summary="The claims confirmed as stating the same thing as this one",
        description=(
            "Every claim, in any article, that a researcher recorded as stating the same thing as "
            "this one (a direct link; links are not followed further), newest link first, with who "
            "recorded the link and when. Claims in the trash and their links are left out until "
            "restored. 404 for an unknown claim or one in the trash."
        ),
        responses={200: ClaimEquivalentSerializer(many=True)},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="same-as",
        url_name="same-as",
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def same_as(self, request, pk=None):
        claim = self._live_claim(pk)
        page = self.paginate_queryset(selectors.same_claim_links_of(claim_id=claim.pk))
        context = {**self.get_serializer_context(), "claim_id": claim.pk}
        return self.get_paginated_response(ClaimEquivalentSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="Record that another claim states the same thing as this one",
        description=(
            "Researchers and reviewers. Give the other claim's id (in any article) and optionally a "
            "note. One link per pair, whichever way round it is recorded. Refused with 400 naming "
            "`other_claim` for the claim itself, an unknown claim or one in the trash, and with 409 "
            "(`duplicate`, `existing_id`) when the two claims are already linked. The answer is "
            "the new link as `GET` lists it, with its ETag (needed to remove it)."
        ),
        request=SameClaimLinkWriteSerializer,
        responses={201: ClaimEquivalentSerializer},
    )
    @same_as.mapping.post
    @idempotent
    def same_as_record(self, request, pk=None):
        claim = self._live_claim(pk)
        body = SameClaimLinkWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        other = body.validated_data["other_claim"]
        link = services.same_claim_link(
            claim=claim, other=other, actor=request.user, note=body.validated_data["note"]
        )
        location = self.reverse_action("same-as-detail", args=[claim.pk, other.pk])
        return self._equivalent_response(
            link, claim_id=claim.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Remove a same-claim link",
        description=(
            "Reviewers only, as for citations. Names the link's version (`If-Match` with its ETag, "
            "or `version` in the body). The removal stays in both claims' history. 404 when the "
            "two claims are not linked (or one of them is in the trash)."
        ),
        parameters=[OTHER_ID],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"same-as/(?P<other_id>[1-9][0-9]*)",
        url_name="same-as-detail",
        filter_backends=[],
        pagination_class=None,
    )
    @requires_version
    def same_as_remove(self, request, pk=None, other_id=None):
        claim = self._live_claim(pk)
        link = get_object_or_404(selectors.same_claim_link_between(claim_id=claim.pk, other_id=int(other_id)))
        services.same_claim_unlink(
            link=link, actor=request.user, expected_version=expected_version(request, link)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
