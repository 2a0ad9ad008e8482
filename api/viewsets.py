"""Viewset plumbing shared by every resource: input validated by one serializer, the
write done by a service, the answer rendered by another serializer from the selector.

Reads and writes carry the record's ETag; edits and deletes name the version they are
based on (core.concurrency); creates honour ``Idempotency-Key`` (core.idempotency)."""

from typing import Any

from django.http import HttpResponseNotModified
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.concurrency import etag_for, expected_version, not_modified
from core.idempotency import idempotent

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Only canonical ids match a URL: ASCII digits, no sign, no leading zero, no spaces. Anything
# else (fullwidth digits, `01`, `+1`, `%201`, `1%0a`) matches no route and is the JSON 404.
CANONICAL_ID_REGEX = "[1-9][0-9]*"


class ServiceModelViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Subclasses name ``read_serializer_class`` and ``write_serializer_class`` and
    implement ``perform_service_create/update/delete``; update and delete receive the
    ``expected_version`` to hand to the service, which checks it under its row lock."""

    read_serializer_class: type
    write_serializer_class: type
    lookup_value_regex = CANONICAL_ID_REGEX
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    # POST-only actions whose page a browser may open with GET to find their form (a search
    # sent by POST, such as claim matching) rather than a 405.
    browsable_get_forms: tuple[str, ...] = ()

    def http_method_not_allowed(self, request, *args, **kwargs):
        """Only the browsable API's GET of an action named in ``browsable_get_forms`` is answered
        (200, the action's form below the page); every other client and action keeps the 405,
        with ``Allow`` listing the action's own methods."""
        posted = self.action_map.get("post")
        in_browser = getattr(getattr(request, "accepted_renderer", None), "format", "") == "api"
        if request.method == "GET" and posted in self.browsable_get_forms and in_browser:
            self.action = posted  # the page is the action's: its form, name and description
            return Response({"detail": "Fill in the form below and send it (POST)."})
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_serializer_class(self):
        # The browsable API asks for a form with the request cloned to the form's method.
        if self.request is not None and self.request.method in WRITE_METHODS:
            return self.write_serializer_class
        return self.read_serializer_class

    def etag(self, instance) -> str:
        """The ETag of ``instance`` as this viewset shows it. A viewset whose representation
        shows other records too overrides it to add their state (``etag_for(state=…)``)."""
        return etag_for(instance)

    def representation(self, instance):
        """The record's JSON as a read or a write's answer shows it: the read serializer's (for a
        read, the one ``get_serializer_class`` picks, which a format may change). A viewset whose
        records are rendered elsewhere overrides it (claims: claims.rendering); the browsable API
        finds the record its forms edit as ``data.serializer.instance``."""
        writing = self.request is not None and self.request.method in WRITE_METHODS
        serializer_class = self.read_serializer_class if writing else self.get_serializer_class()
        return serializer_class(instance, context=self.get_serializer_context()).data

    def read_response(self, instance, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)
        headers = {"ETag": self.etag(fresh), **(headers or {})}
        return Response(self.representation(fresh), status=status_code, headers=headers)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = self.etag(instance)
        if not_modified(request, etag):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        return Response(self.representation(instance), headers={"ETag": etag})

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new record has no version to be based on
        instance = self.perform_service_create(data)
        return self.created_response(instance)

    def created_response(self, instance) -> Response:
        """The answer to a create (inside ``@idempotent``, so a replay returns it as first given):
        the record as read back, 201 with its ``Location``. A viewset whose create answers more
        than the record overrides it."""
        location = self.reverse_action("detail", args=[instance.pk])
        return self.read_response(instance, status.HTTP_201_CREATED, headers={"Location": location})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, instance)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        instance = self.perform_service_update(instance, data, expected_version=expected)
        return self.read_response(instance)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.perform_service_delete(instance, expected_version=expected_version(request, instance))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_service_create(self, data: dict[str, Any]):
        raise NotImplementedError

    def perform_service_update(self, instance, data: dict[str, Any], *, expected_version: int):
        raise NotImplementedError

    def perform_service_delete(self, instance, *, expected_version: int) -> None:
        raise NotImplementedError
