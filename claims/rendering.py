"""The API's JSON for a claim: the one place it is written.

Every answer that shows a claim in full is built here: the claims list, the detail (now and
``?as_of=``), the answers to writes (create, edit, transition, restore) and the change feed.
``claims_json`` reads live claims with its own query: one query for any number of claims,
joining each claim to its article, its creator and its citations (with their sources, the
sources' publishers and who added them), as plain tuples. ``claim_json`` renders a claim held
in memory (history's rebuilt past state) from the same columns.

``ClaimSerializer`` stays the contract: drf-spectacular reads it for the OpenAPI schema, and
``tests/claims/test_rendering.py`` checks, over a varied set of claims, that DRF rendering
through it gives exactly what this module gives. A field added to the API is added there and
here (a column below and its key in ``_claim`` or ``_citation``); the test fails until both
agree.

Why not the serializer itself: DRF renders field by field through about thirty field objects
per claim, from model instances of the claim, its article, creator and each citation, source,
publisher and user; for a page of 50 claims (about 150 citations) that was most of the list's
time.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import reduce
from typing import Any

from django.conf import settings
from rest_framework import serializers

from claims.models import Citation, Claim

# The claim's columns, as lookups from the claim (``article__title`` is its article's title).
CLAIM_COLUMNS = (
    "id", "article_id", "article__title", "article__url", "statement", "quote", "quote_start",
    "quote_end", "claimant", "claim_date", "status", "independent_support", "independent_contradiction",
    "created_by__username", "created_at", "updated_at", "version",
)  # fmt: skip

# A citation's columns, as lookups from the citation.
CITATION_COLUMNS = (
    "id", "source_id", "source__kind", "source__title", "source__publisher__name", "source__url",
    "role", "stance", "quote", "locator", "note", "added_by__username", "added_at", "updated_at",
    "version",
)  # fmt: skip

# The API lists a claim's citations oldest first.
CITATION_ORDER = ("added_at", "id")

_WIDTH = len(CLAIM_COLUMNS)


def claims_json(ids: Sequence[int]) -> list[dict[str, Any]]:
    """The JSON of the claims ``ids``, in that order, read with one query whatever their number
    (none for no ids). An id without a claim is left out; the caller chooses which claims may
    be shown (live ones, for every endpoint)."""
    if not ids:
        return []
    rows = (
        Claim.objects.filter(pk__in=ids)
        .order_by("id", *(f"citations__{name}" for name in CITATION_ORDER))
        .values_list(*CLAIM_COLUMNS, *(f"citations__{name}" for name in CITATION_COLUMNS))
    )
    claims: dict[int, tuple] = {}
    citations: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        claim_id = row[0]
        if claim_id not in claims:
            claims[claim_id] = row[:_WIDTH]
            citations[claim_id] = []
        if row[_WIDTH] is not None:  # a claim without citations comes once, with NULLs
            citations[claim_id].append(_citation(row[_WIDTH:]))
    return [_claim(claims[pk], citations[pk]) for pk in ids if pk in claims]


def claim_json(*, claim: Claim, citations: Iterable[Citation]) -> dict[str, Any]:
    """The JSON of a claim held in memory, with ``citations`` in the order shown. The claim's
    ``article`` and ``created_by``, and each citation's ``source`` (with its ``publisher``)
    and ``added_by``, must be set (or their ids None): reading them must not query."""
    rows = [_citation(_columns(citation, CITATION_COLUMNS)) for citation in citations]
    return _claim(_columns(claim, CLAIM_COLUMNS), rows)


def _columns(instance: Any, lookups: Sequence[str]) -> tuple:
    """The values of ``lookups`` on ``instance``, as the query would read them (None past a
    missing related row)."""
    return tuple(reduce(_attribute, lookup.split("__"), instance) for lookup in lookups)


def _attribute(value: Any, name: str) -> Any:
    return None if value is None else getattr(value, name)


def _claim(row: tuple, citations: list[dict[str, Any]]) -> dict[str, Any]:
    (
        pk, article_id, article_title, article_url, statement, quote, quote_start, quote_end, claimant,
        claim_date, status, independent_support, independent_contradiction, created_by, created_at,
        updated_at, version,
    ) = row  # fmt: skip
    return {
        "id": pk,
        "article": {"id": article_id, "title": article_title, "url": article_url},
        "statement": statement,
        "quote": quote,
        "quote_start": quote_start,
        "quote_end": quote_end,
        "claimant": claimant,
        "claim_date": None if claim_date is None else claim_date.isoformat(),
        "status": status,
        "citation_count": len(citations),
        "citations": citations,
        "independent_support": independent_support,
        "independent_contradiction": independent_contradiction,
        "created_by": created_by,
        "created_at": _datetime(created_at),
        "updated_at": _datetime(updated_at),
        "version": version,
    }


def _citation(row: tuple) -> dict[str, Any]:
    (
        pk, source_id, source_kind, source_title, publisher_name, source_url, role, stance, quote, locator,
        note, added_by, added_at, updated_at, version,
    ) = row  # fmt: skip
    return {
        "id": pk,
        "source": {
            "id": source_id,
            "kind": source_kind,
            "title": source_title,
            "publisher_name": publisher_name,
            "url": source_url,
        },
        "role": role,
        "stance": stance,
        "quote": quote,
        "locator": locator,
        "note": note,
        "added_by": added_by,
        "added_at": _datetime(added_at),
        "updated_at": _datetime(updated_at),
        "version": version,
    }


_DATETIME = serializers.DateTimeField()


def _datetime(value: dt.datetime | None) -> str | None:
    """DRF's rendering of a timestamp. In UTC (the project's time zone) it is the ISO form with
    ``Z``, written here directly: DRF looks the current time zone up for each value, which was
    a quarter of a list page's time."""
    if value is None:
        return None
    if settings.TIME_ZONE != "UTC" or not settings.USE_TZ:
        return _DATETIME.to_representation(value)
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
