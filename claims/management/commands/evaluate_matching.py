from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims import evaluation
from core.errors import Forbidden
from core.policies import SYSTEM


class Command(BaseCommand):
    help = (
        "Score claim matching on a TREC-style set: a queries file (id <TAB> text, one header row) and "
        "a qrels file (query 0 document relevance). Document ids are claim ids, or the ids of a "
        "documents file (id <TAB> claim <TAB> headline) loaded first with --documents. Prints MAP@5, "
        "MRR, P@1, Recall@5 and Recall@20 (claims/evaluation.py defines them). With "
        "--confirmed-links instead, the queries are the claims that researchers linked as the same "
        "claim as others, each asked to find its linked claims."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=Path, help="Queries TSV file.")
        parser.add_argument("--qrels", type=Path, help="TREC qrels file.")
        parser.add_argument(
            "--confirmed-links",
            action="store_true",
            help="Evaluate on the confirmed same-claim links in the database instead of a TREC set.",
        )
        parser.add_argument(
            "--documents",
            type=Path,
            help="Documents TSV file to load (each as an article with one claim) unless already loaded.",
        )
        parser.add_argument(
            "--collection",
            default="trec",
            help="Name of the document collection, part of the loaded articles' URLs (default trec).",
        )
        parser.add_argument("--user", help="Username recorded as the author of loaded documents.")

    def handle(self, *args, **options):
        trec = options["queries"] is not None or options["qrels"] is not None
        if options["confirmed_links"]:
            if trec or options["documents"] is not None:
                raise CommandError("--confirmed-links takes no --queries, --qrels or --documents.")
            queries = list(evaluation.confirmed_link_queries())
            if not queries:
                raise CommandError("No confirmed same-claim links in the database: nothing to evaluate.")
            self._report(evaluation.evaluate(queries))
            return
        if options["queries"] is None or options["qrels"] is None:
            raise CommandError("Give --queries and --qrels (a TREC-style set), or --confirmed-links.")
        for name in ("queries", "qrels", "documents"):
            if options[name] is not None and not options[name].is_file():
                raise CommandError(f"--{name}: no such file: {options[name]}")
        documents = None
        if options["documents"] is not None:
            user = SYSTEM  # no person to name: the documents are recorded without an author
            if options["user"]:
                named = get_user_model().objects.filter(username=options["user"]).first()
                if named is None:
                    raise CommandError(f"--user: no user named {options['user']!r}.")
                user = named
            try:
                documents = evaluation.load_documents(
                    path=options["documents"], collection=options["collection"], created_by=user
                )
            except Forbidden as exc:
                raise CommandError(f"--user: {exc.message}") from exc
        try:
            queries = list(
                evaluation.trec_queries(
                    queries=options["queries"], qrels=options["qrels"], documents=documents
                )
            )
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        if not queries:
            raise CommandError("No query has a relevant claim in the database: nothing to evaluate.")
        self._report(evaluation.evaluate(queries))

    def _report(self, result: dict) -> None:
        self.stdout.write(f"queries: {result['queries']} (without any result: {result['empty']})")
        for name in evaluation.MEASURES:
            self.stdout.write(f"{name:<10} {result[name]:.3f}")
