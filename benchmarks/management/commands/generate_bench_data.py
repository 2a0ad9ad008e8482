import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from benchmarks import textgen
from benchmarks.generate import generate, targets


class Command(BaseCommand):
    help = (
        "Fill the database with realistic synthetic claims for the benchmark (see benchmarks/README.md). "
        "Tops up: with claims already there, it adds only the missing ones (and the publishers and "
        "sources that many claims call for); with enough, it does nothing. Loads with COPY and "
        "session_replication_role = replica (history and version triggers do not fire), which needs "
        "a superuser or GRANT SET ON PARAMETER session_replication_role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=1_000_000, help="Claims wanted in all.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random choices.")
        parser.add_argument(
            "--batch", type=int, default=20_000, help="Claims per COPY batch (one transaction each)."
        )

    def handle(self, *args, claims: int, seed: int, batch: int, **options):
        if claims < 1 or batch < 1:
            raise CommandError("--claims and --batch must be at least 1.")
        publishers, sources = targets(claims)
        self.stdout.write(
            f"Target: {claims:,} claims, about {claims // 10:,} articles, {publishers:,} publishers, "
            f"{sources:,} sources, about {claims * 3:,} citations (seed {seed})."
        )
        began = time.monotonic()
        try:
            summary = generate(claims=claims, seed=seed, out=self.stdout, batch=batch)
        except DatabaseError as exc:
            raise CommandError(f"The load failed: {exc}") from exc
        seconds = time.monotonic() - began
        self.stdout.write(
            f"Added {summary.claims:,} claims, {summary.articles:,} articles, {summary.citations:,} "
            f"citations, {summary.status_changes:,} status changes, {summary.sources:,} sources and "
            f"{summary.publishers:,} publishers in {seconds:.1f} s."
        )
        if summary.claims:
            shares = ", ".join(
                f"{kind} {word!r} in {summary.words[word]:,} ({summary.words[word] / summary.claims:.2%})"
                for kind, word in textgen.SEARCH_WORDS.items()
            )
            self.stdout.write(f"Search words among the claims added: {shares}.")
