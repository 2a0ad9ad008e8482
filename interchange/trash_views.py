"""The trash: what reviewers deleted (articles, claims, sources), and purging it for good.

Deleting moves a record here (``DELETE /api/v1/{articles,claims,sources}/{id}/``); a
reviewer restores it with ``POST …/{id}/restore/``. Only a superuser deletes it for good,
with ``DELETE /api/v1/trash/{type}/{id}/``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.permissions import ReviewersOnly, SuperusersOnly
from api.viewsets import CANONICAL_ID_REGEX
from claims import selectors, services
from claims.models import Article, Claim
from sources import services as source_services
from sources.models import Source

TYPE_CHOICES = [("article", "Article"), ("claim", "Claim"), ("source", "Source")]
TYPES = [value for value, _ in TYPE_CHOICES]
PURGE = {
    "article": (Article, lambda record, actor: services.article_purge(article=record, actor=actor)),
    "claim": (Claim, lambda record, actor: services.claim_purge(claim=record, actor=actor)),
    "source": (Source, lambda record, actor: source_services.source_purge(source=record, actor=actor)),
}


class TrashEntrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TYPE_CHOICES, help_text="What kind of record it is.")
    id = serializers.IntegerField(help_text="The record's id (restore it at /api/v1/{type}s/{id}/restore/).")
    summary = serializers.CharField(
        source="label",
        help_text=f"The title (articles, sources) or statement (claims), cut at {selectors.SUMMARY_LENGTH} "
        "characters.",
    )
    deleted_at = serializers.DateTimeField(help_text="When the record was moved to the trash.")
    deleted_by = serializers.CharField(
        source="deleted_by_name", allow_null=True, help_text="Username of whoever moved it there."
    )


class TrashQuerySerializer(serializers.Serializer):
    type = serializers.MultipleChoiceField(
        choices=TYPE_CHOICES, required=False, help_text="Only these kinds of record (repeat for several)."
    )


class TrashViewSet(viewsets.GenericViewSet):
    """Reviewers see the trash; superusers purge from it."""

    page_titles = {"list": "Trash", "purge": "Purge {type} #{id} from the trash"}

    permission_classes = [ReviewersOnly]
    serializer_class = TrashEntrySerializer
    filter_backends = []

    @extend_schema(
        summary="What is in the trash, newest deletion first",
        description="Reviewers only. Articles, claims and sources moved to the trash, with who moved "
        "them and when.",
        parameters=[
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                enum=TYPES,
                many=True,
                explode=True,
                description="Only these kinds of record (repeat for several).",
            )
        ],
        responses={200: TrashEntrySerializer(many=True)},
    )
    def list(self, request):
        query = TrashQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = selectors.trash_list(types=sorted(query.validated_data.get("type", ())))
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(TrashEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Delete a record in the trash for good",
        operation_id="trash_purge",
        description=(
            "Superusers only. The record must be in the trash (409 otherwise). Purging a claim "
            "removes its citations and status history; an article or source is refused (409) while a "
            "record in the trash still refers to it. History events stay."
        ),
        parameters=[
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=TYPES,
                description="What kind of record.",
            ),
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The record's id."),
        ],
        request=None,
        responses={204: None},
    )
    @action(
        detail=False,
        methods=["delete"],
        url_path=r"(?P<type>article|claim|source)/(?P<id>" + CANONICAL_ID_REGEX + ")",
        url_name="purge",
        permission_classes=[SuperusersOnly],
    )
    def purge(self, request, type: str, id: str):
        model, purge = PURGE[type]
        purge(get_object_or_404(model.objects.all(), pk=id), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
