"""``make bench``: time the API under the production server (config/server.py) with wrk, scenario by scenario.

    .venv/bin/python -m benchmarks.run --claims 1000000 --duration 15

1. Needs ``wrk`` (Debian: ``apt-get install -y wrk``); without it, says so and stops.
2. Database: ``DATABASE_URL`` if set (its name must contain "bench" unless ``--any-database``:
   the run adds synthetic claims and changes some), else the embedded PostgreSQL with a
   database ``claimtrack_bench``.
3. Migrates and collects the static files (the browsable pages need their manifest), then
   tops the data up with ``generate_bench_data`` if there are fewer claims than asked.
4. Creates the users ``bench_researcher`` (who sends every request, with a fresh knox token)
   and ``bench_reviewer``.
5. Prepares each scenario's requests, starts ``python -m config.server`` (DEBUG off,
   throttles raised out of reach, the reference endpoint on), checks that the first request of
   each scenario answers as expected (a scenario that does not is reported as failed, not
   timed), warms it up, and runs ``wrk -t1 -c4 -d<duration>s`` with benchmarks/wrk/scenario.lua.
6. Prints a table (requests/s, p50, p95, p99, non-2xx, target, verdict) and the ratios
   API list / hand-written reference and deep page / first page, and writes the same as
   Markdown and JSON under benchmarks/results/.

Exit status: 0 when every scenario ran, 1 when one could not (its check failed or wrk did),
2 when wrk is missing or the database is refused. Missed targets show in the table only.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlparse

from benchmarks import textgen
from benchmarks.wrkrun import Target, WrkError, ratio, run_wrk, socket_errors, verdict

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "benchmarks" / "results"
BENCH_DATABASE = "claimtrack_bench"
RESEARCHER = "bench_researcher"
REVIEWER = "bench_reviewer"
PAGE = 50
DEEP_OFFSET = 990_000
DEEP_SHARE = 0.99
SAMPLE = 2_000
# Transitions are sent once per claim: enough distinct claims for this many requests a second.
TRANSITIONS_PER_SECOND = 1_000
STEMS = {textgen.RARE_WORD: "hovercraft", textgen.COMMON_WORD: "drone", textgen.VERY_COMMON_WORD: "report"}

TARGETS = {
    "list": Target(p95_ms=50),
    "reference": Target(),
    # The same page as DRF's documentation would write it (benchmarks/conventional.py).
    "conventional": Target(),
    "deep_page": Target(ratio=1.5, of="list"),
    "detail": Target(p95_ms=20),
    "search_rare": Target(p95_ms=100),
    "search_common": Target(p95_ms=100),
    "search_very_common": Target(p95_ms=250),
    "match": Target(p95_ms=150),
    "match_tweet": Target(p95_ms=150),
    "match_common": Target(p95_ms=150),
    "create": Target(),
    "transition": Target(),
    "reading_view": Target(p95_ms=300),
    # The browsable API's pages (api/renderers.py), as a researcher's browser gets them.
    "page_root": Target(p95_ms=300),
    "page_claims": Target(p95_ms=300),
    "page_claim": Target(p95_ms=300),
    "page_transition": Target(p95_ms=300),
    "page_citations": Target(p95_ms=300),
}
# The browsable pages' budget (issue 10): under this many bytes of HTML.
MAX_PAGE_BYTES = 1_000_000
# Issue 12: the list within 1.5 times the hand-written reference (3 before).
LIST_RATIO_LIMIT = 1.5


@dataclass
class Scenario:
    name: str
    description: str
    lines: list[str] = field(default_factory=list)
    expected_status: int = 200
    check: Callable[[object], str | None] | None = None
    warm_up: bool = True
    skipped: str | None = None


def say(text: str) -> None:
    print(text, flush=True)


def request_line(method: str, path: str, body: dict | None = None) -> str:
    return (
        f"{method}\t{path}\t{json.dumps(body, ensure_ascii=False)}"
        if body is not None
        else f"{method}\t{path}"
    )


# Environment, database, users --------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="Claims the database must hold.")
    parser.add_argument("--duration", type=int, default=15, help="Seconds of load per scenario.")
    parser.add_argument("--warm-up", type=int, default=2, help="Seconds of untimed load before each.")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (-c).")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (-t).")
    parser.add_argument("--workers", type=int, default=0, help="Server workers (default: config.server).")
    parser.add_argument("--seed", type=int, default=1, help="Seed for the data and the request mix.")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="Run the scenarios this many times in turn and report, for each, the round of median p95 "
        "(scenarios that change data, such as transitions, run once). On a machine shared with other "
        "work, load comes and goes: rounds in turn spread it over the scenarios compared.",
    )
    parser.add_argument("--only", nargs="*", choices=list(TARGETS), help="Run only these scenarios.")
    parser.add_argument(
        "--any-database", action="store_true", help="Accept a DATABASE_URL whose name lacks 'bench'."
    )
    return parser.parse_args(argv)


def database_url(args: argparse.Namespace) -> str | None:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        from config.localdb import ensure_database_url

        return ensure_database_url(BENCH_DATABASE)
    name = urlparse(url).path.lstrip("/")
    if "bench" not in name and not args.any_database:
        say(
            f"DATABASE_URL names the database {name!r}. The benchmark adds synthetic claims and changes "
            "some: use a database whose name contains 'bench', or pass --any-database."
        )
        return None
    return url


def server_environment(url: str, args: argparse.Namespace) -> dict[str, str]:
    env = {
        "DEBUG": "0",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "0",
        # Throttling still runs (it is part of each request's cost) but never refuses.
        "THROTTLE_USER": "100000000/minute",
        "THROTTLE_ANON": "100000000/minute",
        "CLAIMTRACK_BENCH_ENDPOINTS": "1",
        "LOG_LEVEL": "WARNING",
        # The server keeps the request timeouts a deployment gets (empty: the settings' default) ...
        "DB_STATEMENT_TIMEOUT": os.environ.get("DB_STATEMENT_TIMEOUT", ""),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    # The production shape keeps the rate counters in Redis; without it every request, reads
    # included, would write its counters to the database cache table.
    redis_url = os.environ.get("REDIS_URL") or (LOCAL_REDIS if _listening("127.0.0.1", 6379) else "")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


LOCAL_REDIS = "redis://127.0.0.1:6379/3"


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def server_workers() -> int:
    from config.server import workers

    return workers()


def bench_token() -> str:
    """A fresh token for the researcher who sends every request (older ones revoked)."""
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken

    from core.roles import RESEARCHERS, REVIEWERS

    researcher, _ = User.objects.get_or_create(username=RESEARCHER)
    researcher.groups.add(Group.objects.get(name=RESEARCHERS))
    # The reviewer is there for verdict scenarios; moving a claim into review is a researcher's step.
    reviewer, _ = User.objects.get_or_create(username=REVIEWER, defaults={"is_staff": True})
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    AuthToken.objects.filter(user=researcher).delete()
    _, token = AuthToken.objects.create(researcher)
    return token


def forget_created_claims() -> None:
    """Remove the claims earlier runs' "create" scenario added: they are the newest, without
    citations, and would otherwise fill the first page of the list and make it look cheap."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # Synthetic cleanup, like the load itself: no history, no change log.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "DELETE FROM claims_claim WHERE created_by_id IN (SELECT id FROM auth_user WHERE username = %s)",
            [RESEARCHER],
        )
        if cursor.rowcount:
            say(f"== removed {cursor.rowcount:,} claims made by earlier runs' create scenario")


# Scenarios -------------------------------------------------------------------------------


def _query(sql: str, params: list | None = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _query_no_rows(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def _results(body) -> list[dict]:
    return body.get("results", []) if isinstance(body, dict) else []


def _page_check(size: int):
    def check(body) -> str | None:
        got = len(_results(body))
        return None if got == size else f"expected {size} results, got {got}"

    return check


def _search_check(word: str):
    stem = STEMS[word]

    def check(body) -> str | None:
        results = _results(body)
        if not results:
            return f"no claim found for {word!r}"
        for claim in results:
            text = (
                f"{claim.get('statement', '')} {claim.get('quote', '')} {claim.get('claimant', '')}".lower()
            )
            if stem not in text:
                return f"?q= looks ignored: claim {claim.get('id')} does not contain {word!r}"
        return None

    return check


def _sentences(body: str) -> list[tuple[int, str]]:
    """The sentences of an article body with their offsets ("U.S." does not end one)."""
    found, start = [], 0
    for gap in re.finditer(r"(?<=[.?!])(?<!U\.S\.)\s+", body):
        found.append((start, body[start : gap.start()]))
        start = gap.end()
    if start < len(body):
        found.append((start, body[start:]))
    return [(offset, text) for offset, text in found if len(text) > 20]


def prepare(args: argparse.Namespace, rng: random.Random) -> tuple[list[Scenario], int]:
    (total,) = _query("SELECT count(*) FROM claims_claim WHERE deleted_at IS NULL")[0]
    page = min(PAGE, total)
    scenarios = [
        Scenario(
            "list",
            f"GET /api/v1/claims/?page_size={PAGE}",
            [request_line("GET", f"/api/v1/claims/?page_size={PAGE}")],
            check=_page_check(page),
        ),
        Scenario(
            "reference",
            "the same page, one hand-written SQL query + orjson",
            [request_line("GET", "/bench/reference/claims/")],
            check=_page_check(page),
        ),
        Scenario(
            "conventional",
            "the same page, plain ModelSerializers, select/prefetch_related, DRF's CursorPagination",
            [request_line("GET", "/bench/conventional/claims/")],
            check=_page_check(page),
        ),
        _deep_page(total),
        _detail(rng),
    ]
    for kind, word in textgen.SEARCH_WORDS.items():
        path = f"/api/v1/claims/?{urlencode({'q': word, 'page_size': PAGE})}"
        scenarios.append(
            Scenario(f"search_{kind}", f"GET {path}", [request_line("GET", path)], check=_search_check(word))
        )
    match_rng, tweet_rng = random.Random(rng.random()), random.Random(rng.random())
    for name, what, text in (
        ("match", "a claim statement, varied", textgen.match_text),
        ("match_tweet", "a tweet restating a claim, with links, tags and trailer", textgen.tweet_text),
    ):
        texts = [text(match_rng if name == "match" else tweet_rng, index=n) for n in range(SAMPLE)]
        scenarios.append(
            Scenario(
                name,
                f"POST /api/v1/claims/match/ {{text: {what}}}",
                [request_line("POST", "/api/v1/claims/match/", {"text": t}) for t in texts],
            )
        )
    scenarios.append(_match_common(rng))
    scenarios.append(_create(rng))
    scenarios.append(_transition(args))
    scenarios.append(_reading_view(rng))
    scenarios.extend(_pages(rng))
    return scenarios, total


def _page_html_check(body) -> str | None:
    """A browsable page: HTML (``fetch`` keeps its first 300 characters), not JSON."""
    return None if isinstance(body, str) and "<html" in body.lower() else "not an HTML page"


def _pages(rng: random.Random) -> list[Scenario]:
    """The browsable API's pages (``?format=api`` asks for the HTML rendering): the root, the
    claims list with its filter and create forms, a claim with its edit and citation forms,
    its transition form, and the citations list with its form."""
    ids = [row[0] for row in _query(
        "SELECT id FROM claims_claim WHERE deleted_at IS NULL ORDER BY random() LIMIT %s", [SAMPLE // 10]
    )]  # fmt: skip
    rng.shuffle(ids)
    pages = [
        ("page_root", "GET /api/v1/ (HTML)", ["/api/v1/?format=api"]),
        (
            "page_claims",
            f"GET /api/v1/claims/?page_size={PAGE} (HTML)",
            [f"/api/v1/claims/?format=api&page_size={PAGE}"],
        ),
        ("page_claim", "GET /api/v1/claims/{id}/ (HTML)", [f"/api/v1/claims/{i}/?format=api" for i in ids]),
        (
            "page_transition",
            "GET /api/v1/claims/{id}/transition/ (HTML)",
            [f"/api/v1/claims/{i}/transition/?format=api" for i in ids],
        ),
        (
            "page_citations",
            "GET /api/v1/citations/ (HTML)",
            [f"/api/v1/citations/?format=api&page_size={PAGE}"],
        ),
    ]
    return [
        Scenario(name, description, [request_line("GET", path) for path in paths], check=_page_html_check)
        for name, description, paths in pages
        if paths
    ]


def _deep_page(total: int) -> Scenario:
    scenario = Scenario("deep_page", "GET /api/v1/claims/?page_size=50&cursor=<deep>")
    offset = min(DEEP_OFFSET, int(total * DEEP_SHARE))
    rows = _query(
        "SELECT created_at, id FROM claims_claim WHERE deleted_at IS NULL "
        "ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 2",
        [offset],
    )
    if len(rows) < 2:
        scenario.skipped = "too few claims for a deep page"
        return scenario
    try:
        from api.pagination import encode_cursor
    except ImportError:
        scenario.skipped = "api.pagination.encode_cursor does not exist yet"
        return scenario
    (created_at, last_seen), (_, first_expected) = rows
    cursor = encode_cursor([created_at.isoformat(), last_seen], ordering="-created_at,-id")
    path = f"/api/v1/claims/?{urlencode({'page_size': PAGE, 'cursor': cursor})}"
    scenario.description = f"GET /api/v1/claims/?page_size=50&cursor=<after row {offset:,}>"
    scenario.lines = [request_line("GET", path)]

    def check(body) -> str | None:
        results = _results(body)
        if not results or results[0].get("id") != first_expected:
            got = results[0].get("id") if results else None
            return f"the page after row {offset:,} should start with claim {first_expected}, not {got}"
        return None

    scenario.check = check
    return scenario


def _detail(rng: random.Random) -> Scenario:
    ids = [row[0] for row in _query(
        "SELECT id FROM claims_claim WHERE deleted_at IS NULL ORDER BY random() LIMIT %s", [SAMPLE]
    )]  # fmt: skip
    rng.shuffle(ids)
    first = ids[0] if ids else None
    return Scenario(
        "detail",
        "GET /api/v1/claims/{id}/ (random ids)",
        [request_line("GET", f"/api/v1/claims/{claim_id}/") for claim_id in ids],
        check=lambda body: None if isinstance(body, dict) and body.get("id") == first else "wrong claim",
    )


def _html_page_check(marker: str):
    def check(body) -> str | None:
        if not isinstance(body, str) or marker not in body:
            return f"not the page ({marker} missing)"
        size = len(body.encode())
        say(f"  {size:,} bytes of HTML")
        return None if size < MAX_PAGE_BYTES else f"{size:,} bytes of HTML, over {MAX_PAGE_BYTES:,}"

    return check


def _reading_view(rng: random.Random) -> Scenario:
    """The article reading view, as a browser gets it (the browsable API, ``?format=api``),
    for random articles with their claims highlighted."""
    ids = [row[0] for row in _query(
        "SELECT id FROM claims_article WHERE deleted_at IS NULL ORDER BY random() LIMIT %s", [SAMPLE // 4]
    )]  # fmt: skip
    rng.shuffle(ids)
    return Scenario(
        "reading_view",
        "GET /api/v1/articles/{id}/?format=api (the reading view, random articles)",
        [request_line("GET", f"/api/v1/articles/{article_id}/?format=api") for article_id in ids],
        check=_html_page_check("data-article-body"),
    )


def _match_common(rng: random.Random) -> Scenario:
    """Texts made only of words each held by more claims than stage 1's budget (the most common
    lexemes of the data, as the term statistics count them), the case that once fell back to a
    trigram scan of seconds: it must stay as fast as any text, and still answer claims."""
    from claims.matching import MAX_POSTINGS

    words = [
        word
        for (word,) in _query(
            "SELECT term FROM claims_claimterm AS kept WHERE term <> '' AND claims > %s AND "
            "(SELECT array_agg(lexeme) FROM unnest(to_tsvector('claimtrack', term))) = ARRAY[term] "
            "ORDER BY claims DESC LIMIT 40",
            [MAX_POSTINGS],
        )
    ]
    name, description = "match_common", "POST /api/v1/claims/match/ {text: only words held by many claims}"
    if len(words) < 4:
        skipped = f"only {len(words)} words held by more than {MAX_POSTINGS:,} claims"
        return Scenario(name, description, skipped=skipped)
    texts = [" ".join(rng.sample(words, rng.randint(4, 10))) for _ in range(SAMPLE // 4)]

    def check(body) -> str | None:
        return None if _results(body) else "no claim found for a text of common words"

    lines = [request_line("POST", "/api/v1/claims/match/", {"text": t}) for t in texts]
    return Scenario(name, description, lines, check=check)


def _create(rng: random.Random) -> Scenario:
    rows = _query(
        "SELECT id, body FROM claims_article WHERE id IN (SELECT id FROM claims_article "
        "WHERE deleted_at IS NULL ORDER BY random() LIMIT %s)",
        [SAMPLE // 2],
    )
    lines = []
    for article_id, body in rows:
        sentences = _sentences(body)
        if not sentences:
            continue
        offset, sentence = rng.choice(sentences)
        body_json = {
            "article": article_id,
            "statement": f"The article states: {sentence}",
            "quote": sentence,
            "quote_start": offset,
        }
        lines.append(request_line("POST", "/api/v1/claims/", body_json))
    rng.shuffle(lines)
    return Scenario("create", "POST /api/v1/claims/ (a sentence of an article)", lines, expected_status=201)


def _transition(args: argparse.Namespace) -> Scenario:
    wanted = TRANSITIONS_PER_SECOND * args.duration + 1
    ids = [row[0] for row in _query(
        "SELECT id FROM claims_claim WHERE status = 'unverified' AND version = 1 AND deleted_at IS NULL "
        "ORDER BY id DESC LIMIT %s",
        [wanted],
    )]  # fmt: skip
    scenario = Scenario(
        "transition",
        "POST /api/v1/claims/{id}/transition/ unverified -> in_review (a new claim each time)",
        [
            request_line(
                "POST", f"/api/v1/claims/{claim_id}/transition/", {"status": "in_review", "version": 1}
            )
            for claim_id in ids
        ],
        warm_up=False,
        check=lambda body: (
            None if isinstance(body, dict) and body.get("status") == "in_review" else "not moved"
        ),
    )
    if len(ids) < 2:
        scenario.skipped = "no unverified claims at version 1 left"
    return scenario


# Server and load --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, token: str, line: str) -> tuple[int, object]:
    method, path, *rest = line.split("\t", 2)
    headers = {"Authorization": f"Token {token}"}
    body = rest[0].encode() if rest else None
    if body is not None:
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw.decode(errors="replace")


@contextmanager
def app_server(env: dict[str, str], port: int, token: str, log_path: Path):
    command = [sys.executable, "-m", "config.server", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
            command, cwd=BASE_DIR, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}; see {log_path}")
                try:
                    if fetch(port, token, "GET\t/api/v1/auth/me/")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within 90 s; see {log_path}")
                time.sleep(0.5)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_scenario(
    scenario: Scenario, *, port: int, token: str, args, workdir: Path
) -> tuple[dict | None, str]:
    """Check, warm up and time one scenario: ``(result or None, note)``."""
    if scenario.skipped:
        return None, f"not run: {scenario.skipped}"
    if not scenario.lines:
        return None, "not run: no requests could be prepared"
    status, body = fetch(port, token, scenario.lines[0])
    problem = None
    if status != scenario.expected_status:
        problem = f"first request answered {status}, expected {scenario.expected_status}: {str(body)[:200]}"
    elif scenario.check is not None:
        problem = scenario.check(body)
    if problem:
        say(f"  !! {scenario.name} FAILED its check: {problem}")
        return None, f"check failed: {problem}"
    lines = scenario.lines[1:] if not scenario.warm_up else scenario.lines
    requests_file = workdir / f"{scenario.name}.txt"
    requests_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    common = {
        "wrk": shutil.which("wrk"),
        "base_url": f"http://127.0.0.1:{port}",
        "requests_file": requests_file,
        "token": token,
        "threads": args.threads,
        "connections": args.connections,
    }
    try:
        if scenario.warm_up and args.warm_up > 0:
            run_wrk(duration=args.warm_up, **common)
        result = run_wrk(duration=args.duration, **common)
    except WrkError as exc:
        say(f"  !! {scenario.name}: {exc}")
        return None, f"wrk failed: {exc}"
    note = ""
    if not scenario.warm_up and result["sent"] > len(lines):
        note = f"ran out of distinct requests ({len(lines):,}): later ones repeat"
    return result, note


def median_round(runs: list[dict]) -> dict | None:
    """Of a scenario's rounds, the one whose p95 is the median (the lower middle of an even
    number); None if it never ran."""
    if not runs:
        return None
    return sorted(runs, key=lambda run: run["p95_ms"])[(len(runs) - 1) // 2]


# Report ----------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ratio_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def build_report(*, results, notes, scenarios, meta) -> tuple[str, dict]:
    rows = []
    for scenario in scenarios:
        result = results.get(scenario.name)
        target = TARGETS[scenario.name]
        rows.append(
            {
                "scenario": scenario.name,
                "request": scenario.description,
                "rps": result["rps"] if result else None,
                "p50_ms": result["p50_ms"] if result else None,
                "p95_ms": result["p95_ms"] if result else None,
                "p99_ms": result["p99_ms"] if result else None,
                "requests": result["requests"] if result else None,
                "non2xx": result["non2xx"] if result else None,
                "socket_errors": socket_errors(result) if result else None,
                "target": target.describe(),
                "verdict": verdict(result, target, results),
                "note": notes.get(scenario.name, ""),
            }
        )
    list_p50 = ratio(results, "list", "reference", "p50_ms")
    list_p95 = ratio(results, "list", "reference", "p95_ms")
    peer_p50 = ratio(results, "conventional", "reference", "p50_ms")
    peer_p95 = ratio(results, "conventional", "reference", "p95_ms")
    deep_p50 = ratio(results, "deep_page", "list", "p50_ms")
    deep_p95 = ratio(results, "deep_page", "list", "p95_ms")
    ratios = {
        "list_over_reference": {"p50": list_p50, "p95": list_p95, "limit": LIST_RATIO_LIMIT},
        "conventional_over_reference": {"p50": peer_p50, "p95": peer_p95, "limit": None},
        "deep_over_first_page": {"p50": deep_p50, "p95": deep_p95, "limit": TARGETS["deep_page"].ratio},
    }

    def judged(value: float | None, limit: float) -> str:
        return "-" if value is None else ("PASS" if value <= limit else "FAIL")

    header = "| scenario | req/s | p50 ms | p95 ms | p99 ms | non-2xx | target | result |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---|---|"]
    for row in rows:
        bad = "-" if row["non2xx"] is None else f"{row['non2xx'] + row['socket_errors']}"
        rps = "-" if row["rps"] is None else f"{row['rps']:.1f}"
        lines.append(
            f"| {row['scenario']} | {rps} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | "
            f"{_ms(row['p99_ms'])} | {bad} | {row['target']} | {row['verdict']} |"
        )
    lines += [
        "",
        f"API list / reference: p50 {_ratio_text(list_p50)}, p95 {_ratio_text(list_p95)} "
        f"(limit {LIST_RATIO_LIMIT:g} on p95): {judged(list_p95, LIST_RATIO_LIMIT)}",
        f"conventional DRF / reference: p50 {_ratio_text(peer_p50)}, p95 {_ratio_text(peer_p95)}",
        f"deep page / first page: p50 {_ratio_text(deep_p50)}, p95 {_ratio_text(deep_p95)} "
        f"(limit {TARGETS['deep_page'].ratio:g} on p95): {judged(deep_p95, TARGETS['deep_page'].ratio)}",
    ]
    for row in rows:
        if row["note"]:
            lines.append(f"- {row['scenario']}: {row['note']}")
    table = "\n".join(lines)
    data = {"meta": meta, "scenarios": rows, "ratios": ratios, "raw": results}
    return table, data


def write_results(table: str, data: dict, meta: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = RESULTS_DIR / f"bench-{meta['started'].replace(':', '').replace('-', '')}-{meta['claims']}"
    described = "\n".join(f"- {key}: {value}" for key, value in meta.items())
    stem.with_suffix(".md").write_text(
        f"# Claimtrack benchmark\n\n{described}\n\n{table}\n", encoding="utf-8"
    )
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return stem


def _git_commit() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - read-only, from PATH
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return completed.stdout.strip() or "unknown"


# Main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        say("wrk is not installed. On Debian or Ubuntu: apt-get install -y wrk (then run again).")
        return 2
    url = database_url(args)
    if url is None:
        return 2
    env = server_environment(url, args)
    os.environ.update(env)
    # ... while this process migrates and loads, as manage.py commands do: no statement timeout.
    os.environ["DB_STATEMENT_TIMEOUT"] = os.environ.get("DB_COMMAND_STATEMENT_TIMEOUT", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    say(f"== database {urlparse(url).path.lstrip('/') or url}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    # DEBUG is off, as in production: the pages' {% static %} needs the collected manifest.
    say("== collectstatic: the browsable pages' static files, as a deployment has them")
    call_command("collectstatic", interactive=False, verbosity=0)
    (have,) = _query("SELECT count(*) FROM claims_claim")[0]
    if have < args.claims:
        say(f"== {have:,} claims, {args.claims:,} asked: generating")
        call_command("generate_bench_data", claims=args.claims, seed=args.seed)
    else:
        say(f"== {have:,} claims there ({args.claims:,} asked)")
    say("== VACUUM (ANALYZE): fresh statistics and visibility maps, as autovacuum keeps them")
    forget_created_claims()
    for table in ("claims_article", "claims_claim", "claims_citation", "claims_statuschange"):
        _query_no_rows(f"VACUUM (ANALYZE) {table}")
    token = bench_token()
    rng = random.Random(args.seed)
    say("== preparing the requests")
    scenarios, total = prepare(args, rng)
    if args.only:
        scenarios = [scenario for scenario in scenarios if scenario.name in args.only]
    (pg_version,) = _query("SHOW server_version")[0]
    connections.close_all()
    port = free_port()
    started = datetime.now(UTC).replace(microsecond=0).isoformat()
    meta = {
        "started": started,
        "claims": total,
        "duration_s": args.duration,
        "rounds": max(1, args.rounds),
        "wrk": f"-t{args.threads} -c{args.connections}",
        "server": "uvicorn (config/server.py)",
        "server_workers": server_workers(),
        "cpu_cores": os.cpu_count(),
        "postgresql": pg_version,
        "python": platform.python_version(),
        "commit": _git_commit(),
        "search_words": textgen.SEARCH_WORDS,
    }
    results: dict[str, dict | None] = {}
    notes: dict[str, str] = {}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS_DIR / "server.log"
    say(f"== uvicorn on 127.0.0.1:{port} with {meta['server_workers']} workers (log: {log_path})")
    with (
        tempfile.TemporaryDirectory(prefix="claimtrack-bench-") as workdir,
        app_server(env, port, token, log_path),
    ):
        timed: dict[str, list[dict]] = {scenario.name: [] for scenario in scenarios}
        for round_number in range(max(1, args.rounds)):
            for scenario in scenarios:
                if round_number and (not scenario.warm_up or not timed[scenario.name]):
                    continue  # changes data (or failed): once only
                say(f"-- {scenario.name}: {scenario.description}")
                result, note = run_scenario(
                    scenario, port=port, token=token, args=args, workdir=Path(workdir)
                )
                if note:
                    notes[scenario.name] = note
                if result:
                    timed[scenario.name].append(result)
                    say(
                        f"   {result['rps']:.1f} req/s, p50 {result['p50_ms']:.1f} ms, "
                        f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                        f"non-2xx {result['non2xx']}"
                    )
        for name, runs in timed.items():
            results[name] = median_round(runs)
    table, data = build_report(results=results, notes=notes, scenarios=scenarios, meta=meta)
    stem = write_results(table, data, meta)
    say("")
    say(table)
    say(f"\nWritten to {stem}.md and {stem}.json")
    return 0 if all(results.get(scenario.name) for scenario in scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
