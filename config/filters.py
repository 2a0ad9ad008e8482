from rest_framework import filters
from rest_framework.exceptions import ValidationError


class StableOrderingFilter(filters.OrderingFilter):
    """Ordering always ends on ``id``, so pages never repeat or skip rows with equal keys."""

    def get_ordering(self, request, queryset, view):
        self._refuse_unknown_fields(request, queryset, view)
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(term.lstrip("-") in ("id", "pk") for term in ordering):
            ordering.append("id")
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
