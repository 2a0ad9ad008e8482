import django_filters

from api.filter_backends import range_filters
from sources.models import Publisher, Source


class PublisherFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=Publisher.Kind.choices, help_text="Only these kinds (repeat the parameter for several)."
    )
    country = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = Publisher
        fields = ["kind", "country"]


class SourceFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=Source.Kind.choices, help_text="Only these kinds (repeat the parameter for several)."
    )
    publisher = django_filters.ModelChoiceFilter(
        queryset=Publisher.objects.all(), help_text="Only sources of this publisher (id)."
    )
    published_after, published_before = range_filters("published_on", "Published")

    class Meta:
        model = Source
        fields = ["kind", "publisher", "published_after", "published_before"]
