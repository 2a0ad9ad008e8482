from rest_framework import serializers

from claims.models import Article, Citation, Claim, Status, StatusChange
from config.serializers import ModelSerializer, StrictCharField
from sources.serializers import PublisherSummarySerializer, SourceSummarySerializer

MAX_BODY_LENGTH = 500_000
MAX_TEXT_LENGTH = 20_000


class ArticleSerializer(ModelSerializer):
    publisher = PublisherSummarySerializer(
        read_only=True, allow_null=True, help_text="Who published the article."
    )
    claim_count = serializers.IntegerField(
        read_only=True, help_text="How many claims are recorded in the article."
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of whoever created the record."
    )

    class Meta:
        model = Article
        fields = [
            "id", "title", "url", "byline", "publisher", "published_on", "language", "body",
            "claim_count", "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ArticleWriteSerializer(ModelSerializer):
    class Meta:
        model = Article
        fields = ["title", "url", "byline", "publisher", "published_on", "language", "body"]
        validators = []
        # URL uniqueness is checked by the service on the normalised URL, which answers 409.
        extra_kwargs = {
            "body": {"max_length": MAX_BODY_LENGTH, "trim_whitespace": False},
            "url": {"validators": []},
        }

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()


class ArticleSummarySerializer(ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "url"]
        read_only_fields = fields


class ClaimCitationSerializer(ModelSerializer):
    """A citation as nested in its claim."""

    source = SourceSummarySerializer(read_only=True, help_text="The source cited, in brief.")
    added_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of whoever added the citation."
    )

    class Meta:
        model = Citation
        fields = [
            "id",
            "source",
            "role",
            "stance",
            "quote",
            "locator",
            "note",
            "added_by",
            "added_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClaimSerializer(ModelSerializer):
    article = ArticleSummarySerializer(read_only=True, help_text="The article making the claim, in brief.")
    citations = ClaimCitationSerializer(many=True, read_only=True, help_text="Sources cited for the claim.")
    citation_count = serializers.SerializerMethodField(help_text="Number of citations.")
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of whoever recorded the claim."
    )

    class Meta:
        model = Claim
        fields = [
            "id", "article", "statement", "quote", "quote_start", "quote_end", "claimant", "claim_date",
            "status", "citation_count", "citations", "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_citation_count(self, claim: Claim) -> int:
        # Counts the prefetched list: no query per row.
        return len(claim.citations.all())


class ClaimWriteSerializer(ModelSerializer):
    """``quote`` must be the article's exact words; give ``quote_start`` (and optionally
    ``quote_end``) to pin an occurrence, or leave them out to have them computed."""

    quote_start = serializers.IntegerField(
        min_value=0,
        max_value=MAX_BODY_LENGTH,
        required=False,
        allow_null=True,
        help_text="Offset of the quote in the article body; computed when left out.",
    )
    quote_end = serializers.IntegerField(
        min_value=1,
        max_value=MAX_BODY_LENGTH,
        required=False,
        allow_null=True,
        help_text="Offset just past the quote; computed when left out.",
    )

    class Meta:
        model = Claim
        fields = ["article", "statement", "quote", "quote_start", "quote_end", "claimant", "claim_date"]
        extra_kwargs = {
            "statement": {"max_length": MAX_TEXT_LENGTH},
            "quote": {"max_length": MAX_TEXT_LENGTH, "trim_whitespace": False},
        }

    def validate_statement(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()


class CitationSerializer(ModelSerializer):
    """A citation as read from /citations/."""

    claim = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the claim.")
    source = SourceSummarySerializer(read_only=True, help_text="The source cited, in brief.")
    added_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of whoever added the citation."
    )

    class Meta:
        model = Citation
        fields = [
            "id", "claim", "source", "role", "stance", "quote", "locator", "note",
            "added_by", "added_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CitationWriteSerializer(ModelSerializer):
    class Meta:
        model = Citation
        fields = ["claim", "source", "role", "stance", "quote", "locator", "note"]
        validators = []
        extra_kwargs = {
            "quote": {"max_length": MAX_TEXT_LENGTH},
            "note": {"max_length": MAX_TEXT_LENGTH},
        }


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="The status to move the claim to.")
    rationale = StrictCharField(
        max_length=MAX_TEXT_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required when giving or reopening a verdict.",
    )


class StatusChangeSerializer(ModelSerializer):
    changed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of whoever changed the status."
    )

    class Meta:
        model = StatusChange
        fields = ["id", "claim", "from_status", "to_status", "rationale", "changed_by", "changed_at"]
        read_only_fields = fields
