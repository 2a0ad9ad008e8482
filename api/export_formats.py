"""Plumbing shared by the exchange-format endpoints (ClaimReview, Web Annotation, CSL-JSON, CSV).

Three rules hold for every one of them:

- ``?format=`` names one of the operation's formats; any other value is a 400 naming
  ``format`` (DRF's default would be a bare 404). An ``Accept`` header that matches none of
  them gets the operation's default format rather than a 406 (RFC 9110 lets a server ignore
  ``Accept``), so a client always gets the document it asked for by URL.
- Errors are always the one JSON error shape (``application/json``), whatever format the
  request asked for: a CSV or CSL client that gets a 4xx reads JSON, as everywhere else.
- The OpenAPI schema says so: error responses are documented as ``application/json`` only,
  and a media type listed in ``unpaged_media_types`` (CSL-JSON, a bare array) is documented
  without the page envelope.
"""

import csv
import io

from rest_framework import exceptions, renderers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

from api.schema import AutoSchema

JSON_MEDIA_TYPE = "application/json"
JSON_LD_MEDIA_TYPE = "application/ld+json"


class _BaseTypeRenderer:
    """A renderer seen with the parameters of its media type dropped, for matching."""

    def __init__(self, renderer):
        self.renderer = renderer
        self.format = renderer.format
        self.media_type = renderer.media_type.split(";")[0].strip()


class ExportContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that an unknown ``format`` is a 400 naming it, an ``Accept``
    that matches nothing gets the first renderer, and a renderer whose media type has
    parameters (``application/ld+json; profile="…"``) matches on its type alone: ``*/*`` or
    ``application/ld+json`` get it with its parameters (DRF would never match it then)."""

    def select_renderer(self, request, available, format_suffix=None):
        renderer, media_type = self._select(request, available, format_suffix)
        if isinstance(renderer, _BaseTypeRenderer):
            return renderer.renderer, renderer.renderer.media_type
        return renderer, media_type

    def _select(self, request, available, format_suffix):
        requested = format_suffix or request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        if requested:
            known = [r.format for r in available]
            if requested not in known:
                choices = ", ".join(dict.fromkeys(known))
                message = f"Unknown format {requested[:50]!r}; choose from {choices}."
                raise exceptions.ValidationError(
                    {api_settings.URL_FORMAT_OVERRIDE: [message]}, code="invalid"
                )
        available = [_BaseTypeRenderer(r) if ";" in r.media_type else r for r in available]
        try:
            return super().select_renderer(request, available, format_suffix)
        except exceptions.NotAcceptable:
            candidates = self.filter_renderers(available, requested) if requested else available
            return candidates[0], candidates[0].media_type


class ExportRenderer:
    """Marks the renderers of the exchange formats (errors never come in them)."""


class ExportAutoSchema(AutoSchema):
    """Documents error responses as JSON only and the ``unpaged_media_types`` of the view
    without the page envelope (see the module docstring).

    The errors through the public ``get_operation``. The unpaged media types through
    drf-spectacular's private ``_get_response_for_code`` and ``_get_paginator``: it pages
    every serializer answer of a list inside ``_get_response_for_code``, registering the page's
    component as it goes, and no public hook (``extend_schema``, extensions, postprocessing)
    says that one media type of the answer is a bare array of the same items."""

    _unpaged = False

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        for code, response in (operation or {}).get("responses", {}).items():
            content = response.get("content")
            if code >= "400" and content and list(content) != [JSON_MEDIA_TYPE]:
                response["content"] = {
                    JSON_MEDIA_TYPE: content.get(JSON_MEDIA_TYPE) or next(iter(content.values()))
                }
        return operation

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        unpaged = set(getattr(self.view, "unpaged_media_types", ()))
        self._unpaged = bool(media_types) and all(media_type in unpaged for media_type in media_types)
        try:
            return super()._get_response_for_code(serializer, status_code, media_types, direction)
        finally:
            self._unpaged = False

    def _get_paginator(self):
        return None if self._unpaged else super()._get_paginator()


class ExportViewMixin:
    """For a viewset with exchange-format actions or renderers: errors (and the OPTIONS
    description) negotiated into one of those formats are rendered as JSON instead, and the
    schema says so (ExportAutoSchema).
    ``ExportContentNegotiation`` is set per action or per viewset, where formats are offered."""

    schema = ExportAutoSchema()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        not_the_format = response.status_code >= 400 or request.method == "OPTIONS"
        if not_the_format and isinstance(getattr(response, "accepted_renderer", None), ExportRenderer):
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = JSON_MEDIA_TYPE
            response.content_type = None
        return response


class JsonLdRenderer(ExportRenderer, renderers.JSONRenderer):
    """JSON-LD is JSON; only the media type differs."""

    media_type = JSON_LD_MEDIA_TYPE
    format = "jsonld"


CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell. A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading apostrophe, so a spreadsheet shows it as text instead of
    running it as a formula (OWASP's advice against CSV injection). Numbers are written
    as they are (a negative number is data, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(CSV_FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_line(values) -> str:
    """One CSV record (RFC 4180: fields quoted when needed, CRLF line ends)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([csv_cell(value) for value in values])
    return buffer.getvalue()


class CSVRenderer(ExportRenderer, renderers.BaseRenderer):
    """``text/csv`` (RFC 4180, UTF-8, with a header row). Renders ``{"header": [...],
    "rows": [[...], ...]}``; the claims export streams the same lines instead."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not data:
            return b""
        lines = [csv_line(data["header"]), *(csv_line(row) for row in data["rows"])]
        return "".join(lines).encode(self.charset)
