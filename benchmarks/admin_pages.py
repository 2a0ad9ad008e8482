"""Time the reviewers' admin pages in-process: the claims list (plain, filtered, searched) and
the evidence page of claims in review, against the benchmark database.

    .venv/bin/python -m benchmarks.admin_pages [--requests 30] [--seed 1]

Run ``make bench`` (or ``manage.py generate_bench_data``) first: this reads the data there and
changes nothing but a session and a staff reviewer, ``bench_admin_reviewer``. Each request
goes through Django's whole stack (middleware, admin, templates) with DEBUG off, through the
test client, so the time is the server's: no network, no browser. Prints p50/p95/max in ms
and the largest HTML answer per scenario, and writes the table to
``benchmarks/results/admin-pages-<claims>.md``. A non-200 answer stops the run.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BENCH_DATABASE = "claimtrack_bench"
REVIEWER = "bench_admin_reviewer"
TARGET_MS, TARGET_BYTES = 300, 1_000_000


def setup() -> None:
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        THROTTLE_USER="100000000/minute",
        THROTTLE_ANON="100000000/minute",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.localdb import ensure_database_url

    ensure_database_url(BENCH_DATABASE)
    import django
    from django.conf import settings

    django.setup()
    # As in the tests: the manifest storage of DEBUG off needs collectstatic; the pages' static
    # links are then plain paths, which costs the same.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def reviewer_client():
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from core.roles import REVIEWERS

    reviewer, _ = User.objects.get_or_create(username=REVIEWER, defaults={"is_staff": True})
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    client = Client()
    client.force_login(reviewer)
    return client


def scenarios(rng: random.Random, requests: int) -> dict[str, list[str]]:
    from django.urls import reverse

    from claims.models import Claim, Status
    from sources.models import Publisher

    changelist = reverse("admin:claims_claim_changelist")
    in_review = list(
        Claim.objects.filter(status=Status.IN_REVIEW, deleted_at__isnull=True)
        .order_by("-id")
        .values_list("id", flat=True)[:5000]
    )
    if not in_review:
        raise SystemExit("No claim in review: load the benchmark data first (make bench).")
    publisher = Publisher.objects.order_by("id").values_list("name", flat=True).first()
    evidence = [reverse("admin:claims_claim_change", args=[pk]) for pk in rng.sample(in_review, k=requests)]
    return {
        "claims_list": [changelist] * requests,
        "claims_list_in_review": [f"{changelist}?status__exact=in_review"] * requests,
        "claims_list_cited_publisher": [f"{changelist}?cited_publisher={publisher.split()[0]}"] * requests,
        "claims_list_search": [f"{changelist}?q=drones"] * requests,
        "evidence_page": evidence,
        "transition_page": [url.replace("/change/", "/transition/") for url in evidence],
    }


def run(client, paths: list[str]) -> dict:
    client.get(paths[0])  # warm-up: templates and caches
    times, largest = [], 0
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        largest = max(largest, len(response.content))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": statistics.median(times), "p95": p95, "max": times[-1], "bytes": largest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="Requests per scenario.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="Run only these scenarios.")
    args = parser.parse_args(argv)
    setup()
    from claims.models import Claim

    total = Claim.objects.count()
    client = reviewer_client()
    rows = [
        "| scenario | p50 ms | p95 ms | max ms | largest HTML | within 300 ms and 1 MB |",
        "|---|---|---|---|---|---|",
    ]
    for name, paths in scenarios(random.Random(args.seed), args.requests).items():
        if args.only and name not in args.only:
            continue
        result = run(client, paths)
        ok = result["p95"] < TARGET_MS and result["bytes"] < TARGET_BYTES
        rows.append(
            f"| {name} | {result['p50']:.0f} | {result['p95']:.0f} | {result['max']:.0f} | "
            f"{result['bytes'] / 1000:.0f} kB | {'yes' if ok else 'NO'} |"
        )
        print(rows[-1], flush=True)
    report = f"Admin pages at {total:,} claims, {args.requests} requests each (in-process, DEBUG off)\n\n"
    report += "\n".join(rows) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"admin-pages-{total}.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
