from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from claims import selectors, services
from claims.filters import ArticleFilter, CitationFilter, ClaimFilter
from claims.models import Claim
from claims.serializers import (
    ArticleSerializer,
    ArticleWriteSerializer,
    CitationSerializer,
    CitationWriteSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    StatusChangeSerializer,
    TransitionSerializer,
)
from config.viewsets import ServiceModelViewSet


@extend_schema_view(
    list=extend_schema(summary="List articles"),
    retrieve=extend_schema(summary="Get an article with its full body"),
    create=extend_schema(summary="Create an article"),
    update=extend_schema(summary="Replace an article (claims stay anchored or the edit is refused)"),
    partial_update=extend_schema(summary="Edit an article (claims stay anchored or the edit is refused)"),
    destroy=extend_schema(summary="Delete an article (refused while it has claims)"),
)
class ArticleViewSet(ServiceModelViewSet):
    read_serializer_class = ArticleSerializer
    write_serializer_class = ArticleWriteSerializer
    filterset_class = ArticleFilter
    search_fields = ["title", "byline", "url", "publisher__name"]
    ordering_fields = ["created_at", "updated_at", "published_on", "title", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.article_list()

    def perform_service_create(self, data):
        return services.article_create(created_by=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.article_update(article=instance, data=data)

    def perform_service_delete(self, instance):
        services.article_delete(article=instance)


@extend_schema_view(
    list=extend_schema(summary="List claims with their article, citations and status"),
    retrieve=extend_schema(summary="Get a claim"),
    create=extend_schema(summary="Record a claim anchored on its exact quote"),
    update=extend_schema(summary="Replace a claim (refused while it has a verdict)"),
    partial_update=extend_schema(summary="Edit a claim (refused while it has a verdict)"),
    destroy=extend_schema(summary="Delete a claim with its citations and history"),
)
class ClaimViewSet(ServiceModelViewSet):
    read_serializer_class = ClaimSerializer
    write_serializer_class = ClaimWriteSerializer
    filterset_class = ClaimFilter
    search_fields = ["statement", "quote", "claimant", "article__title"]
    ordering_fields = ["created_at", "updated_at", "claim_date", "status", "claimant", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if self.action == "history":
            # The history page needs the claim only to check it exists.
            return Claim.objects.all()
        return selectors.claim_list()

    def get_serializer_class(self):
        if self.action == "transition":
            return TransitionSerializer
        if self.action == "history":
            return StatusChangeSerializer
        return super().get_serializer_class()

    def perform_service_create(self, data):
        return services.claim_create(created_by=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.claim_update(claim=instance, data=data)

    def perform_service_delete(self, instance):
        services.claim_delete(claim=instance)

    @extend_schema(
        summary="Change a claim's verification status",
        description=(
            "Researchers move a claim between `unverified` and `in_review`. Only reviewers give a "
            "verdict (`verified`, `partly_verified`, `disputed`, `refuted`, `unverifiable`) or reopen "
            "one, and always with a `rationale`. `verified` and `partly_verified` need a citation "
            "that supports the claim; `refuted` one that contradicts it. The claim and its history "
            "row are written in one transaction."
        ),
        request=TransitionSerializer,
        responses={200: ClaimSerializer},
    )
    @action(detail=True, methods=["post"], url_path="transition")
    def transition(self, request, pk=None):
        claim = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.claim_transition(
            claim=claim,
            to=serializer.validated_data["status"],
            rationale=serializer.validated_data["rationale"],
            actor=request.user,
        )
        return self.read_response(claim)

    @extend_schema(
        summary="A claim's status history, newest first",
        responses={200: StatusChangeSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="history", filter_backends=[])
    def history(self, request, pk=None):
        claim = self.get_object()
        queryset = selectors.claim_history(claim=claim)
        page = self.paginate_queryset(queryset)
        serializer = StatusChangeSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


@extend_schema_view(
    list=extend_schema(summary="List citations"),
    retrieve=extend_schema(summary="Get a citation"),
    create=extend_schema(summary="Cite a source for a claim"),
    update=extend_schema(summary="Replace a citation's role, stance and text"),
    partial_update=extend_schema(summary="Edit a citation's role, stance or text"),
    destroy=extend_schema(summary="Remove a citation (refused if a verdict rests on it)"),
)
class CitationViewSet(ServiceModelViewSet):
    read_serializer_class = CitationSerializer
    write_serializer_class = CitationWriteSerializer
    filterset_class = CitationFilter
    search_fields = ["quote", "note", "locator", "source__title"]
    ordering_fields = ["added_at", "updated_at", "id"]
    ordering = ["added_at", "id"]

    def get_queryset(self):
        return selectors.citation_list()

    def perform_service_create(self, data):
        return services.citation_add(added_by=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.citation_update(citation=instance, data=data)

    def perform_service_delete(self, instance):
        services.citation_delete(citation=instance)
