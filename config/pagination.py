from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; ``page_size`` chooses up to 200 (larger values are capped)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Number of results per page (1 to 200; default 50)."
    max_page_size = 200
