from rest_framework import serializers

from api.serializers import IdRelatedField, ModelSerializer
from core.concurrency import version_field
from sources.countries import validate_country
from sources.models import Publisher, Source
from sources.selectors import live_sources


class PublisherSerializer(ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name", "kind", "country", "url", "created_at", "updated_at", "version"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the service, which answers 409

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()

    def validate_country(self, value: str) -> str:
        return validate_country(value)


class PublisherWriteSerializer(PublisherSerializer):
    """A publisher as written: the same fields, and the version the edit is based on."""

    version = version_field()


class PublisherSummarySerializer(ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name", "kind", "country"]
        read_only_fields = fields


class SourceSummarySerializer(ModelSerializer):
    """A source in brief, as nested in claims, citations and other sources."""

    publisher_name = serializers.CharField(
        source="publisher.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Name of the publisher.",
    )

    class Meta:
        model = Source
        fields = ["id", "kind", "title", "publisher_name", "url"]
        read_only_fields = fields


class SourceSerializer(ModelSerializer):
    """A source as read: its publisher and the sources it relies on, in brief."""

    publisher = PublisherSummarySerializer(
        read_only=True, allow_null=True, help_text="Who published the source."
    )
    relies_on = SourceSummarySerializer(many=True, read_only=True, help_text="Sources this one depends on.")

    class Meta:
        model = Source
        fields = [
            "id", "kind", "title", "publisher", "authors", "url", "archived_url", "published_on",
            "accessed_on", "identifier", "language", "summary", "relies_on", "created_at", "updated_at",
            "version",
        ]  # fmt: skip
        read_only_fields = fields


class SourceWriteSerializer(ModelSerializer):
    """A source as written: ``publisher`` and ``relies_on`` are ids."""

    relies_on = IdRelatedField(
        many=True,
        queryset=live_sources(),
        required=False,
        help_text="Ids of the sources this one depends on (a newspaper report on a command's review). "
        "A link that would close a cycle (a source resting, however indirectly, on itself) is refused "
        "with 409 `reliance_cycle`, naming the cycle.",
    )

    version = version_field()

    class Meta:
        model = Source
        fields = [
            "kind", "title", "publisher", "authors", "url", "archived_url", "published_on",
            "accessed_on", "identifier", "language", "summary", "relies_on", "version",
        ]  # fmt: skip
        validators = []
        # URL uniqueness is checked by the service on the normalised URL, which answers 409.
        extra_kwargs = {"summary": {"max_length": 20000}, "url": {"validators": []}}

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()
