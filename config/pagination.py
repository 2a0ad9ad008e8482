from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` chooses up to 200 (larger values are capped)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Number of results per page (1 to 200; default 50)."
    max_page_size = 200

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
