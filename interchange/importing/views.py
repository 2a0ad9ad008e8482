"""``POST /api/v1/import/``: a JSON document, or a CSV of one article's claims (interchange.importing)."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exception_handler import error_body
from core.errors import InvalidInput
from interchange.importing.importer import find_article, import_csv, import_document
from interchange.importing.problems import ImportRefused, Problem
from interchange.importing.reading import CSV_MEDIA_TYPE, parse_json_bytes, read_upload
from interchange.importing.serializers import (
    ImportDocumentSerializer,
    ImportErrorSerializer,
    ImportFormatsSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
)

TRUE, FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no", ""})


class RawParser(parsers.BaseParser):
    """Hands the raw bytes on: interchange.importing.reading decodes them, so it can name a wrong encoding
    or a JSON syntax error in its own terms. (DRF's JSONParser would be handed
    ``request.body``, capped by DATA_UPLOAD_MAX_MEMORY_SIZE; an import has its own cap,
    IMPORT_MAX_BYTES, enforced by api.middleware.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class ImportJSONParser(RawParser):
    media_type = "application/json"


class CSVParser(RawParser):
    media_type = CSV_MEDIA_TYPE


def _refusal(exc: ImportRefused) -> Response:
    body = error_body(400, "invalid", exc.message, exc.error_items(), error_count=len(exc.problems))
    return Response(body, status=400)


def _as_refusal(exc: InvalidInput) -> ImportRefused:
    fields = [name for name in exc.errors if name != "__all__"]
    return ImportRefused([Problem(None, None, fields[0] if fields else None, exc.code, exc.message)])


def _dry_run(request) -> bool:
    value = request.query_params.get("dry_run", "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InvalidInput("Give true or false.", field="dry_run", code="invalid")


CSV_EXAMPLE = (
    "statement,quote,quote_start,claimant,claim_date\n"
    'The attack involved 21 rockets.,"The attack involved 21 rockets.",,U.S. Central Command,2020-12-23\n'
)


def _indented(text: str) -> str:
    """A Markdown code block (indented; the API docs show no code fences)."""
    return "".join(f"    {line}\n" for line in text.splitlines())


class ImportView(APIView):
    """Researchers and reviewers import; the history of every record written names the door
    (``api``) and the import's URL, like any other write."""

    page_titles = "Import"

    parser_classes = [ImportJSONParser, CSVParser, parsers.MultiPartParser]
    # The browsable API's upload form (api/renderers.py).
    serializer_class = ImportUploadSerializer
    # Every refusal of a file, a conflict with stored records included, is a 400 listing the rows.
    error_codes = {"POST": {"400", "401", "403", "413", "415"}, "GET": {"401", "403"}}

    @extend_schema(
        operation_id="import_formats",
        summary="What the import accepts",
        description="The media types `POST` on this address accepts and the largest body it takes. "
        "In a browser this page is the import form.",
        responses={200: ImportFormatsSerializer},
    )
    def get(self, request):
        body = {
            "media_types": [parser.media_type for parser in self.parser_classes],
            "max_bytes": settings.IMPORT_MAX_BYTES,
        }
        return Response(ImportFormatsSerializer(body).data)

    @extend_schema(
        operation_id="import_create",
        summary="Import publishers, sources, articles, claims and citations",
        description=(
            "All or nothing, and idempotent: every row is validated first and every problem is "
            "listed (400, with `section`, 1-based `row` and `field` for each, e.g. "
            "`claims[12].quote`, or `line 13: quote` in a CSV); then everything is written in one "
            "transaction through the same rules as the rest of the API. Rows are matched with stored "
            "records by natural key: publisher by name (letter case ignored); source by normalised "
            "URL, else identifier, else title and publisher; article by normalised URL, else title "
            "and byline; claim by article, quote and quote_start; citation by claim, source and role. "
            "A stored record equal to its row is left alone, one that differs is updated (fields "
            "left out of a row are kept), so importing the same file again changes nothing.\n\n"
            "**application/json**: a document with the sections `publishers`, `sources`, "
            "`articles`, `claims`, `citations` (each optional). Rows refer to each other by a "
            "client `key` (sources, articles, claims), by natural key (a publisher's name, a "
            "source's or article's URL, a source's identifier) or by the id of a stored record.\n\n"
            "**text/csv**: claims of the stored article named by `article`, UTF-8, with a header row "
            "naming some of `statement, quote, quote_start, claimant, claim_date` (`statement` and "
            "`quote` required), for example:\n\n" + _indented(CSV_EXAMPLE) + "\n"
            "**multipart/form-data**: either of the two as an uploaded `file` (a browser's form), read "
            "as CSV when its name ends in `.csv` or its type is `text/csv`, else as JSON; `article` "
            "may then be a form field.\n\n"
            "The body may be up to `IMPORT_MAX_BYTES` (20 MiB by default). Status is never imported."
        ),
        parameters=[
            OpenApiParameter(
                "article",
                OpenApiTypes.STR,
                description="For `text/csv` only (and required then): id or URL of the stored article "
                "the claims belong to.",
            ),
            OpenApiParameter(
                "dry_run",
                OpenApiTypes.BOOL,
                description="Validate and count what would change, but write nothing.",
            ),
        ],
        # text/csv is described above rather than listed here: generated clients
        # (openapi-python-client) cannot send it and warn; they send a CSV as the upload's `file`.
        request={
            "application/json": ImportDocumentSerializer,
            "multipart/form-data": ImportUploadSerializer,
        },
        responses={
            200: OpenApiResponse(ImportResultSerializer, description="Imported (or, with dry_run, checked)."),
            400: OpenApiResponse(
                ImportErrorSerializer,
                description="The file was refused and nothing was written; `errors` lists every "
                "problem found (up to 1000) by section, row and field.",
            ),
        },
    )
    def post(self, request):
        try:
            return self._import(request)
        except ImportRefused as exc:
            return _refusal(exc)
        except InvalidInput as exc:
            return _refusal(_as_refusal(exc))

    def _import(self, request) -> Response:
        dry_run = _dry_run(request)
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        article_ref = request.query_params.get("article")
        if media_type == "multipart/form-data":
            is_csv, raw, article_ref = read_upload(request, article_ref)
        else:
            is_csv = media_type == CSV_MEDIA_TYPE
            data = request.data
            # DRF hands an empty body over as an empty dict, without asking the parser.
            raw = data if isinstance(data, bytes) else b""
        if not is_csv and article_ref:
            raise InvalidInput("article applies only to a CSV file.", field="article", code="invalid")
        article = find_article(article_ref) if is_csv else None
        if is_csv:
            result = import_csv(raw=raw, article=article, user=request.user, dry_run=dry_run)
        else:
            document = parse_json_bytes(raw)
            result = import_document(document=document, user=request.user, dry_run=dry_run)
        return Response(result)
