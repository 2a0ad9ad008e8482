"""The plans of the hot queries, as the API really sends them.

    .venv/bin/python -m benchmarks.explain            # the benchmark database (as benchmarks.run picks it)

Each scenario's request goes through the API in this process (Django's test client, DEBUG off
as in production); every SELECT it sends is captured and run again under
``EXPLAIN (ANALYZE, BUFFERS)``, a second time so that the plan shows a warm cache, as a busy
server has. The plans are printed and written to ``benchmarks/results/explain.md``;
benchmarks/README.md quotes them.
"""

import os
import random
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _setup() -> None:
    from benchmarks import run

    args = run.parse_args(["--claims", "0"])
    url = run.database_url(args)
    if url is None:
        sys.exit(2)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": "explain-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "THROTTLE_USER": "100000000/minute",
            # Rate counters in Redis as in the benchmark, not in the database cache table.
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def scenarios(rng: random.Random) -> list[tuple[str, str, str, dict | None]]:
    """(name, method, path, body) for each hot read, on rows picked from the data."""
    from api.pagination import encode_cursor
    from benchmarks import textgen
    from claims.models import Claim

    total = Claim.objects.count()
    deep = Claim.objects.order_by("-created_at", "-id").values_list("created_at", "id")[int(total * 0.99)]
    cursor = encode_cursor([deep[0].isoformat(), deep[1]], ordering="-created_at,-id")
    some_id = Claim.objects.order_by("id").values_list("id", flat=True)[total // 2]
    return [
        ("list", "GET", "/api/v1/claims/?page_size=50", None),
        ("deep page", "GET", f"/api/v1/claims/?page_size=50&cursor={cursor}", None),
        ("detail", "GET", f"/api/v1/claims/{some_id}/", None),
        ("search, rare word", "GET", "/api/v1/claims/?q=hovercraft&page_size=50", None),
        ("search, common word", "GET", "/api/v1/claims/?q=drones&page_size=50", None),
        ("search, very common word", "GET", "/api/v1/claims/?q=reported&page_size=50", None),
        ("similar claims", "GET", f"/api/v1/claims/{some_id}/similar/", None),
        ("match, a sentence", "POST", "/api/v1/claims/match/", {"text": textgen.match_text(rng, index=7)}),
        ("match, a tweet", "POST", "/api/v1/claims/match/", {"text": textgen.tweet_text(rng, index=7)}),
        ("match, a short text", "POST", "/api/v1/claims/match/", {"text": "Zarif denies"}),
    ]


def explain_all() -> str:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.run import bench_token

    client = Client(HTTP_AUTHORIZATION=f"Token {bench_token()}")
    out = []
    for name, method, path, body in scenarios(random.Random(1)):
        send = client.get if method == "GET" else client.post
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        with CaptureQueriesContext(connection) as captured:
            response = send(path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        shown = path.split("&cursor=")[0] + ("&cursor=…" if "cursor=" in path else "")
        out.append(f"### {name}: {method} {shown}\n")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "claims_" not in sql:
                continue
            with connection.cursor() as cursor:
                for _ in range(2):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append("```\n" + plan + "\n```\n")
    return "\n".join(out)


def main() -> None:
    _setup()
    text = explain_all()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "explain.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
