from rest_framework import serializers

from api.serializers import ModelSerializer, StrictCharField
from claims.history import Door, HistoryKind
from claims.models import Article, Citation, Claim, Status
from claims.selectors import live_articles, live_claims
from core.concurrency import version_field
from sources.selectors import live_sources
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
            "claim_count", "created_by", "created_at", "updated_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ArticleListSerializer(ArticleSerializer):
    """An article in a list: everything but its ``body``, which can be up to
    MAX_BODY_LENGTH characters (a page of 200 would be tens of megabytes). The detail
    (``/articles/{id}/``) has the body."""

    class Meta(ArticleSerializer.Meta):
        fields = [name for name in ArticleSerializer.Meta.fields if name != "body"]
        read_only_fields = fields


class ArticleWriteSerializer(ModelSerializer):
    version = version_field()

    class Meta:
        model = Article
        fields = ["title", "url", "byline", "publisher", "published_on", "language", "body", "version"]
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
            "version",
        ]
        read_only_fields = fields


# A claim as the API shows it: the contract (a comment, not a docstring, which the schema would
# show). The OpenAPI schema is read from it; the endpoints' JSON is written by claims.rendering,
# which tests/claims/test_rendering.py checks against DRF's rendering through this serializer,
# field by field. It reads a claim from selectors.claim_list() without a query per row.
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
            "status", "citation_count", "citations", "independent_support", "independent_contradiction",
            "created_by", "created_at", "updated_at", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_citation_count(self, claim: Claim) -> int:
        # Counts the prefetched list: no query per row.
        return len(claim.citations.all())


class ClaimWriteSerializer(ModelSerializer):
    """``quote`` must be the article's exact words; give ``quote_start`` to pin an occurrence,
    or leave it out to have it computed. ``quote_end`` is derived, so read-only."""

    quote_start = serializers.IntegerField(
        min_value=0,
        max_value=MAX_BODY_LENGTH,
        required=False,
        allow_null=True,
        help_text="Offset of the quote in the article body; computed when left out.",
    )
    quote_end = serializers.IntegerField(
        read_only=True,
        help_text="Offset just past the quote, computed by the server (quote_start + the quote's "
        "length). A request may leave it out; one that sends it must send that value (400 otherwise).",
    )

    version = version_field()

    class Meta:
        model = Claim
        fields = [
            "article", "statement", "quote", "quote_start", "quote_end", "claimant", "claim_date", "version",
        ]  # fmt: skip
        extra_kwargs = {
            # An article in the trash is unknown here (400 "does not exist").
            "article": {"queryset": live_articles()},
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
            "added_by", "added_at", "updated_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class CitationWriteSerializer(ModelSerializer):
    version = version_field()

    class Meta:
        model = Citation
        fields = ["claim", "source", "role", "stance", "quote", "locator", "note", "version"]
        validators = []
        extra_kwargs = {
            # Claims and sources in the trash are unknown here (400 "does not exist").
            "claim": {"queryset": live_claims()},
            "source": {"queryset": live_sources()},
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
        style={"base_template": "textarea.html"},
        help_text="Why; required when giving or reopening a verdict.",
    )
    version = version_field()


class TransitionMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="A status the claim may be moved to.")
    label = serializers.CharField(help_text="The status as a person reads it.")
    rationale_required = serializers.BooleanField(
        help_text="Whether the move needs a `rationale` (giving or reopening a verdict)."
    )
    citation_stance_required = serializers.ChoiceField(
        choices=Citation.Stance.choices,
        allow_null=True,
        help_text="The stance of the citation the claim must have for this verdict (`supports` for "
        "`verified` and `partly_verified`, `contradicts` for `refuted`); null if none is needed.",
    )
    text = serializers.CharField(help_text="What the move needs, in words (e.g. “Needs a rationale.”).")


class TransitionOptionsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="The claim's current status.")
    version = serializers.IntegerField(help_text="The claim's current version: send it back as `version`.")
    moves = TransitionMoveSerializer(
        many=True,
        help_text="The statuses you may move the claim to from its current one, with what each needs.",
    )


class HistoryFieldChangeSerializer(serializers.Serializer):
    before = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="The stored value before the change (ids for links); absent for a creation.",
    )
    after = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="The stored value after the change (ids for links); absent for a removal.",
    )

    def to_representation(self, instance):
        # A creation has no value before and a removal none after: the key is left out.
        return {key: instance[key] for key in ("before", "after") if key in instance}


class ClaimHistoryEntrySerializer(serializers.Serializer):
    """One entry of a claim's history: a status change, an edit of the claim or of one of its
    citations, or a same-claim link recorded or removed, as recorded by the database."""

    at = serializers.DateTimeField(help_text="When it happened.")
    kind = serializers.ChoiceField(
        choices=HistoryKind.choices,
        help_text="What happened: a status change, the claim or one of its citations being "
        "created, changed, deleted or restored, or a same-claim link of the claim recorded or removed.",
    )
    user = serializers.CharField(
        allow_null=True, help_text="Username of whoever made the change; null if unknown (e.g. a script)."
    )
    door = serializers.ChoiceField(
        choices=Door.choices,
        allow_null=True,
        help_text="How the change came in: `api`, `admin` or `command`; null if unknown.",
    )
    citation = serializers.IntegerField(
        allow_null=True, help_text="Id of the citation concerned; null for entries about the claim."
    )
    same_as = serializers.IntegerField(
        allow_null=True,
        help_text="For a same-claim link recorded or removed: id of the other claim of the link; else null.",
    )
    changes = serializers.DictField(
        child=HistoryFieldChangeSerializer(),
        help_text="The fields that changed, each with its value `before` and `after`. A creation "
        "has only `after`, a removal only `before`. Empty for status changes.",
    )
    from_status = serializers.ChoiceField(
        choices=Status.choices, allow_null=True, help_text="Status before a status change; else null."
    )
    to_status = serializers.ChoiceField(
        choices=Status.choices, allow_null=True, help_text="Status after a status change; else null."
    )
    rationale = serializers.CharField(
        allow_null=True, help_text="Why the status changed (may be empty); null for other entries."
    )
