from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import Forbidden, InvalidInput
from core.history_context import command_context
from interchange.importing.importer import SECTIONS, find_article, import_csv, import_document
from interchange.importing.problems import ImportRefused
from interchange.importing.reading import parse_json_bytes

FORMATS = ("json", "csv")


class Command(BaseCommand):
    help = (
        "Import a JSON document (publishers, sources, articles, claims, citations) or a CSV of one "
        "article's claims: all or nothing, and importing the same file again changes nothing. "
        "Exits with status 1 listing every problem (section, row, field) when the file is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import (.json or .csv).")
        parser.add_argument(
            "--format", choices=FORMATS, help="json or csv; guessed from the file's extension if left out."
        )
        parser.add_argument("--article", help="For a CSV: id or URL of the stored article of the claims.")
        parser.add_argument(
            "--user", default="researcher", help="Username recorded as the author of the records created."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count, write nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        fmt = options["format"] or path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(
                f"Cannot tell the format of {path.name!r}; pass --format json or --format csv."
            )
        if fmt == "csv" and not options["article"]:
            raise CommandError("A CSV import needs --article (the id or URL of the article).")
        if fmt == "json" and options["article"]:
            raise CommandError("--article applies only to a CSV import.")
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {options['user']!r}; pass --user.") from exc
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc

        try:
            with command_context("import_claims"):
                if fmt == "csv":
                    article = find_article(options["article"])
                    result = import_csv(raw=raw, article=article, user=user, dry_run=options["dry_run"])
                else:
                    document = parse_json_bytes(raw)
                    result = import_document(document=document, user=user, dry_run=options["dry_run"])
        except ImportRefused as exc:
            for item in exc.error_items():
                self.stderr.write(f"{item['field'] or '(file)'}: {item['message']} [{item['code']}]")
            raise CommandError(exc.message) from exc
        except (InvalidInput, Forbidden) as exc:
            raise CommandError(exc.message) from exc

        verb = "Would import" if result["dry_run"] else "Imported"
        parts = []
        for section in SECTIONS:
            counts = result["counts"][section]
            parts.append(
                f"{section}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        self.stdout.write(self.style.SUCCESS(f"{verb} {path.name}. " + "; ".join(parts) + "."))
