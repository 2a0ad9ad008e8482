from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` chooses up to 200 (larger values are capped)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Number of results per page (1 to 200; default 50)."
    max_page_size = 200

    def get_page_size(self, request):
        """A ``page_size`` that is not a whole number from 1 up is a 400; above 200 it is capped."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]},
                code="invalid",
            )
        return min(int(raw), self.max_page_size)

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
