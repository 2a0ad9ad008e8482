"""The API's JSON for a claim: the one place it is written, by PostgreSQL.

Every answer that shows a claim in full is built here: the claims list, the detail (now and
``?as_of=``), the answers to writes (create, edit, transition, restore) and the change feed.
One SQL text, ``_rendering_sql``, turns claims into the API's JSON with ``json_build_object``
and ``json_agg``: each claim with its article in brief, its creator and its citations (with
their sources, the sources' publishers and who added them), timestamps written as DRF writes
them. It reads its rows from four relations, so that the same rendering serves two sources of
rows:

- ``claims_json_text(ids)``: today's rows (``claims_claim``, ``claims_citation``,
  ``claims_article``, ``sources_source``); one query for any number of claims, and the JSON
  comes back as one text, which the list passes to the client as it is (``api.raw_json``);
  ``claims_json(ids)`` is the same text read into Python, for answers that add to it.
- ``claim_as_of_json(claim_id, at)``: the rows as they stood at a moment, read from the
  history's snapshots (``PAST_ROWS``: the latest snapshot of the claim and of each of its
  citations taken at or before then; today's article and sources, or the last snapshot of one
  purged since); one query.

``ClaimSerializer`` stays the contract: drf-spectacular reads it for the OpenAPI schema, and
``tests/claims/test_rendering.py`` checks, over a varied set of claims, now and in the past and
in several time zones, that DRF rendering through it gives exactly what this module gives. A
field added to the API is added there and in ``_CLAIM`` or ``_CITATION`` here; the test fails
until both agree.

Why PostgreSQL writes it: DRF renders field by field through about thirty field objects per
claim, from model instances; then Python's ``json`` writes the text. For a page of 50 claims
(about 150 citations) that was most of the list's time; rows read into Python tuples and
dicts, then written by ``json``, still cost more than the SQL and the request together
(benchmarks/README.md, "One rendering path, written by PostgreSQL").
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from django.db import connections, router
from django.utils import timezone

from claims.models import Claim


def _timestamp(column: str, *, utc: bool) -> str:
    """SQL writing ``column`` as DRF writes a timestamp: ISO 8601 in the current time zone (the
    query's ``tz``), the microseconds only when there are some, ``Z`` for an offset of zero and
    the offset's seconds only when there are some (as Python's ``isoformat``). In UTC (the
    project's time zone) the offset is always ``Z``: the cheaper text, written without it."""
    zone = "'UTC'" if utc else "%(tz)s"
    local = f"({column} AT TIME ZONE {zone})"
    text = (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN date_trunc('second', {column}) = {column} THEN '' ELSE to_char({local}, '.US') END"
    )
    if utc:
        return f"{text} || 'Z'"
    offset = f"({local} - ({column} AT TIME ZONE 'UTC'))"
    size = f"greatest({offset}, -{offset})"
    return (
        f"{text} || CASE WHEN {offset} = interval '0' THEN 'Z' "
        f"ELSE CASE WHEN {offset} > interval '0' THEN '+' ELSE '-' END || to_char({size}, 'HH24:MI') "
        f"|| CASE WHEN date_trunc('minute', {size}) = {size} THEN '' ELSE to_char({size}, ':SS') END END"
    )


def _citation(*, utc: bool) -> str:
    """A citation as ClaimSerializer's ``citations`` show it (ClaimCitationSerializer), key by key."""
    return f"""json_build_object(
    'id', ci.id,
    'source', json_build_object(
        'id', s.id, 'kind', s.kind, 'title', s.title, 'publisher_name', p.name, 'url', s.url
    ),
    'role', ci.role,
    'stance', ci.stance,
    'quote', ci.quote,
    'locator', ci.locator,
    'note', ci.note,
    'added_by', adder.username,
    'added_at', {_timestamp("ci.added_at", utc=utc)},
    'updated_at', {_timestamp("ci.updated_at", utc=utc)},
    'version', ci.version
)"""


def _claim(*, utc: bool) -> str:
    """A claim as ClaimSerializer shows it, key by key (PostgreSQL writes a date as ISO 8601)."""
    return f"""json_build_object(
    'id', c.id,
    'article', CASE WHEN a.id IS NOT NULL
        THEN json_build_object('id', a.id, 'title', a.title, 'url', a.url) END,
    'statement', c.statement,
    'quote', c.quote,
    'quote_start', c.quote_start,
    'quote_end', c.quote_end,
    'claimant', c.claimant,
    'claim_date', c.claim_date,
    'status', c.status,
    'citation_count', cited.count,
    'citations', cited.citations,
    'independent_support', c.independent_support,
    'independent_contradiction', c.independent_contradiction,
    'created_by', creator.username,
    'created_at', {_timestamp("c.created_at", utc=utc)},
    'updated_at', {_timestamp("c.updated_at", utc=utc)},
    'version', c.version
)"""


def _rendering_sql(
    *, utc: bool, claims: str, citations: str, articles: str, sources: str, rows: str = ""
) -> str:
    """The JSON array of the claims ``%(ids)s``, in that order (an id without a claim left out),
    read from the relations named: ``claims`` and ``citations`` with the columns of
    ``claims_claim`` and ``claims_citation``, ``articles`` (id, title, url) and ``sources`` (id,
    kind, title, url, publisher_id); ``rows`` is the WITH clause that defines them, if any.
    A claim's citations come oldest first, as the API lists them."""
    return f"""{rows}
SELECT coalesce(json_agg({_claim(utc=utc)} ORDER BY asked.n), '[]')::text
FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS asked(id, n)
JOIN {claims} c ON c.id = asked.id
LEFT JOIN {articles} a ON a.id = c.article_id
LEFT JOIN auth_user creator ON creator.id = c.created_by_id
CROSS JOIN LATERAL (
    SELECT count(*) AS count,
           coalesce(json_agg({_citation(utc=utc)} ORDER BY ci.added_at, ci.id), '[]') AS citations
    FROM {citations} ci
    JOIN {sources} s ON s.id = ci.source_id
    LEFT JOIN sources_publisher p ON p.id = s.publisher_id
    LEFT JOIN auth_user adder ON adder.id = ci.added_by_id
    WHERE ci.claim_id = c.id
) cited
"""  # noqa: S608 - no value is formatted in, only the relations and expressions of this module


# Each query twice: for UTC (True), and for the time zone named by the query's ``tz``.
CLAIMS_SQL = {
    utc: _rendering_sql(
        utc=utc, claims="claims_claim", citations="claims_citation", articles="claims_article",
        sources="sources_source",
    )
    for utc in (True, False)
}  # fmt: skip

# The rows of ``%(claim)s`` as they stood at ``%(at)s``: the latest snapshot of the claim (none
# if it was deleted or in the trash then) and of each citation it ever had (those removed by
# then, or moved to another claim, left out); today's article and sources, each standing in by
# its last snapshot if purged since (without its publisher: links are not followed to rows
# that may be gone too). Users are today's.
PAST_ROWS = """WITH past_claim AS (
    SELECT * FROM (
        SELECT * FROM claims_claimevent
        WHERE pgh_obj_id = %(claim)s AND pgh_created_at <= %(at)s
        ORDER BY pgh_id DESC
        LIMIT 1
    ) latest
    WHERE pgh_label <> 'delete' AND deleted_at IS NULL
),
past_citations AS (
    SELECT * FROM (
        SELECT DISTINCT ON (pgh_obj_id) * FROM claims_citationevent
        WHERE pgh_obj_id IN (SELECT pgh_obj_id FROM claims_citationevent WHERE claim_id = %(claim)s)
          AND pgh_created_at <= %(at)s
        ORDER BY pgh_obj_id, pgh_id DESC
    ) latest
    WHERE pgh_label <> 'delete' AND claim_id = %(claim)s
),
past_articles AS (
    SELECT id, title, url FROM claims_article WHERE id IN (SELECT article_id FROM past_claim)
    UNION ALL (
        SELECT DISTINCT ON (pgh_obj_id) pgh_obj_id, title, url FROM claims_articleevent e
        WHERE pgh_obj_id IN (SELECT article_id FROM past_claim)
          AND NOT EXISTS (SELECT FROM claims_article WHERE id = e.pgh_obj_id)
        ORDER BY pgh_obj_id, pgh_id DESC
    )
),
past_sources AS (
    SELECT id, kind, title, url, publisher_id FROM sources_source
    WHERE id IN (SELECT source_id FROM past_citations)
    UNION ALL (
        SELECT DISTINCT ON (pgh_obj_id) pgh_obj_id, kind, title, url, NULL::bigint FROM sources_sourceevent e
        WHERE pgh_obj_id IN (SELECT source_id FROM past_citations)
          AND NOT EXISTS (SELECT FROM sources_source WHERE id = e.pgh_obj_id)
        ORDER BY pgh_obj_id, pgh_id DESC
    )
)"""

PAST_SQL = {
    utc: _rendering_sql(
        utc=utc, rows=PAST_ROWS, claims="past_claim", citations="past_citations", articles="past_articles",
        sources="past_sources",
    )
    for utc in (True, False)
}  # fmt: skip


def _read(sql: dict[bool, str], params: dict[str, Any]) -> str:
    # Raw SQL, not the ORM: the ORM has no json_agg of a join, and compiling a query of seven
    # tables was a tenth of a list page's time. It goes where the ORM would send a read of
    # claims (a replica, if there is one).
    with connections[router.db_for_read(Claim)].cursor() as cursor:
        zone = timezone.get_current_timezone_name()
        cursor.execute(sql[zone == "UTC"], {**params, "tz": zone})
        (text,) = cursor.fetchone()
    # DRF's JSON renderer escapes these two (JSON allows them raw, JavaScript did not): so here.
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def claims_json_text(ids: Sequence[int]) -> str:
    """The JSON array of the claims ``ids``, in that order, as text, read with one query
    whatever their number (none for no ids). An id without a claim is left out; the caller
    chooses which claims may be shown (live ones, for every endpoint)."""
    if not ids:
        return "[]"
    return _read(CLAIMS_SQL, {"ids": list(ids)})


def claims_json(ids: Sequence[int]) -> list[dict[str, Any]]:
    """``claims_json_text(ids)`` read into Python, for an answer that adds to it."""
    return orjson.loads(claims_json_text(ids))


def claim_as_of_json(*, claim_id: int, at: dt.datetime) -> dict[str, Any] | None:
    """The JSON of the claim as it stood at ``at``, rebuilt from the latest snapshot of it and
    of each of its citations taken at or before then, with one query; None if it did not exist
    (or was deleted, or in the trash) then.

    The article, sources and users are today's rows: a snapshot names them by id."""
    (claim,) = orjson.loads(_read(PAST_SQL, {"ids": [claim_id], "claim": claim_id, "at": at})) or [None]
    return claim
