"""Every write to publishers and sources goes through here."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from core.concurrency import check_version
from core.errors import Conflict, DomainError, InvalidInput, at_index
from core.policies import SystemActor
from core.trash import (
    move_to_trash,
    require_in_trash,
    require_not_in_trash,
    take_out_of_trash,
)
from sources import policies
from sources.countries import COUNTRY_HELP, country_code
from sources.identity import name_key
from sources.models import Publisher, Source, SourceReliance
from sources.provenance import lock_reliance_graph, reliance_cycle
from sources.urls_normal import PUBLISHER_URL_MAX_LENGTH, normal_url

# Rows per statement of a bulk service: enough that an import of thousands of rows takes a few
# statements, few enough that each (with the triggers it fires) stays well within the statement
# timeout of a request (DB_STATEMENT_TIMEOUT, 4 s): 500 claims take about 0.5 s on 2 busy cores.
BULK_BATCH_SIZE = 500
PUBLISHER_FIELDS = ("name", "kind", "country", "url")
SOURCE_FIELDS = (
    "kind", "title", "publisher", "authors", "url", "archived_url", "published_on",
    "accessed_on", "identifier", "language", "summary",
)  # fmt: skip


def _publisher_name_key(name: str) -> str:
    key = name_key(name)
    if not key:
        raise InvalidInput("The name has no visible letters.", field="name", code="blank")
    return key


def _name_taken(existing: Publisher, name: str) -> Conflict:
    return Conflict(
        f'A publisher named "{existing.name}" already exists (id {existing.pk}); '
        f'"{name}" is the same name or looks the same.',
        field="name",
        code="duplicate",
        extra={"existing_id": existing.pk},
    )


def _check_publisher_name(name: str, *, exclude_id: int | None = None) -> str:
    """A publisher's name must not look like another's: the same identity key
    (sources.identity) is a 409 naming the publisher that has it. Returns the key."""
    key = _publisher_name_key(name)
    clash = Publisher.objects.filter(name_key=key)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    existing = clash.order_by("id").first()
    if existing is not None:
        raise _name_taken(existing, name)
    return key


def _check_country(country: str) -> str:
    code = country_code(country)
    if code is None:
        raise InvalidInput(f"{country!r} is no ISO 3166-1 country code. {COUNTRY_HELP}", field="country")
    return code


def _new_publisher(
    *, name: str, kind: str = Publisher.Kind.OTHER, country: str = "", url: str = ""
) -> Publisher:
    """A publisher as ``publisher_create`` stores it (name stripped, its key, the country
    checked, the URL normalised), not yet saved nor checked against the stored ones."""
    name = name.strip()
    return Publisher(
        name=name,
        name_key=_publisher_name_key(name),
        kind=kind,
        country=_check_country(country),
        url=normal_url(url, max_length=PUBLISHER_URL_MAX_LENGTH),
    )


@transaction.atomic
def publisher_create(
    *,
    actor: User | SystemActor,
    name: str,
    kind: str = Publisher.Kind.OTHER,
    country: str = "",
    url: str = "",
) -> Publisher:
    """Publisher names are unique by their identity key; countries are ISO 3166-1 codes,
    stored upper case. ``actor`` must be one ``policies.can_create_publisher`` allows."""
    policies.require_may_create_publisher(actor)
    publisher = _new_publisher(name=name, kind=kind, country=country, url=url)
    _check_publisher_name(publisher.name)
    publisher.save()
    return publisher


@transaction.atomic
def publishers_create_bulk(
    *, publishers: Sequence[Mapping[str, Any]], actor: User | SystemActor
) -> list[Publisher]:
    """``publisher_create`` for many publishers, with its rules, in a few queries whatever
    their number: names unique by their identity key (among the stored publishers and the
    batch), countries ISO 3166-1 codes, URLs normalised. Each item holds ``name`` and
    optionally ``kind``, ``country``, ``url``. A refusal names the item
    (``publishers.<index>.<field>``, ``index`` in ``extra``) and creates none."""
    policies.require_may_create_publisher(actor)
    built: list[Publisher] = []
    for index, item in enumerate(publishers):
        try:
            built.append(_new_publisher(**item))
        except DomainError as exc:
            raise at_index(exc, index, "publishers") from exc
    first_of: dict[str, int] = {}
    for index, publisher in enumerate(built):
        earlier = first_of.setdefault(publisher.name_key or "", index)
        if earlier != index:
            message = (
                f'Item {earlier} of the batch is named "{built[earlier].name}": '
                "the same name, or one that looks the same."
            )
            raise at_index(Conflict(message, field="name", code="duplicate"), index, "publishers")
    stored = Publisher.objects.filter(name_key__in=list(first_of)).order_by("-id")
    taken = {publisher.name_key: publisher for publisher in stored}  # the lowest id wins
    for index, publisher in enumerate(built):
        if publisher.name_key in taken:
            raise at_index(_name_taken(taken[publisher.name_key], publisher.name), index, "publishers")
    return Publisher.objects.bulk_create(built, batch_size=BULK_BATCH_SIZE)


@transaction.atomic
def publisher_update(
    *,
    publisher: Publisher,
    data: dict[str, Any],
    actor: User | SystemActor,
    expected_version: int | None = None,
) -> Publisher:
    """``actor`` must be one ``policies.can_edit_publisher`` allows."""
    policies.require_may_edit_publisher(actor)
    publisher = Publisher.objects.select_for_update().get(pk=publisher.pk)
    check_version(publisher, expected_version)
    if "name" in data:
        data["name"] = data["name"].strip()
        # A name left as it is keeps its key (a look-alike stored before keys existed has none).
        if data["name"] != publisher.name:
            publisher.name_key = _check_publisher_name(data["name"], exclude_id=publisher.pk)
    if "country" in data:
        data["country"] = _check_country(data["country"])
    if "url" in data:
        data["url"] = normal_url(data["url"], max_length=PUBLISHER_URL_MAX_LENGTH)
    for field in PUBLISHER_FIELDS:
        if field in data:
            setattr(publisher, field, data[field])
    publisher.save()
    return publisher


@transaction.atomic
def publisher_delete(*, publisher: Publisher, actor: User, expected_version: int | None = None) -> None:
    """A publisher that still has sources or articles cannot be deleted, even when they are
    all in the trash: restoring them needs their publisher (purge them first). ``actor`` must
    be one ``policies.can_delete_publisher`` allows."""
    policies.require_may_delete_publisher(actor)
    publisher = Publisher.objects.select_for_update().get(pk=publisher.pk)
    check_version(publisher, expected_version)
    source_ids = list(publisher.sources.values_list("id", flat=True)[:50])
    article_ids = list(publisher.articles.values_list("id", flat=True)[:50])
    if source_ids or article_ids:
        raise Conflict(
            "The publisher still has sources or articles; reassign or delete them first.",
            code="in_use",
            extra={"sources": source_ids, "articles": article_ids},
        )
    publisher.delete()


def require_unique_url(
    queryset: QuerySet[Any], url: str, *, label: str, exclude_id: int | None = None
) -> None:
    """A normalised URL names one record (a trashed one included, so a restore never
    clashes); 409 ``duplicate`` with the id of the record that has it."""
    if not url:
        return
    clash = queryset.filter(url=url)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    existing = clash.values_list("id", "deleted_at").first()
    if existing is not None:
        where = " in the trash (restore or purge it)" if existing[1] is not None else ""
        raise Conflict(
            f"{label} {existing[0]}{where} already has this URL.",
            field="url",
            code="duplicate",
            extra={"existing_id": existing[0]},
        )


def require_unique_urls(queryset: QuerySet[Any], urls: Sequence[str], *, label: str, prefix: str) -> None:
    """``require_unique_url`` for the items of a batch, in one query: each URL (normalised)
    names one record, stored or in the batch; a refusal names the item
    (``<prefix>.<index>.url``)."""
    first_of: dict[str, int] = {}
    for index, url in enumerate(urls):
        if not url:
            continue
        earlier = first_of.setdefault(url, index)
        if earlier != index:
            clash = Conflict(f"Item {earlier} of the batch has this URL too.", field="url", code="duplicate")
            raise at_index(clash, index, prefix)
    if not first_of:
        return
    stored = queryset.filter(url__in=list(first_of)).order_by("id").values_list("url", "id", "deleted_at")
    for url, pk, deleted_at in stored:
        where = " in the trash (restore or purge it)" if deleted_at is not None else ""
        clash = Conflict(
            f"{label} {pk}{where} already has this URL.",
            field="url",
            code="duplicate",
            extra={"existing_id": pk},
        )
        raise at_index(clash, first_of[url], prefix)


def _check_source_url(url: str, *, exclude_id: int | None = None) -> None:
    require_unique_url(Source.objects.all(), url, label="Source", exclude_id=exclude_id)


def _self_reliance() -> InvalidInput:
    return InvalidInput("A source cannot rely on itself.", field="relies_on", code="self_reliance")


def _set_relies_on(source: Source, relies_on: Iterable[Source]) -> None:
    """A source cannot rely on itself, nor on a source whose chain leads back to it (409
    ``reliance_cycle`` naming the cycle). The caller holds ``lock_reliance_graph``."""
    wanted = {other.pk: other for other in relies_on}
    if source.pk in wanted:
        raise _self_reliance()
    require_live_sources(wanted.keys(), field="relies_on")
    current = set(source.reliance_links.values_list("relies_on_id", flat=True))
    _refuse_cycle(source, wanted.keys() - current)
    source.reliance_links.exclude(relies_on_id__in=wanted.keys()).delete()
    SourceReliance.objects.bulk_create(
        [SourceReliance(source=source, relies_on_id=pk) for pk in wanted.keys() - current]
    )


def _refuse_cycle(source: Source, new_targets: set[int]) -> None:
    cycle = reliance_cycle(source_id=source.pk, targets=new_targets)
    if cycle is None:
        return
    names = " → ".join(f'{step.pk} "{step.title}"' for step in cycle)
    raise Conflict(
        f"This would make a cycle of sources relying on each other: {names}.",
        field="relies_on",
        code="reliance_cycle",
        extra={"cycle": [{"id": step.pk, "title": step.title} for step in cycle]},
    )


@transaction.atomic
def source_create(*, actor: User | SystemActor, relies_on: Iterable[Source] = (), **fields: Any) -> Source:
    """URLs are stored normalised and are unique when present. ``actor`` must be one
    ``policies.can_create_source`` allows."""
    policies.require_may_create_source(actor)
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown source fields: {sorted(unknown)}")
    relies_on = list(relies_on)
    if relies_on:
        lock_reliance_graph()  # before any row lock, like source_update
    fields["url"] = normal_url(fields.get("url", ""))
    fields["archived_url"] = normal_url(fields.get("archived_url", ""), field="archived_url")
    _check_source_url(fields["url"])
    source = Source(**fields)
    source.save()
    _set_relies_on(source, relies_on)
    return source


def _batch_cycle(targets: Mapping[int, Sequence[int]]) -> list[int] | None:
    """A cycle among the items of a batch (``targets``: each item's indexes of the items it
    relies on), as the items along it, the first last again; None if there is none."""
    state: dict[int, str] = {}
    for start in sorted(targets):
        if start in state:
            continue
        trail = [start]
        pending = [iter(targets.get(start, ()))]
        state[start] = "open"
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[trail.pop()] = "done"
                pending.pop()
            elif state.get(step) == "open":
                return [*trail[trail.index(step) :], step]
            elif step not in state:
                state[step] = "open"
                trail.append(step)
                pending.append(iter(targets.get(step, ())))
    return None


@transaction.atomic
def sources_create_bulk(*, sources: Sequence[Mapping[str, Any]], actor: User | SystemActor) -> list[Source]:
    """``source_create`` for many sources, with its rules, in a few queries whatever their
    number: URLs stored normalised and unique (among the stored sources and the batch), no
    source relying on itself, on a source in the trash, or on a circle of sources. Each item
    holds fields of ``SOURCE_FIELDS`` and optionally ``relies_on``: stored sources, or the
    positions (ints) of other items of the batch. A refusal names the item
    (``sources.<index>.<field>``, ``index`` in ``extra``) and creates none."""
    policies.require_may_create_source(actor)
    built: list[Source] = []
    stored_targets: dict[int, int] = {}  # a stored source relied on: the first item naming it
    batch_targets: dict[int, list[int]] = {}
    for index, item in enumerate(sources):
        fields = dict(item)
        relies_on = list(fields.pop("relies_on", ()))
        unknown = set(fields) - set(SOURCE_FIELDS)
        if unknown:
            raise TypeError(f"Unknown source fields: {sorted(unknown)}")
        try:
            fields["url"] = normal_url(fields.get("url", ""))
            fields["archived_url"] = normal_url(fields.get("archived_url", ""), field="archived_url")
        except DomainError as exc:
            raise at_index(exc, index, "sources") from exc
        built.append(Source(**fields))
        for target in relies_on:
            if isinstance(target, Source):
                stored_targets.setdefault(target.pk, index)
            elif target == index:
                raise at_index(_self_reliance(), index, "sources")
            elif isinstance(target, int) and 0 <= target < len(sources):
                batch_targets.setdefault(index, []).append(target)
            else:
                raise TypeError(f"Not a source nor an item of the batch: {target!r}")
    require_unique_urls(
        Source.objects.all(), [source.url for source in built], label="Source", prefix="sources"
    )
    cycle = _batch_cycle(batch_targets)
    if cycle is not None:
        names = " → ".join(f'item {index} "{built[index].title}"' for index in cycle)
        circle = Conflict(
            f"This would make a cycle of sources relying on each other: {names}.",
            field="relies_on",
            code="reliance_cycle",
            extra={"cycle": cycle},
        )
        raise at_index(circle, cycle[0], "sources")
    if stored_targets or batch_targets:
        lock_reliance_graph()  # before any row lock, like source_create
    try:
        require_live_sources(stored_targets, field="relies_on")
    except Conflict as exc:
        raise at_index(exc, stored_targets[exc.extra["sources"][0]], "sources") from exc
    created = Source.objects.bulk_create(built, batch_size=BULK_BATCH_SIZE)
    links = [
        SourceReliance(source=created[index], relies_on_id=target.pk)
        for index, item in enumerate(sources)
        for target in dict.fromkeys(item.get("relies_on", ()))
        if isinstance(target, Source)
    ] + [
        SourceReliance(source=created[index], relies_on=created[target])
        for index, targets in batch_targets.items()
        for target in dict.fromkeys(targets)
    ]
    SourceReliance.objects.bulk_create(links, batch_size=BULK_BATCH_SIZE)
    return created


@transaction.atomic
def source_update(
    *, source: Source, data: dict[str, Any], actor: User | SystemActor, expected_version: int | None = None
) -> Source:
    """``actor`` must be one ``policies.can_edit_source`` allows."""
    policies.require_may_edit_source(actor)
    if "relies_on" in data:
        # The graph lock comes first: taken after the row locks, two edits linking two sources
        # to each other would deadlock (each holding the row the other locks next).
        lock_reliance_graph()
    source = Source.objects.select_for_update().get(pk=source.pk)
    check_version(source, expected_version)
    relies_on = data.pop("relies_on", None)
    if "url" in data:
        data["url"] = normal_url(data["url"])
        _check_source_url(data["url"], exclude_id=source.pk)
    if "archived_url" in data:
        data["archived_url"] = normal_url(data["archived_url"], field="archived_url")
    if relies_on is not None:
        # Before the other fields, so a refused cycle is named with the titles as they stand.
        _set_relies_on(source, relies_on)
    for field in SOURCE_FIELDS:
        if field in data:
            setattr(source, field, data[field])
    source.save()
    return source


def require_live_sources(ids: Iterable[int], *, field: str) -> None:
    """Nothing live may point at a source in the trash. Locks the sources named, so a
    concurrent trash move waits for (and then sees) the new link."""
    named = Source.objects.select_for_update().filter(pk__in=list(ids)).order_by("id")
    trashed = [pk for pk, deleted_at in named.values_list("id", "deleted_at") if deleted_at is not None]
    if trashed:
        raise Conflict(
            f"Sources {trashed} are in the trash; restore them first.",
            field=field,
            code="in_trash",
            extra={"sources": trashed},
        )


def source_blockers(source: Source) -> dict[str, list[int]]:
    """What keeps a source out of the trash: the claims (not in the trash) that cite it and
    the sources (not in the trash) that rely on it, up to 200 of each."""
    return {
        "claims": _citing_claim_ids(source.citations.filter(claim__deleted_at__isnull=True)),
        "sources": _dependent_ids(source.dependent_links.filter(source__deleted_at__isnull=True)),
    }


def _citing_claim_ids(citations: QuerySet[Any]) -> list[int]:
    return list(citations.order_by("claim_id").values_list("claim_id", flat=True).distinct()[:200])


def _dependent_ids(links: QuerySet[SourceReliance]) -> list[int]:
    return list(links.order_by("source_id").values_list("source_id", flat=True)[:200])


@transaction.atomic
def source_delete(*, source: Source, actor: User, expected_version: int | None = None) -> None:
    """Move a source to the trash. A source still cited by a claim that is not in the
    trash, or relied on by a source that is not, cannot be moved (409 listing them)."""
    policies.require_may_delete_source(actor)
    source = Source.objects.select_for_update().get(pk=source.pk)
    check_version(source, expected_version)
    require_not_in_trash(source, "source")
    blockers = source_blockers(source)
    if blockers["claims"]:
        raise Conflict(
            "The source is still cited; remove the citations first.",
            code="in_use",
            extra={"claims": blockers["claims"]},
        )
    if blockers["sources"]:
        raise Conflict(
            "Other sources rely on this one; remove those links first.",
            code="in_use",
            extra={"sources": blockers["sources"]},
        )
    move_to_trash(source, actor)


@transaction.atomic
def source_restore(*, source: Source, actor: User) -> Source:
    """Bring a source back from the trash. Refused while a source it relies on is still in
    the trash (restore that one first), so no live source ever rests on a trashed one."""
    policies.require_may_restore_source(actor)
    source = Source.objects.select_for_update().get(pk=source.pk)
    require_in_trash(source, "source")
    require_live_sources(source.reliance_links.values_list("relies_on_id", flat=True), field="relies_on")
    take_out_of_trash(source)
    return source


@transaction.atomic
def source_purge(*, source: Source, actor: User) -> None:
    """Delete a trashed source for good (superusers). Refused while a claim in the trash
    still cites it or a trashed source relies on it: purge those first. Its history events
    stay."""
    policies.require_may_purge_source(actor)
    source = Source.objects.select_for_update().get(pk=source.pk)
    require_in_trash(source, "source")
    claim_ids = _citing_claim_ids(source.citations.all())
    dependent_ids = _dependent_ids(source.dependent_links.all())
    if claim_ids or dependent_ids:
        raise Conflict(
            "Claims or sources in the trash still refer to this source; purge them first.",
            code="in_use",
            extra={"claims": claim_ids, "sources": dependent_ids},
        )
    source.delete()
