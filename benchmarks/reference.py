"""The benchmark's floor: the first page of the claims list done by hand.

The same rows as ``GET /api/v1/claims/?page_size=50`` (live claims, newest first, each with its
article in brief, its creator's username and its citations with their source, the source's
publisher and who added them), read with ONE SQL query and turned into the same JSON with
orjson, in the same process as the API. The benchmark reports the API's time over this one.

It authenticates the token like the API does, but skips everything else the API does per
request (DRF's request handling, permissions, throttling, filters, serializers).
"""

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import AuthenticationFailed

from api.authentication import TokenAuthentication

PAGE_SIZE = 50

# Claims first (the page), then their citations in the API's nested order.
PAGE_SQL = """
WITH page AS (
    SELECT id, article_id, statement, quote, quote_start, quote_end, claimant, claim_date, status,
           independent_support, independent_contradiction, created_by_id, created_at, updated_at, version
    FROM claims_claim
    WHERE deleted_at IS NULL
    ORDER BY created_at DESC, id DESC
    LIMIT %s
)
SELECT p.id, a.id, a.title, a.url, p.statement, p.quote, p.quote_start, p.quote_end, p.claimant,
       p.claim_date, p.status, p.independent_support, p.independent_contradiction, creator.username,
       p.created_at, p.updated_at, p.version,
       ci.id, s.id, s.kind, s.title, pub.name, s.url, ci.role, ci.stance, ci.quote, ci.locator,
       ci.note, adder.username, ci.added_at, ci.updated_at, ci.version
FROM page p
JOIN claims_article a ON a.id = p.article_id
LEFT JOIN auth_user creator ON creator.id = p.created_by_id
LEFT JOIN claims_citation ci ON ci.claim_id = p.id
LEFT JOIN sources_source s ON s.id = ci.source_id
LEFT JOIN sources_publisher pub ON pub.id = s.publisher_id
LEFT JOIN auth_user adder ON adder.id = ci.added_by_id
ORDER BY p.created_at DESC, p.id DESC, ci.added_at, ci.id
"""


def claims_page(limit: int = PAGE_SIZE) -> list[dict]:
    """The first page of claims as the API's ``results``, from one query."""
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, [limit])
        rows = cursor.fetchall()
    results: list[dict] = []
    current: dict | None = None
    for row in rows:
        if current is None or current["id"] != row[0]:
            current = {
                "id": row[0],
                "article": {"id": row[1], "title": row[2], "url": row[3]},
                "statement": row[4],
                "quote": row[5],
                "quote_start": row[6],
                "quote_end": row[7],
                "claimant": row[8],
                "claim_date": row[9],
                "status": row[10],
                "citation_count": 0,
                "citations": [],
                "independent_support": row[11],
                "independent_contradiction": row[12],
                "created_by": row[13],
                "created_at": row[14],
                "updated_at": row[15],
                "version": row[16],
            }
            results.append(current)
        if row[17] is not None:
            current["citations"].append(
                {
                    "id": row[17],
                    "source": {
                        "id": row[18],
                        "kind": row[19],
                        "title": row[20],
                        "publisher_name": row[21],
                        "url": row[22],
                    },
                    "role": row[23],
                    "stance": row[24],
                    "quote": row[25],
                    "locator": row[26],
                    "note": row[27],
                    "added_by": row[28],
                    "added_at": row[29],
                    "updated_at": row[30],
                    "version": row[31],
                }
            )
            current["citation_count"] += 1
    return results


def reference_claims(request: HttpRequest) -> HttpResponse:
    """``GET``: ``{"results": [...]}``, the API's first page of claims built by hand."""
    if request.method != "GET":
        return JsonResponse({"detail": "Only GET."}, status=405)
    try:
        user_auth = TokenAuthentication().authenticate(request)
    except AuthenticationFailed as exc:
        return JsonResponse({"detail": str(exc.detail)}, status=401)
    if user_auth is None:
        return JsonResponse({"detail": "Send Authorization: Token <key>."}, status=401)
    body = orjson.dumps({"results": claims_page()}, option=orjson.OPT_UTC_Z)
    return HttpResponse(body, content_type="application/json")
