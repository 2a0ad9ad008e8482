"""The API's JSON for a claim: the one place it is written.

Every answer that shows a claim in full is built here: the claims list, the detail (now and
``?as_of=``), the answers to writes (create, edit, transition, restore) and the change feed.
``claims_json`` reads claims with its own query: one query for any number of claims, joining
each claim to its article, its creator and its citations (with their sources, the sources'
publishers and who added them), as plain tuples, timestamps already written as text by
PostgreSQL. ``claim_json`` renders a claim held in memory (history's rebuilt past state) from
the same columns, read as attributes.

``ClaimSerializer`` stays the contract: drf-spectacular reads it for the OpenAPI schema, and
``tests/claims/test_rendering.py`` checks, over a varied set of claims, that DRF rendering
through it gives exactly what this module gives. A field added to the API is added there and
here (its column in ``CLAIM_COLUMNS`` or ``CITATION_COLUMNS`` and in ``CLAIMS_SQL``, its key in
``_claim`` or ``_citation``); the test fails until both agree.

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
from django.db import connections, router
from rest_framework import serializers

from claims.models import Citation, Claim

# The claim's columns, as attributes of a claim in memory (``article__title``: its article's
# title). CLAIMS_SQL reads the same, in the same order.
CLAIM_COLUMNS = (
    "id", "article_id", "article__title", "article__url", "statement", "quote", "quote_start",
    "quote_end", "claimant", "claim_date", "status", "independent_support", "independent_contradiction",
    "created_by__username", "created_at", "updated_at", "version",
)  # fmt: skip

# A citation's columns, as attributes of a citation in memory; CLAIMS_SQL reads them after the
# claim's.
CITATION_COLUMNS = (
    "id", "source_id", "source__kind", "source__title", "source__publisher__name", "source__url",
    "role", "stance", "quote", "locator", "note", "added_by__username", "added_at", "updated_at",
    "version",
)  # fmt: skip

_WIDTH = len(CLAIM_COLUMNS)
# Where the timestamps are in each row: written by CLAIMS_SQL in DRF's UTC form.
_CLAIM_TIMES = (CLAIM_COLUMNS.index("created_at"), CLAIM_COLUMNS.index("updated_at"))
_CITATION_TIMES = (CITATION_COLUMNS.index("added_at"), CITATION_COLUMNS.index("updated_at"))


def _timestamp(column: str) -> str:
    """``column`` as DRF writes a timestamp in UTC: ISO 8601 with ``Z``, the microseconds only
    when there are some (as Python's ``isoformat``). Written by PostgreSQL, which is cheaper than
    reading a datetime into Python to write it out again."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN date_trunc('second', {column}) = {column} THEN '' "
        f"ELSE to_char({utc}, '.US') END || 'Z'"
    )


# A row per citation (one with NULL citation columns for a claim without any), claims in id
# order, a claim's citations oldest first, as the API lists them.
CLAIMS_SQL = f"""
SELECT c.id, c.article_id, a.title, a.url, c.statement, c.quote, c.quote_start, c.quote_end, c.claimant,
       c.claim_date, c.status, c.independent_support, c.independent_contradiction, creator.username,
       {_timestamp("c.created_at")}, {_timestamp("c.updated_at")}, c.version,
       ci.id, ci.source_id, s.kind, s.title, p.name, s.url, ci.role, ci.stance, ci.quote, ci.locator,
       ci.note, adder.username, {_timestamp("ci.added_at")}, {_timestamp("ci.updated_at")}, ci.version
FROM claims_claim c
JOIN claims_article a ON a.id = c.article_id
LEFT JOIN auth_user creator ON creator.id = c.created_by_id
LEFT JOIN claims_citation ci ON ci.claim_id = c.id
LEFT JOIN sources_source s ON s.id = ci.source_id
LEFT JOIN sources_publisher p ON p.id = s.publisher_id
LEFT JOIN auth_user adder ON adder.id = ci.added_by_id
WHERE c.id = ANY(%s)
ORDER BY c.id, ci.added_at, ci.id
"""  # noqa: S608 - no value is formatted in, only the column expressions above


def claims_json(ids: Sequence[int]) -> list[dict[str, Any]]:
    """The JSON of the claims ``ids``, in that order, read with one query whatever their number
    (none for no ids). An id without a claim is left out; the caller chooses which claims may
    be shown (live ones, for every endpoint)."""
    if not ids:
        return []
    # Raw SQL, not the ORM: compiling a query of seven tables was a tenth of a list page's time.
    # It goes where the ORM would send a read of claims (a replica, if there is one).
    with connections[router.db_for_read(Claim)].cursor() as cursor:
        cursor.execute(CLAIMS_SQL, [list(ids)])
        rows = cursor.fetchall()
    in_utc = _in_utc()
    claims: dict[int, tuple] = {}
    citations: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        claim_id = row[0]
        if claim_id not in claims:
            claim = row[:_WIDTH]
            claims[claim_id] = claim if in_utc else _with_times(claim, _CLAIM_TIMES)
            citations[claim_id] = []
        if row[_WIDTH] is not None:  # a claim without citations comes once, with NULLs
            citation = row[_WIDTH:]
            citations[claim_id].append(
                _citation(citation if in_utc else _with_times(citation, _CITATION_TIMES))
            )
    return [_claim(claims[pk], citations[pk]) for pk in ids if pk in claims]


def claim_json(*, claim: Claim, citations: Iterable[Citation]) -> dict[str, Any]:
    """The JSON of a claim held in memory, with ``citations`` in the order shown. The claim's
    ``article`` and ``created_by``, and each citation's ``source`` (with its ``publisher``)
    and ``added_by``, must be set (or their ids None): reading them must not query."""
    rows = [
        _citation(_with_times(_columns(citation, CITATION_COLUMNS), _CITATION_TIMES))
        for citation in citations
    ]
    return _claim(_with_times(_columns(claim, CLAIM_COLUMNS), _CLAIM_TIMES), rows)


def _columns(instance: Any, lookups: Sequence[str]) -> tuple:
    """The values of ``lookups`` on ``instance``, as the query would read them (None past a
    missing related row)."""
    return tuple(reduce(_attribute, lookup.split("__"), instance) for lookup in lookups)


def _attribute(value: Any, name: str) -> Any:
    return None if value is None else getattr(value, name)


def _with_times(row: tuple, positions: tuple[int, ...]) -> tuple:
    """``row`` with its timestamps at ``positions`` written as DRF writes them."""
    return tuple(_datetime(value) if index in positions else value for index, value in enumerate(row))


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
        "created_at": created_at,
        "updated_at": updated_at,
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
        "added_at": added_at,
        "updated_at": updated_at,
        "version": version,
    }


_DATETIME = serializers.DateTimeField()


def _in_utc() -> bool:
    """Whether DRF writes timestamps in UTC (the project's time zone), as CLAIMS_SQL does."""
    return settings.TIME_ZONE == "UTC" and settings.USE_TZ


def _datetime(value: dt.datetime | str | None) -> str | None:
    """DRF's rendering of a timestamp, given as a datetime or as CLAIMS_SQL wrote it (UTC). In
    UTC it is the ISO form with ``Z``, written here directly: DRF looks the current time zone
    up for each value."""
    if value is None:
        return None
    if not _in_utc():
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return _DATETIME.to_representation(moment)
    if isinstance(value, str):
        return value
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
