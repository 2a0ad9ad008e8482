"""Read querysets for publishers and sources, with what their serializers need."""

from django.db.models import Prefetch, QuerySet

from sources.models import Publisher, Source


def publisher_list() -> QuerySet[Publisher]:
    return Publisher.objects.all()


def live_sources() -> QuerySet[Source]:
    """Sources not in the trash: the only ones lists, lookups and id fields know."""
    return Source.objects.filter(deleted_at__isnull=True)


def trashed_sources() -> QuerySet[Source]:
    return Source.objects.filter(deleted_at__isnull=False)


def source_list() -> QuerySet[Source]:
    # A live source never relies on a trashed one (the services refuse it), so relies_on
    # needs no filter of its own.
    return (
        live_sources()
        .select_related("publisher")
        .prefetch_related(
            Prefetch("relies_on", queryset=Source.objects.select_related("publisher").order_by("id"))
        )
    )
