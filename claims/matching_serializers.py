"""Input and output of claim matching (``/claims/{id}/similar/``, ``/claims/match/``) and the
answer to creating a claim, which lists its likely duplicates."""

import math

from rest_framework import serializers

from api.serializers import StrictCharField
from claims.matching import (
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    DUPLICATE_THRESHOLD,
    MAX_LIMIT,
    MAX_TEXT_LENGTH,
    MIN_THRESHOLD,
)
from claims.models import Status
from claims.serializers import ArticleSummarySerializer, ClaimSerializer

MIN_SCORE_HELP = (
    f"Only claims scoring at least this ({MIN_THRESHOLD:g} to 1; default {DEFAULT_THRESHOLD:g}, which "
    "returns the ranking). The score estimates the probability that the claim is the one the text "
    f"states; {DUPLICATE_THRESHOLD:g} is the threshold of `likely_duplicates`."
)
LIMIT_HELP = f"How many claims to return at most (1 to {MAX_LIMIT}; default {DEFAULT_LIMIT})."


class StrictIntegerField(serializers.IntegerField):
    """A whole number: in a JSON body a boolean or a float like 2.5 is refused rather than
    turned into 1 or 2."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        return super().to_internal_value(data)


class FiniteFloatField(serializers.FloatField):
    """A number; "nan" and "inf" are refused (they would slip past the range checks)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class _MatchOptionsSerializer(serializers.Serializer):
    limit = StrictIntegerField(
        min_value=1, max_value=MAX_LIMIT, required=False, default=DEFAULT_LIMIT, help_text=LIMIT_HELP
    )
    min_score = FiniteFloatField(
        min_value=MIN_THRESHOLD,
        max_value=1,
        required=False,
        default=DEFAULT_THRESHOLD,
        help_text=MIN_SCORE_HELP,
    )


class ClaimSimilarQuerySerializer(_MatchOptionsSerializer):
    """Query parameters of ``GET /claims/{id}/similar/``."""


class ClaimMatchTextSerializer(_MatchOptionsSerializer):
    text = StrictCharField(
        max_length=MAX_TEXT_LENGTH,
        help_text=f"The text to match, e.g. a claim's statement: a JSON string of 1 to {MAX_TEXT_LENGTH} "
        "characters once surrounding whitespace is removed. A text with no letter or digit matches "
        "nothing (an empty list).",
    )


class ClaimMatchSerializer(serializers.Serializer):
    """A claim found by matching, with its score."""

    id = serializers.IntegerField(source="claim.id", help_text="Id of the claim.")
    statement = serializers.CharField(
        source="claim.statement", help_text="The claim restated as one neutral sentence."
    )
    status = serializers.ChoiceField(
        source="claim.status", choices=Status.choices, help_text="The claim's verification status."
    )
    article = ArticleSummarySerializer(source="claim.article", help_text="The article making the claim.")
    similarity = serializers.FloatField(
        min_value=0,
        max_value=1,
        help_text="The match score, from 0 to 1, rounded to 3 decimals: an estimate of the probability "
        "that this claim is the one the text states (fitted on the CLEF-2020 CheckThat! fact-checked "
        "claims; 0.5 is even odds). It combines the words the two share weighted by their rarity, "
        "trigram similarity, shared numbers and names, and the claim's article headline.",
    )
    confirmed = serializers.SerializerMethodField(
        help_text="Whether a researcher recorded this claim as the same claim (see "
        "`/claims/{id}/same-as/`): in `/similar/`, as the claim asked about; in `/match/`, as "
        "another result of the answer. Always false in `likely_duplicates` (a new claim has no "
        "link yet)."
    )

    def get_confirmed(self, match) -> bool:
        return match.claim.pk in self.context.get("confirmed_ids", ())


class ClaimMatchResultSerializer(serializers.Serializer):
    min_score = serializers.FloatField(
        help_text="The lowest score a result could have, but for the confirmed equivalents "
        "that `/similar/` lists first."
    )
    results = ClaimMatchSerializer(
        many=True,
        help_text="The claims most probably stating the text, best first (ties by id); empty only "
        "when no claim shares a word or enough letters with the text.",
    )


class ClaimCreatedSerializer(ClaimSerializer):
    """The claim just recorded, with the claims that probably say the same thing."""

    likely_duplicates = ClaimMatchSerializer(
        many=True,
        read_only=True,
        help_text=f"Other claims, in any article, whose match score against the new claim's statement "
        f"is at least {DUPLICATE_THRESHOLD:g} (a threshold chosen for precision), best first (at most "
        f"{DEFAULT_LIMIT}); empty when there are none. Only in the answer to a create.",
    )

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "likely_duplicates"]
        read_only_fields = fields
