import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.template import loader
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` chooses up to 200 (larger values are capped)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Number of results per page (1 to 200; default 50)."
    max_page_size = 200

    def get_page_size(self, request):
        return page_size_from(
            request, param=self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "Number of results on all pages together.",
            "next": "URL of the next page; null on the last page.",
            "previous": "URL of the previous page; null on the first page.",
            "results": "The results on this page.",
        }
        for name, description in descriptions.items():
            response["properties"][name]["description"] = description
        return response


def page_size_from(request, *, param: str, default: int, maximum: int) -> int:
    """A ``page_size`` that is not a whole number from 1 up is a 400 naming it; above the
    maximum it is capped."""
    raw = request.query_params.get(param)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({param: [f"Give a whole number from 1 to {maximum}."]}, code="invalid")
    return min(int(raw), maximum)


@dataclass(frozen=True)
class SortKey:
    """One term of an ordering: the field (or annotation), its direction and where NULLs go."""

    name: str
    attribute: str
    field: models.Field
    descending: bool
    nulls_first: bool = False

    def flipped(self) -> "SortKey":
        return replace(self, descending=not self.descending, nulls_first=not self.nulls_first)

    def order_by(self) -> models.OrderBy | str:
        if not self.field.null:
            # Plain terms on NOT NULL columns, so that a (key, id) index serves them as they are.
            return f"-{self.name}" if self.descending else self.name
        nulls = {"nulls_first": True} if self.nulls_first else {"nulls_last": True}
        expression = F(self.name)
        return expression.desc(**nulls) if self.descending else expression.asc(**nulls)

    def beyond(self, value) -> Q:
        """Rows that come after ``value`` on this term alone."""
        if value is None:
            return Q(**{f"{self.name}__isnull": False}) if self.nulls_first else Q(pk__in=[])
        strictly = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        if self.field.null and not self.nulls_first:
            return strictly | Q(**{f"{self.name}__isnull": True})
        return strictly

    def same(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})


class _Row(models.Func):
    template = "ROW(%(expressions)s)"


class _RowBeyond(models.Func):
    """``ROW(a, b) > ROW(x, y)``: one range condition that a (a, b) index answers with a seek."""

    arg_joiner = " > "
    template = "%(expressions)s"
    output_field = models.BooleanField()


class KeysetPagination(pagination.BasePagination):
    """Pages by cursor: each link carries the ordering key of the row it continues from, and
    the next page is the rows beyond that key. With an index on the ordering (which always ends
    on the unique ``id``), the last page of a million rows costs what the first does; nothing is
    counted, and rows written meanwhile never make a page repeat or skip one.

    ``?ordering=`` still works; a cursor only continues the ordering it was made for."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    template = "rest_framework/pagination/previous_and_next.html"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.previous_inclusive = False
        if request.query_params.get("page") is not None:
            # A client used to page numbers would silently get the first page again and again.
            raise ValidationError(
                {"page": ["This list pages by cursor: follow the `next` and `previous` links."]},
                code="invalid",
            )
        self.page_size = page_size_from(
            request, param=self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )
        self.keys = sort_keys(queryset)
        self.signature = ",".join(("-" if key.descending else "") + key.name for key in self.keys)
        position, backwards = self._decode(request.query_params.get(self.cursor_query_param))
        keys = [key.flipped() for key in self.keys] if backwards else self.keys
        queryset = queryset.order_by(*(key.order_by() for key in keys))
        if position is not None:
            queryset = queryset.filter(rows_beyond(keys, position))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        first, last = (self._position(rows[0]), self._position(rows[-1])) if rows else (None, None)
        if backwards:
            self.next_position = last if rows else position
            self.previous_position = first if more else None
        else:
            self.next_position = last if more else None
            self.previous_position = first if position is not None and rows else None
            if position is not None and not rows:
                self.previous_position = position
                self.previous_inclusive = True
        return rows

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self):
        if self.next_position is None:
            return None
        return self._link(self.next_position, backwards=False)

    def get_previous_link(self):
        if self.previous_position is None:
            return None
        if getattr(self, "previous_inclusive", False):
            # An empty page past the end: "previous" is everything up to and including the key.
            return self._link(self.previous_position, backwards=True, inclusive=True)
        return self._link(self.previous_position, backwards=True)

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}

    def to_html(self):
        return loader.get_template(self.template).render(self.get_html_context())

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "URL of the next page; null on the last page."},
                "previous": {**link, "description": "URL of the previous page; null on the first page."},
                "results": {**schema, "description": "The results on this page."},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: copy it from a `next` or `previous` link. "
                "Opaque; valid only with the ordering it was made for.",
                "schema": {"type": "string", "maxLength": 2000},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Number of results per page (1 to {self.max_page_size}; default 50).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]

    def _position(self, row) -> list:
        return [getattr(row, key.attribute) for key in self.keys]

    def _link(self, position: list, *, backwards: bool, inclusive: bool = False) -> str:
        token = encode_cursor(position, ordering=self.signature, backwards=backwards, inclusive=inclusive)
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, token)

    def _decode(self, token: str | None) -> tuple[list | None, bool]:
        if token is None or token == "":
            return None, False
        problem = "This cursor is damaged; use the links of a page as they are."
        try:
            if len(token) > 2000:
                raise ValueError
            payload = json.loads(base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4)))
            if not isinstance(payload, dict):
                raise ValueError
            if payload.get("o") != self.signature:
                problem = "This cursor was made for another ordering; start again without it."
                raise ValueError
            values = payload.get("p")
            if not isinstance(values, list) or len(values) != len(self.keys):
                raise ValueError
            position = [
                None if value is None else key.field.to_python(value)
                for key, value in zip(self.keys, values, strict=True)
            ]
            for key, value in zip(self.keys, position, strict=True):
                _check_storable(key, value)
        except (ValueError, TypeError, UnicodeError, binascii.Error, DjangoValidationError):
            raise ValidationError({self.cursor_query_param: [problem]}, code="invalid") from None
        if payload.get("i"):
            # "Up to and including the row at position": start from the id one step further
            # in the ordering's direction (ids are unique integers).
            position[-1] += -1 if self.keys[-1].descending else 1
        return position, bool(payload.get("b"))


def encode_cursor(position: list, *, ordering: str, backwards: bool = False, inclusive: bool = False) -> str:
    """The cursor for the rows after ``position`` (the ordering key of the last row seen, ``id``
    last) in ``ordering`` (e.g. ``"-created_at,-id"``); ``backwards`` for the rows before it."""
    payload: dict = {"o": ordering, "p": [_jsonable(value) for value in position]}
    if backwards:
        payload["b"] = 1
    if inclusive:
        payload["i"] = 1
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _check_storable(key: "SortKey", value) -> None:
    """Refuse what the database would choke on, so a doctored cursor is a 400, not a 500."""
    if value is None and not key.field.null:
        raise ValueError
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValueError
    if isinstance(value, str) and "\x00" in value:
        raise ValueError


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def sort_keys(queryset: models.QuerySet) -> list[SortKey]:
    """The queryset's ordering as sort keys; it must end on the primary key, which makes it total."""
    terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys = []
    for term in terms:
        if not isinstance(term, str):
            raise ImproperlyConfigured("KeysetPagination orders by field names only.")
        name = term.lstrip("-")
        name = "id" if name == "pk" else name
        if name in queryset.query.annotations:
            field, attribute = queryset.query.annotations[name].output_field, name
        else:
            field = queryset.model._meta.get_field(name)
            attribute = field.attname
        keys.append(SortKey(name=name, attribute=attribute, field=field, descending=term.startswith("-")))
    if not keys or keys[-1].name != "id":
        raise ImproperlyConfigured("KeysetPagination needs an ordering that ends on id.")
    return keys


def rows_beyond(keys: list[SortKey], position: list) -> Q | models.Expression:
    """The rows after ``position`` in the ordering ``keys``.

    When every key runs the same way over NOT NULL columns this is one row comparison, which an
    index on those columns answers with a single seek; otherwise the equivalent expansion
    ``k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...`` (with NULLs placed as the ordering places them)."""
    uniform = len({key.descending for key in keys}) == 1 and not any(key.field.null for key in keys)
    if uniform:
        columns = _Row(*(F(key.name) for key in keys))
        values = _Row(
            *(Value(value, output_field=key.field) for key, value in zip(keys, position, strict=True))
        )
        # ROW(...) > ROW(...) ascending; descending swaps the sides.
        sides = (values, columns) if keys[0].descending else (columns, values)
        return _RowBeyond(*sides)
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, position, strict=True):
        condition |= equal_so_far & key.beyond(value)
        equal_so_far &= key.same(value)
    return condition
