"""The shapes of an import document (interchange.importing): one serializer per section row, and the
document and the answer as the OpenAPI schema shows them.

Rows name each other by natural keys or client keys, never only by database ids, so the
reference fields are plain values here; the sections (interchange.importing.sections) resolve
them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.schema import ErrorItemSerializer, ErrorSerializer
from api.serializers import ModelSerializer, StrictCharField
from claims.models import Article, Citation, Claim
from claims.serializers import MAX_BODY_LENGTH, MAX_TEXT_LENGTH
from sources.countries import validate_country
from sources.models import Publisher, Source

KEY_MAX_LENGTH = 200
REF_MAX_LENGTH = 2000
MAX_RELIES_ON = 200


class RefusingUnknownFieldsMixin:
    """A misspelt field name would otherwise be dropped silently: refuse it."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {
                str(key): [serializers.ErrorDetail("Unknown field.", code="unknown_field")]
                for key in data
                if key not in self.fields
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise serializers.ValidationError("This field may not be blank.", code="blank")
    return value.strip()


def key_field(what: str) -> StrictCharField:
    return StrictCharField(
        required=False,
        max_length=KEY_MAX_LENGTH,
        help_text=f"Your own name for this {what}, unique within its section, by which other rows of "
        "the document may refer to it. Not stored.",
    )


def publisher_name_field() -> StrictCharField:
    return StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=200,
        help_text="Name of the publisher (in this document or stored); null or empty for none.",
    )


@extend_schema_field({"oneOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 1}]})
class RefField(serializers.Field):
    """A reference to another record: a string (a client ``key`` or a natural key) or the
    integer id of a record already stored. Returned as ``str`` or ``int``."""

    default_error_messages = {"invalid": "Give a non-empty string or a positive integer id."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            if data < 1 or data > 2_147_483_647:
                self.fail("invalid")
            return data
        if isinstance(data, str) and data.strip() and len(data) <= REF_MAX_LENGTH:
            return data.strip()
        self.fail("invalid")

    def to_representation(self, value):
        return value


class ClaimNaturalKeySerializer(RefusingUnknownFieldsMixin, serializers.Serializer):
    article = RefField(help_text="The claim's article: its `key` in this document, its URL, or its id.")
    quote = StrictCharField(
        max_length=MAX_TEXT_LENGTH, trim_whitespace=False, help_text="The claim's exact quote."
    )
    quote_start = serializers.IntegerField(
        min_value=0,
        max_value=MAX_BODY_LENGTH,
        required=False,
        allow_null=True,
        help_text="Offset of the quote; needed only when the quote occurs more than once.",
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "minLength": 1},
            {"type": "integer", "minimum": 1},
            {
                "type": "object",
                "properties": {
                    "article": {
                        "oneOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 1}]
                    },
                    "quote": {"type": "string", "minLength": 1},
                    "quote_start": {"type": "integer", "minimum": 0, "nullable": True},
                },
                "required": ["article", "quote"],
                "additionalProperties": False,
            },
        ]
    }
)
class ClaimRefField(RefField):
    """A claim: its ``key`` in the document, the id of a stored claim, or its natural key
    ``{"article", "quote", "quote_start"}``. Returned as ``str``, ``int`` or ``dict``."""

    default_error_messages = {
        "invalid": "Give a claim key, a claim id, or an object with article, quote and quote_start."
    }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            nested = ClaimNaturalKeySerializer(data=data)
            if not nested.is_valid():
                raise serializers.ValidationError(nested.errors)
            return dict(nested.validated_data)
        return super().to_internal_value(data)


class PublisherImportSerializer(RefusingUnknownFieldsMixin, ModelSerializer):
    """A publisher, named by its name (letter case ignored)."""

    class Meta:
        model = Publisher
        fields = ["name", "kind", "country", "url"]
        validators = []
        extra_kwargs = {"url": {"validators": []}}

    def validate_name(self, value: str) -> str:
        return _not_blank(value)

    def validate_country(self, value: str) -> str:
        return validate_country(value)


class SourceImportSerializer(RefusingUnknownFieldsMixin, ModelSerializer):
    """A source, named by its URL, else its identifier, else its title and publisher."""

    key = key_field("source")
    publisher = publisher_name_field()
    relies_on = serializers.ListField(
        child=RefField(),
        required=False,
        max_length=MAX_RELIES_ON,
        help_text="Sources this one depends on: keys, URLs or identifiers of sources in this document "
        "or stored, or ids of stored sources. Replaces the stored list when given.",
    )

    class Meta:
        model = Source
        fields = [
            "key", "kind", "title", "publisher", "authors", "url", "archived_url", "published_on",
            "accessed_on", "identifier", "language", "summary", "relies_on",
        ]  # fmt: skip
        validators = []
        extra_kwargs = {
            "summary": {"max_length": MAX_TEXT_LENGTH},
            "url": {"validators": []},
            "archived_url": {"validators": []},
        }

    def validate_title(self, value: str) -> str:
        return _not_blank(value)


class ArticleImportSerializer(RefusingUnknownFieldsMixin, ModelSerializer):
    """An article, named by its URL, else by its title and byline."""

    key = key_field("article")
    publisher = publisher_name_field()

    class Meta:
        model = Article
        fields = ["key", "title", "url", "byline", "publisher", "published_on", "language", "body"]
        validators = []
        extra_kwargs = {
            "body": {"max_length": MAX_BODY_LENGTH, "trim_whitespace": False},
            "url": {"validators": []},
        }

    def validate_title(self, value: str) -> str:
        return _not_blank(value)


class ClaimImportSerializer(RefusingUnknownFieldsMixin, ModelSerializer):
    """A claim, named by its article, quote and quote_start."""

    key = key_field("claim")
    article = RefField(
        help_text="The article: its `key` in this document, its URL, or the id of a stored one."
    )
    quote_start = serializers.IntegerField(
        min_value=0,
        max_value=MAX_BODY_LENGTH,
        required=False,
        allow_null=True,
        help_text="Offset of the quote in the article body; computed when left out (the quote must "
        "then occur exactly once).",
    )

    class Meta:
        model = Claim
        fields = ["key", "article", "statement", "quote", "quote_start", "claimant", "claim_date"]
        extra_kwargs = {
            "statement": {"max_length": MAX_TEXT_LENGTH},
            "quote": {"max_length": MAX_TEXT_LENGTH, "trim_whitespace": False},
        }

    def validate_statement(self, value: str) -> str:
        return _not_blank(value)


class CitationImportSerializer(RefusingUnknownFieldsMixin, ModelSerializer):
    """A citation, named by its claim, source and role."""

    claim = ClaimRefField(
        help_text="The claim: its `key` in this document, the id of a stored claim, or "
        '`{"article", "quote", "quote_start"}`.'
    )
    source = RefField(
        help_text="The source: its `key` in this document, its URL, its identifier, or the id of a "
        "stored one."
    )

    class Meta:
        model = Citation
        fields = ["claim", "source", "role", "stance", "quote", "locator", "note"]
        validators = []
        extra_kwargs = {
            "quote": {"max_length": MAX_TEXT_LENGTH},
            "note": {"max_length": MAX_TEXT_LENGTH},
        }


class ImportDocumentSerializer(serializers.Serializer):
    """The whole document (for the schema; interchange.importing.reading validates it row by row)."""

    publishers = PublisherImportSerializer(many=True, required=False, help_text="Publishers.")
    sources = SourceImportSerializer(many=True, required=False, help_text="Sources.")
    articles = ArticleImportSerializer(many=True, required=False, help_text="Articles.")
    claims = ClaimImportSerializer(many=True, required=False, help_text="Claims.")
    citations = CitationImportSerializer(many=True, required=False, help_text="Citations.")


class ImportCountSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Records created.")
    updated = serializers.IntegerField(help_text="Stored records changed to match the file.")
    unchanged = serializers.IntegerField(help_text="Stored records already equal to the file.")


class ImportCountsSerializer(serializers.Serializer):
    publishers = ImportCountSerializer(help_text="Publishers.")
    sources = ImportCountSerializer(help_text="Sources.")
    articles = ImportCountSerializer(help_text="Articles.")
    claims = ImportCountSerializer(help_text="Claims.")
    citations = ImportCountSerializer(help_text="Citations.")


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(help_text="True if nothing was written (`dry_run=true`).")
    counts = ImportCountsSerializer(help_text="What the import did (or would do), per record type.")


class ImportErrorItemSerializer(ErrorItemSerializer):
    section = serializers.CharField(
        allow_null=True,
        help_text="`publishers`, `sources`, `articles`, `claims`, `citations`, or `csv`; null when "
        "the error concerns the whole file.",
    )
    row = serializers.IntegerField(
        allow_null=True,
        help_text="1-based position of the row in its section, or the CSV line number; null when "
        "the error concerns the whole file or section.",
    )


class ImportErrorSerializer(ErrorSerializer):
    errors = ImportErrorItemSerializer(
        many=True, help_text="Every problem found (up to 1000), each naming its row and field."
    )
    error_count = serializers.IntegerField(help_text="How many problems were found in all.")


class ImportUploadSerializer(serializers.Serializer):
    """The import as a file upload (``multipart/form-data``), as a browser's form sends it."""

    file = serializers.FileField(
        help_text="The file to import: a JSON document (`.json`), or a CSV of one article's claims "
        "(`.csv`, or sent as `text/csv`), as the JSON and CSV bodies of this operation."
    )
    article = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="For a CSV file only (and required then): id or URL of the stored article the claims "
        "belong to. The `article` query parameter may be used instead.",
    )


class ImportFormatsSerializer(serializers.Serializer):
    media_types = serializers.ListField(
        child=serializers.CharField(), help_text="The body types an import may be sent as."
    )
    max_bytes = serializers.IntegerField(help_text="The largest body an import may have, in bytes.")
