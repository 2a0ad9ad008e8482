from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.permissions import ReviewersOnly
from api.viewsets import ServiceModelViewSet
from sources import selectors, services
from sources.csl import SourceCslMixin, csl_detail_schema, csl_list_schema
from sources.filters import PublisherFilter, SourceFilter
from sources.provenance import SourceProvenanceSerializer, reliance_graph
from sources.serializers import (
    PublisherSerializer,
    PublisherWriteSerializer,
    SourceSerializer,
    SourceWriteSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List publishers"),
    retrieve=extend_schema(summary="Get a publisher"),
    create=extend_schema(summary="Create a publisher"),
    update=extend_schema(summary="Replace a publisher"),
    partial_update=extend_schema(summary="Edit a publisher"),
    destroy=extend_schema(summary="Delete a publisher (refused while it has sources or articles)"),
)
class PublisherViewSet(ServiceModelViewSet):
    page_titles = {"list": "Publishers", "retrieve": "Publisher #{pk}"}
    page_record_label = "name"
    read_serializer_class = PublisherSerializer
    write_serializer_class = PublisherWriteSerializer
    filterset_class = PublisherFilter
    search_fields = ["name", "country"]
    ordering_fields = ["name", "kind", "country", "created_at", "updated_at", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.publisher_list()

    def perform_service_create(self, data):
        return services.publisher_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data, *, expected_version):
        return services.publisher_update(
            publisher=instance, data=data, actor=self.request.user, expected_version=expected_version
        )

    def perform_service_delete(self, instance, *, expected_version):
        services.publisher_delete(
            publisher=instance, actor=self.request.user, expected_version=expected_version
        )


@extend_schema_view(
    list=extend_schema(summary="List sources", **csl_list_schema(SourceSerializer)),
    retrieve=extend_schema(
        summary="Get a source with its publisher and the sources it relies on",
        **csl_detail_schema(SourceSerializer),
    ),
    create=extend_schema(summary="Create a source"),
    update=extend_schema(summary="Replace a source"),
    partial_update=extend_schema(summary="Edit a source"),
    destroy=extend_schema(summary="Move a source to the trash (refused while it is cited or relied on)"),
)
class SourceViewSet(SourceCslMixin, ServiceModelViewSet):
    page_titles = {
        "list": "Sources",
        "retrieve": "Source #{pk}",
        "restore": "Restore source #{pk}",
        "provenance": "What source #{pk} relies on",
    }
    page_record_label = "title"
    read_serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer
    filterset_class = SourceFilter
    search_fields = ["title", "identifier", "authors", "summary", "publisher__name", "url"]
    search_vectors = ["search_vector", "publisher__search_vector"]
    search_rank_vector = "search_vector"
    ordering_fields = ["published_on", "title", "kind", "created_at", "updated_at", "id"]
    ordering = ["-published_on", "id"]

    def get_queryset(self):
        return selectors.source_list()

    def perform_service_create(self, data):
        return services.source_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data, *, expected_version):
        return services.source_update(
            source=instance, data=data, actor=self.request.user, expected_version=expected_version
        )

    def perform_service_delete(self, instance, *, expected_version):
        services.source_delete(source=instance, actor=self.request.user, expected_version=expected_version)

    @extend_schema(
        summary="Restore a source from the trash",
        description=(
            "Reviewers only. 404 if the source is not in the trash; 409 while a source it relies "
            "on is in the trash (restore that one first)."
        ),
        request=None,
        responses={200: SourceSerializer},
    )
    @action(detail=True, methods=["post"], url_path="restore", permission_classes=[ReviewersOnly])
    def restore(self, request, pk=None):
        source = get_object_or_404(selectors.trashed_sources(), pk=pk)
        return self.read_response(services.source_restore(source=source, actor=request.user))

    @extend_schema(
        summary="A source's provenance: the chain of sources it rests on",
        description=(
            "The source's `relies_on` links followed to the end, as a graph: every source reached "
            "(`nodes`, with `depth`, the shortest number of links from this source, and "
            "`is_origin` for those that rely on nothing further) and every link (`edges`). "
            "Computed in one query however long the chain. A source that relies on nothing "
            "is its own origin, at depth 0. 404 for a source in the trash."
        ),
        responses={200: SourceProvenanceSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="provenance", filter_backends=[], pagination_class=None)
    def provenance(self, request, pk=None):
        source = get_object_or_404(selectors.live_sources(), pk=pk)
        return Response(SourceProvenanceSerializer(reliance_graph(roots=[source.pk])).data)
