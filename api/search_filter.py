"""``?q=``: the full-text search filter of every list that has a search vector (core/search.py
makes the vectors and the query)."""

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.settings import api_settings

from core.search import web_search_query

MAX_QUERY_LENGTH = 500


class FullTextSearchFilter(BaseFilterBackend):
    """``?q=``: full-text search in web-search syntax, combinable with every other filter.

    A view opts in with ``search_vectors`` (the vector columns a row may match on, joined ones
    included) and ``search_rank_vector`` (the one ranked on). Without ``?ordering=`` the matches
    come best first; the ranking is bounded: only the newest ``SEARCH_RANK_WINDOW`` matches (by
    id) are ranked, so a word found in most rows costs what a rarer one does. With ``?ordering=``
    every match is returned in that order, unranked."""

    query_param = "q"

    def filter_queryset(self, request, queryset, view):
        vectors = getattr(view, "search_vectors", None)
        raw = request.query_params.get(self.query_param)
        if not vectors or raw is None or not raw.strip():
            return queryset
        query = web_search_query(self._validated(raw))
        condition = Q()
        for vector in vectors:
            condition |= Q(**{vector: query})
        matches = queryset.filter(condition)
        if request.query_params.get(api_settings.ORDERING_PARAM):
            return matches
        newest = matches.order_by("-id").values("id")[: settings.SEARCH_RANK_WINDOW]
        return (
            matches.filter(id__in=newest)
            # ts_rank is a float4; as float8 it comes back to Python exactly, so that a cursor
            # holding it compares equal to the row it was taken from.
            .annotate(rank=Cast(SearchRank(F(view.search_rank_vector), query), FloatField()))
            .order_by("-rank", "-id")
        )

    def _validated(self, raw: str) -> str:
        problem = None
        if "\x00" in raw:
            problem = "The search text may not contain NUL characters."
        elif len(raw) > MAX_QUERY_LENGTH:
            problem = f"Search text of at most {MAX_QUERY_LENGTH} characters, please."
        if problem:
            raise ValidationError({self.query_param: [problem]}, code="invalid")
        return raw.strip()

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_vectors", None):
            return []
        return [
            {
                "name": self.query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Full-text search in web-search syntax: words (all must match, in any form: "
                    '"attacks" finds "attacked"; accents ignored), `"an exact phrase"`, `or`, and '
                    "`-word` to exclude. Results come best match first unless `ordering` is given; "
                    "the ranking covers the newest matches only (see the README), so give "
                    "`ordering` to page through every match. Common words such as `the` are ignored."
                ),
                "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            }
        ]
