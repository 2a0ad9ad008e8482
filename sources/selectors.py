"""Read querysets for publishers and sources, with what their serializers need."""

from django.db.models import Prefetch, QuerySet

from sources.models import Publisher, Source


def publisher_list() -> QuerySet[Publisher]:
    return Publisher.objects.all()


def source_list() -> QuerySet[Source]:
    return Source.objects.select_related("publisher").prefetch_related(
        Prefetch("relies_on", queryset=Source.objects.select_related("publisher").order_by("id"))
    )
