"""Input and output of same-claim links (``/claims/{id}/same-as/``) and their entry in the
change feed."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import ModelSerializer, StrictCharField
from claims.models import Claim, SameClaimLink
from claims.selectors import live_claims
from claims.serializers import MAX_TEXT_LENGTH, ArticleSummarySerializer


def recorded_by_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of whoever recorded the link; null if unknown.",
    )


class SameClaimSummarySerializer(ModelSerializer):
    """A claim in brief, as a same-claim link shows it."""

    article = ArticleSummarySerializer(read_only=True, help_text="The article making the claim.")

    class Meta:
        model = Claim
        fields = ["id", "statement", "status", "article"]
        read_only_fields = fields


class ClaimEquivalentSerializer(ModelSerializer):
    """One of a claim's confirmed equivalents: the other claim of a link, and who recorded the
    link and when. Needs ``claim_id`` (the claim whose equivalents are listed) in the context."""

    link = serializers.IntegerField(
        source="id",
        read_only=True,
        help_text="Id of the link. Its ETag, sent as `If-Match` to remove it, is "
        '`"sameclaimlink-<link>-v<version>"`.',
    )
    claim = serializers.SerializerMethodField(help_text="The other claim, which states the same thing.")
    created_by = recorded_by_field()

    class Meta:
        model = SameClaimLink
        fields = ["link", "claim", "note", "created_by", "created_at", "version"]
        read_only_fields = fields

    @extend_schema_field(SameClaimSummarySerializer)
    def get_claim(self, link: SameClaimLink) -> dict:
        # Both claims come with the link (selectors.same_claim_links_of): no query here.
        return SameClaimSummarySerializer(link.other_claim(self.context["claim_id"])).data


class SameClaimLinkWriteSerializer(serializers.Serializer):
    """What recording a link takes: the other claim, and optionally a note."""

    other_claim = serializers.PrimaryKeyRelatedField(
        # A claim in the trash is unknown here (400 "does not exist"), as for citations.
        queryset=live_claims(),
        # A number box in the browsable API, not a list of every claim.
        style={"base_template": "input.html", "input_type": "number"},
        help_text="Id of the claim, in any article, that states the same thing as this one.",
    )
    note = StrictCharField(
        max_length=MAX_TEXT_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the two claims state the same thing (optional).",
    )


class SameClaimLinkSerializer(ModelSerializer):
    """A same-claim link as the change feed shows it: the pair, lower claim id first."""

    claim_a: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Id of the claim with the lower id."
    )
    claim_b: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Id of the claim with the higher id."
    )
    created_by = recorded_by_field()

    class Meta:
        model = SameClaimLink
        fields = ["id", "claim_a", "claim_b", "note", "created_by", "created_at", "version"]
        read_only_fields = fields
