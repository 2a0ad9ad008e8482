"""Time an import of 10,000 claims (``interchange.importing.import_document``, the path of
``POST /api/v1/import/`` and ``manage.py import_claims``) two ways side by side in one run:

- ``bulk``: as the import runs, the new records of each section created at once by their
  bulk services (``publishers_create_bulk``, ``sources_create_bulk``, ``articles_create_bulk``,
  ``claims_create_bulk``, ``citations_add_bulk``);
- ``one by one``: the same import with each new record created by its single service
  (``publisher_create``, ``source_create``, ``article_create``, ``claim_create``,
  ``citation_add``), a few queries per row, as the import wrote them before;

and, for each, the same document imported again (every row found unchanged).

    .venv/bin/python -m benchmarks.importing [--articles 1000] [--claims-per-article 10] [--rounds 2]
        [--only bulk | --only "one by one"]

Database: ``DATABASE_URL`` if set (its name must contain ``bench``), otherwise the embedded
PostgreSQL (``config/localdb.py``) with a database ``claimtrack_import_bench``; migrated first.
Every import runs in a transaction that is rolled back, so the database is left as it was and
each timing starts from the same (empty) state. Rounds alternate the two ways, so load that
comes and goes on a shared machine falls on both. Prints seconds and queries per way (the
median round) and the ratio.
"""

import argparse
import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

BENCH_DATABASE = "claimtrack_import_bench"


def document(*, articles: int, claims_per_article: int) -> dict[str, Any]:
    """An import document of ``articles * claims_per_article`` claims: a publisher for every
    ten articles, each with a press release; an article and a report per article, the report
    relying on its publisher's press release; every fifth claim supported by its article's
    report, every tenth also contradicted by the press release of the next publisher (so the
    independence counts have chains and publishers to count)."""
    publishers = max(1, (articles + 9) // 10)
    doc: dict[str, Any] = {
        "publishers": [
            {
                "name": f"Bench press {p}",
                "kind": "news_media",
                "country": "GB",
                "url": f"https://press{p}.example/",
            }
            for p in range(publishers)
        ],
        "sources": [
            {
                "key": f"release{p}",
                "kind": "press_release",
                "title": f"Release {p}",
                "publisher": f"Bench press {p}",
                "identifier": f"PR-{p}",
            }
            for p in range(publishers)
        ],
        "articles": [],
        "claims": [],
        "citations": [],
    }
    for a in range(articles):
        publisher = a // 10
        sentences = [
            f"Sentence {a}-{c} says that {c * 7 + a} things happened. " for c in range(claims_per_article)
        ]
        doc["articles"].append(
            {
                "key": f"a{a}",
                "title": f"Bench article {a}",
                "url": f"https://bench.example/articles/{a}",
                "publisher": f"Bench press {publisher}",
                "body": "".join(sentences),
            }
        )
        doc["sources"].append(
            {
                "key": f"report{a}",
                "kind": "report",
                "title": f"Bench report {a}",
                "url": f"https://bench.example/reports/{a}",
                "publisher": f"Bench press {publisher}",
                "relies_on": [f"release{publisher}"],
            }
        )
        start = 0
        for c, sentence in enumerate(sentences):
            doc["claims"].append(
                {
                    "key": f"c{a}-{c}",
                    "article": f"a{a}",
                    "statement": f"Bench claim {a}-{c}.",
                    "quote": sentence.strip(),
                    "quote_start": start if c % 2 else None,
                    "claimant": f"Speaker {c}",
                }
            )
            start += len(sentence)
            if c % 5 == 0:
                doc["citations"].append(
                    {"claim": f"c{a}-{c}", "source": f"report{a}", "role": "evidence", "stance": "supports"}
                )
            if c % 10 == 0:
                doc["citations"].append(
                    {
                        "claim": f"c{a}-{c}",
                        "source": f"release{(publisher + 1) % publishers}",
                        "role": "evidence",
                        "stance": "contradicts",
                    }
                )
    return doc


@contextmanager
def one_by_one() -> Iterator[None]:
    """Within the block, the import creates each new record by its single service, one row at
    a time, in the order of its section (sources after those they rely on)."""
    from claims import services as claim_services
    from interchange.importing.rows import Row
    from interchange.importing.sections import (
        ArticleSection,
        CitationSection,
        ClaimSection,
        PublisherSection,
        SourceSection,
    )
    from sources import services as source_services

    def stored(value: Any) -> Any:
        """A reference as the single service takes it: the record (a new row's once created)."""
        if isinstance(value, list):
            return [stored(item) for item in value]
        if isinstance(value, Row):
            return value.instance if value.existing is None else value.existing
        return value

    def each(create):
        def create_many(self, rows: list[Row]) -> list[Any]:
            for row in rows:
                data = {name: stored(value) for name, value in row.data.items()}
                row.instance = create(self.importer.user, data)
            return [row.instance for row in rows]

        return create_many

    patched = {
        PublisherSection: each(lambda user, data: source_services.publisher_create(actor=user, **data)),
        SourceSection: each(lambda user, data: source_services.source_create(actor=user, **data)),
        ArticleSection: each(lambda user, data: claim_services.article_create(created_by=user, **data)),
        ClaimSection: each(lambda user, data: claim_services.claim_create(created_by=user, **data)),
        CitationSection: each(lambda user, data: claim_services.citation_add(added_by=user, **data)),
    }
    saved = {section_type: section_type.__dict__["create_many"] for section_type in patched}
    try:
        for section_type, create_many in patched.items():
            section_type.create_many = create_many  # type: ignore[method-assign]
        yield
    finally:
        for section_type, create_many in saved.items():
            section_type.create_many = create_many  # type: ignore[method-assign]


SLOWEST = [0.0]  # the slowest statement of a run, in seconds


class _Undo(Exception):
    pass


def timed_import(doc: dict[str, Any], user, *, again: bool) -> tuple[float, int, float, int]:
    """Seconds and queries of importing ``doc`` (then, if ``again``, of importing it once more),
    in a transaction rolled back after."""
    import copy

    from django.db import connection, transaction

    from interchange.importing.importer import import_document

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            SLOWEST[0] = max(SLOWEST[0], time.perf_counter() - started)

    figures: list[float | int] = []
    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            for _ in range(2 if again else 1):
                queries[0] = 0
                started = time.perf_counter()
                import_document(document=copy.deepcopy(doc), user=user)
                figures += [time.perf_counter() - started, queries[0]]
            raise _Undo
    except _Undo:
        pass
    if not again:
        figures += [0.0, 0]
    return figures[0], int(figures[1]), figures[2], int(figures[3])


def setup() -> None:
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        # As manage.py import_claims runs; the slowest statement is reported instead.
        DB_STATEMENT_TIMEOUT=os.environ.get("DB_COMMAND_STATEMENT_TIMEOUT", "0"),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.localdb import ensure_database_url

    url = ensure_database_url(BENCH_DATABASE)
    from urllib.parse import urlsplit

    if "bench" not in urlsplit(url).path:
        raise SystemExit(f"Refusing {url}: the database's name must contain 'bench'.")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def researcher():
    from django.contrib.auth.models import Group, User

    from core.roles import RESEARCHERS

    user, _ = User.objects.get_or_create(username="bench_import_researcher")
    user.groups.add(Group.objects.get(name=RESEARCHERS))
    return User.objects.get(pk=user.pk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--claims-per-article", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--only", choices=["bulk", "one by one"], help="time one way (one by one takes minutes at 10,000)"
    )
    args = parser.parse_args(argv)
    setup()
    user = researcher()
    doc = document(articles=args.articles, claims_per_article=args.claims_per_article)
    rows = {section: len(doc[section]) for section in doc}
    print(f"document: {rows}", flush=True)
    results: dict[str, list[tuple[float, int, float, int]]] = {
        way: [] for way in ("bulk", "one by one") if args.only in (None, way)
    }
    for round_number in range(args.rounds):
        ways = ["bulk", "one by one"] if round_number % 2 == 0 else ["one by one", "bulk"]
        ways = [way for way in ways if args.only in (None, way)]
        for way in ways:
            SLOWEST[0] = 0.0
            if way == "bulk":
                figures = timed_import(doc, user, again=True)
            else:
                with one_by_one():
                    figures = timed_import(doc, user, again=True)
            results[way].append(figures)
            print(
                f"round {round_number + 1} {way}: {figures[0]:.2f} s, {figures[1]} queries, "
                f"again {figures[2]:.2f} s; slowest statement {SLOWEST[0]:.2f} s",
                flush=True,
            )
    print(f"\nload average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"{'':12} {'import (s)':>10} {'queries':>8} {'again (s)':>10} {'queries':>8}")
    medians = {}
    for way, rounds in results.items():
        medians[way] = sorted(rounds)[(len(rounds) - 1) // 2]  # the lower median by import time
        seconds, queries, again, again_queries = medians[way]
        print(f"{way:12} {seconds:10.2f} {queries:8} {again:10.2f} {again_queries:8}")
    if len(medians) == 2:
        print(f"one by one / bulk: {medians['one by one'][0] / medians['bulk'][0]:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
