"""Read querysets for publishers and sources, with what their serializers need."""

from collections import defaultdict
from collections.abc import Hashable, Iterable

from django.db.models import Prefetch, Q, QuerySet

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


# Natural keys: how the import and the demo loader find the stored record a row stands for.

# ("id", pk), or a source's natural key: ("url", url), ("identifier", identifier) or
# ("title", title, publisher) (``source_natural_key``).
SourceKey = tuple[Hashable, ...]


def publishers_by_name_key(keys: Iterable[str]) -> dict[str, Publisher]:
    """Stored publishers by their identity key (``sources.identity.name_key``), in one query."""
    found = Publisher.objects.filter(name_key__in=set(keys))
    return {publisher.name_key: publisher for publisher in found if publisher.name_key is not None}


def source_natural_key(*, url: str, identifier: str, title: str, publisher: Hashable) -> SourceKey:
    """How a source is recognised: by its URL (normalised, ``sources.urls_normal.normal_url``);
    without one, by its identifier; without either, by its title and ``publisher`` (the
    publisher's id, or None for a source without one)."""
    if url:
        return ("url", url)
    if identifier:
        return ("identifier", identifier)
    return ("title", title, publisher)


def stored_source_key(source: Source) -> SourceKey:
    return source_natural_key(
        url=source.url, identifier=source.identifier, title=source.title, publisher=source.publisher_id
    )


def sources_by_key(keys: Iterable[SourceKey]) -> dict[SourceKey, list[Source]]:
    """The stored sources (those in the trash included) under each of ``keys`` that names
    any, in one query, lowest id first: several may share an identifier or a title."""
    wanted = set(keys)
    kinds: dict[Hashable, set[Hashable]] = defaultdict(set)
    for key in wanted:
        kinds[key[0]].add(key[1])
    query = (
        Q(pk__in=kinds["id"])
        | Q(url__in=kinds["url"])
        | Q(url="", identifier__in=kinds["identifier"])
        | Q(url="", identifier="", title__in=kinds["title"])
    )
    found: dict[SourceKey, list[Source]] = defaultdict(list)
    for source in Source.objects.filter(query).order_by("id"):
        for key in (("id", source.pk), stored_source_key(source)):
            if key in wanted:
                found[key].append(source)
    return dict(found)
