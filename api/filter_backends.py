import datetime

import django_filters
from django import forms
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters
from rest_framework.exceptions import ValidationError


class StableOrderingFilter(filters.OrderingFilter):
    """Ordering always ends on ``id``, so pages never repeat or skip rows with equal keys.

    The ``id`` added runs the way the last term does (``-status`` becomes ``-status, -id``), so
    that a (key, id) index serves the whole ordering; terms after ``id`` could never matter and
    are dropped."""

    def get_ordering(self, request, queryset, view):
        self._refuse_unknown_fields(request, queryset, view)
        ordering = list(super().get_ordering(request, queryset, view) or [])
        for index, term in enumerate(ordering):
            if term.lstrip("-") in ("id", "pk"):
                return ordering[: index + 1]
        ordering.append("-id" if ordering and ordering[-1].startswith("-") else "id")
        return ordering

    def _refuse_unknown_fields(self, request, queryset, view) -> None:
        """An ordering the client asked for and cannot have is a 400, not silently ignored."""
        param = request.query_params.get(self.ordering_param)
        if param is None:
            return
        allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        terms = [term.strip() for term in param.split(",") if term.strip()]
        unknown = [term for term in terms if term.lstrip("-") not in allowed]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(repr(t) for t in unknown)}; "
                        f"choose from {', '.join(sorted(allowed))} (prefix - for descending)."
                    ]
                },
                code="invalid",
            )


class SearchFilter(filters.SearchFilter):
    """Names the ``search`` parameter in its errors (a NUL byte, for one)."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from exc


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time compared in UTC. Python reads offsets up to ±23:59 but PostgreSQL holds
    only ±15:59, so the time reaches the database as UTC; a time past the last one Python can
    write in UTC (year 9999) is later than every stored one: ``gte`` matches nothing, ``lte``
    everything."""

    def filter(self, qs, value):
        if value is None:
            return qs
        try:
            value = value.astimezone(datetime.UTC)
        except OverflowError:
            return qs.none() if self.lookup_expr == "gte" else qs
        return super().filter(qs, value)


def range_filters(field_name: str, what: str, *, with_time: bool = False) -> tuple:
    """The ``<name>_after`` / ``<name>_before`` pair (both inclusive) for one date field.

    Two filters rather than one range filter, so an error names the exact parameter."""
    filter_class = UtcDateTimeFilter if with_time else django_filters.DateFilter
    unit = "this time (ISO 8601)" if with_time else "this date (YYYY-MM-DD)"
    return (
        filter_class(field_name=field_name, lookup_expr="gte", help_text=f"{what} at or after {unit}."),
        filter_class(field_name=field_name, lookup_expr="lte", help_text=f"{what} at or before {unit}."),
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, whose browsable-API filter form asks for a related record by
    id (a number input) rather than listing every row of its table in a select.

    A request naming none of the filter set's parameters is not filtered: the answer would be
    the same, and building a filter set (django-filter copies every filter and makes a form
    class per request) was a tenth of the claims list's time."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not names_a_filter(
            request.query_params, filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for field in filterset.form.fields.values():
            if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
                field.widget = forms.NumberInput(attrs={"min": 1})
        return loader.get_template(self.template).render({"filter": filterset}, request)


def names_a_filter(params, filters) -> bool:
    """Whether a query parameter is one of ``filters``, or one of their widgets' parts
    (``<name>_min``, ``<name>_after`` ...)."""
    return any(key == name or key.startswith(f"{name}_") for key in params for name in filters)
