from rest_framework import filters
from rest_framework.exceptions import ValidationError


class StableOrderingFilter(filters.OrderingFilter):
    """Ordering always ends on ``id``, so pages never repeat or skip rows with equal keys."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(term.lstrip("-") in ("id", "pk") for term in ordering):
            ordering.append("id")
        return ordering


class SearchFilter(filters.SearchFilter):
    """Names the ``search`` parameter in its errors (a NUL byte, for one)."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from exc
