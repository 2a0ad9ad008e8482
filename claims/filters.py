import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api.filter_backends import range_filters
from claims.models import Article, Citation, Claim, Status
from claims.selectors import live_articles, live_claims
from sources.models import Publisher
from sources.selectors import live_sources

MAX_COUNT = 2_147_483_647  # the column's upper bound


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """An id that must name an existing record (400 otherwise)."""


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_COUNT, "example": 1})
class CountFilter(django_filters.NumberFilter):
    """A whole number of at least 0 (400 naming the parameter otherwise)."""

    field_class = forms.IntegerField


def count_filters(field_name: str, what: str) -> tuple:
    """The ``<name>_min`` / ``<name>_max`` pair (both inclusive) for one stored count."""
    bounds = {"field_name": field_name, "min_value": 0, "max_value": MAX_COUNT}
    return (
        CountFilter(lookup_expr="gte", help_text=f"At least this many {what}.", **bounds),
        CountFilter(lookup_expr="lte", help_text=f"At most this many {what}.", **bounds),
    )


class ArticleFilter(django_filters.FilterSet):
    publisher = django_filters.ModelChoiceFilter(
        queryset=Publisher.objects.all(), help_text="Only articles of this publisher (id)."
    )
    published_after, published_before = range_filters("published_on", "Published")

    class Meta:
        model = Article
        fields = ["publisher", "published_after", "published_before"]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="Only claims with one of these statuses (repeat the parameter)."
    )
    # Ids of records in the trash are unknown (400), like ids that never existed.
    article = django_filters.ModelChoiceFilter(
        queryset=live_articles(), help_text="Only claims of this article (id)."
    )
    claimant = django_filters.CharFilter(
        lookup_expr="icontains", help_text="Claimant contains this text (case-insensitive)."
    )
    source = IdFilter(
        queryset=live_sources(),
        method="filter_source",
        label="Cites source",
        help_text="Only claims citing this source (id).",
    )
    publisher = IdFilter(
        queryset=Publisher.objects.all(),
        method="filter_publisher",
        label="Cites a source of publisher",
        help_text="Only claims citing a source of this publisher (id).",
    )
    created_after, created_before = range_filters("created_at", "Created", with_time=True)
    updated_after, updated_before = range_filters("updated_at", "Last changed", with_time=True)
    independent_support_min, independent_support_max = count_filters(
        "independent_support", "independent origins supporting the claim"
    )
    independent_contradiction_min, independent_contradiction_max = count_filters(
        "independent_contradiction", "independent origins contradicting the claim"
    )

    class Meta:
        model = Claim
        fields = [
            "status",
            "article",
            "claimant",
            "source",
            "publisher",
            "created_after",
            "created_before",
            "updated_after",
            "updated_before",
            "independent_support_min",
            "independent_support_max",
            "independent_contradiction_min",
            "independent_contradiction_max",
        ]

    def filter_source(self, queryset, name, value):
        # EXISTS keeps one row per claim however many citations match.
        if value is None:
            return queryset
        return queryset.filter(Exists(Citation.objects.filter(claim=OuterRef("pk"), source=value)))

    def filter_publisher(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(Citation.objects.filter(claim=OuterRef("pk"), source__publisher=value)))


class CitationFilter(django_filters.FilterSet):
    claim = django_filters.ModelChoiceFilter(
        queryset=live_claims(), help_text="Only citations of this claim (id)."
    )
    source = django_filters.ModelChoiceFilter(
        queryset=live_sources(), help_text="Only citations of this source (id)."
    )
    role = django_filters.ChoiceFilter(choices=Citation.Role.choices, help_text="Only this role.")
    stance = django_filters.ChoiceFilter(choices=Citation.Stance.choices, help_text="Only this stance.")

    class Meta:
        model = Citation
        fields = ["claim", "source", "role", "stance"]
