from drf_spectacular.utils import extend_schema, extend_schema_view

from config.viewsets import ServiceModelViewSet
from sources import selectors, services
from sources.filters import PublisherFilter, SourceFilter
from sources.serializers import PublisherSerializer, SourceSerializer, SourceWriteSerializer


@extend_schema_view(
    list=extend_schema(summary="List publishers"),
    retrieve=extend_schema(summary="Get a publisher"),
    create=extend_schema(summary="Create a publisher"),
    update=extend_schema(summary="Replace a publisher"),
    partial_update=extend_schema(summary="Edit a publisher"),
    destroy=extend_schema(summary="Delete a publisher (refused while it has sources or articles)"),
)
class PublisherViewSet(ServiceModelViewSet):
    read_serializer_class = PublisherSerializer
    write_serializer_class = PublisherSerializer
    filterset_class = PublisherFilter
    search_fields = ["name", "country"]
    ordering_fields = ["name", "kind", "country", "created_at", "updated_at", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.publisher_list()

    def perform_service_create(self, data):
        return services.publisher_create(**data)

    def perform_service_update(self, instance, data):
        return services.publisher_update(publisher=instance, data=data)

    def perform_service_delete(self, instance):
        services.publisher_delete(publisher=instance)


@extend_schema_view(
    list=extend_schema(summary="List sources"),
    retrieve=extend_schema(summary="Get a source with its publisher and the sources it relies on"),
    create=extend_schema(summary="Create a source"),
    update=extend_schema(summary="Replace a source"),
    partial_update=extend_schema(summary="Edit a source"),
    destroy=extend_schema(summary="Delete a source (refused while it is cited or relied on)"),
)
class SourceViewSet(ServiceModelViewSet):
    read_serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer
    filterset_class = SourceFilter
    search_fields = ["title", "identifier", "authors", "summary", "publisher__name", "url"]
    ordering_fields = ["published_on", "title", "kind", "created_at", "updated_at", "id"]
    ordering = ["-published_on", "id"]

    def get_queryset(self):
        return selectors.source_list()

    def perform_service_create(self, data):
        return services.source_create(**data)

    def perform_service_update(self, instance, data):
        return services.source_update(source=instance, data=data)

    def perform_service_delete(self, instance):
        services.source_delete(source=instance)
