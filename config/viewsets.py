"""Viewset plumbing shared by every resource: input validated by one serializer, the
write done by a service, the answer rendered by another serializer from the selector."""

from typing import Any

from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ServiceModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Subclasses name ``read_serializer_class`` and ``write_serializer_class`` and
    implement ``perform_service_create/update/delete``."""

    read_serializer_class: type
    write_serializer_class: type
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        # The browsable API asks for a form with the request cloned to the form's method.
        if self.request is not None and self.request.method in WRITE_METHODS:
            return self.write_serializer_class
        return self.read_serializer_class

    def read_response(self, instance, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)
        serializer = self.read_serializer_class(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_create(dict(serializer.validated_data))
        return self.read_response(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_update(instance, dict(serializer.validated_data))
        return self.read_response(instance)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.perform_service_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_service_create(self, data: dict[str, Any]):
        raise NotImplementedError

    def perform_service_update(self, instance, data: dict[str, Any]):
        raise NotImplementedError

    def perform_service_delete(self, instance) -> None:
        raise NotImplementedError
