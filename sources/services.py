"""Every write to publishers and sources goes through here."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from config.errors import Conflict, InvalidInput
from sources.models import Publisher, Source, SourceReliance
from sources.urls_normal import normalize_url

PUBLISHER_FIELDS = ("name", "kind", "country", "url")
SOURCE_FIELDS = (
    "kind", "title", "publisher", "authors", "url", "archived_url", "published_on",
    "accessed_on", "identifier", "language", "summary",
)  # fmt: skip


URL_MAX_LENGTH = 2000
PUBLISHER_URL_MAX_LENGTH = 500


def _normal_url(value: str, field: str = "url", max_length: int = URL_MAX_LENGTH) -> str:
    try:
        normal = normalize_url(value)
    except ValueError as exc:
        raise InvalidInput(f"Not a valid URL: {exc}.", field=field) from exc
    # Normalising percent-encodes the query, which can make a URL longer than its column.
    if len(normal) > max_length:
        raise InvalidInput(
            f"The URL is longer than {max_length} characters once normalised.", field=field, code="max_length"
        )
    return normal


def _check_publisher_name(name: str, *, exclude_id: int | None = None) -> None:
    clash = Publisher.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    if clash.exists():
        raise Conflict(f'A publisher named "{name}" already exists.', field="name", code="duplicate")


@transaction.atomic
def publisher_create(
    *, name: str, kind: str = Publisher.Kind.OTHER, country: str = "", url: str = ""
) -> Publisher:
    """Publisher names are unique regardless of letter case; countries are stored upper case."""
    name = name.strip()
    _check_publisher_name(name)
    url = _normal_url(url, max_length=PUBLISHER_URL_MAX_LENGTH)
    publisher = Publisher(name=name, kind=kind, country=country.upper(), url=url)
    publisher.save()
    return publisher


@transaction.atomic
def publisher_update(*, publisher: Publisher, data: dict[str, Any]) -> Publisher:
    publisher = Publisher.objects.select_for_update().get(pk=publisher.pk)
    if "name" in data:
        data["name"] = data["name"].strip()
        _check_publisher_name(data["name"], exclude_id=publisher.pk)
    if "country" in data:
        data["country"] = data["country"].upper()
    if "url" in data:
        data["url"] = _normal_url(data["url"], max_length=PUBLISHER_URL_MAX_LENGTH)
    for field in PUBLISHER_FIELDS:
        if field in data:
            setattr(publisher, field, data[field])
    publisher.save()
    return publisher


@transaction.atomic
def publisher_delete(*, publisher: Publisher) -> None:
    """A publisher that still has sources or articles cannot be deleted."""
    publisher = Publisher.objects.select_for_update().get(pk=publisher.pk)
    source_ids = list(publisher.sources.values_list("id", flat=True)[:50])
    article_ids = list(publisher.articles.values_list("id", flat=True)[:50])
    if source_ids or article_ids:
        raise Conflict(
            "The publisher still has sources or articles; reassign or delete them first.",
            code="in_use",
            extra={"sources": source_ids, "articles": article_ids},
        )
    publisher.delete()


def _check_source_url(url: str, *, exclude_id: int | None = None) -> None:
    if not url:
        return
    clash = Source.objects.filter(url=url)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    existing = clash.values_list("id", flat=True).first()
    if existing is not None:
        raise Conflict(
            f"Source {existing} already has this URL.",
            field="url",
            code="duplicate",
            extra={"existing_id": existing},
        )


def _set_relies_on(source: Source, relies_on: Iterable[Source]) -> None:
    """A source cannot rely on itself."""
    wanted = {other.pk: other for other in relies_on}
    if source.pk in wanted:
        raise InvalidInput("A source cannot rely on itself.", field="relies_on", code="self_reliance")
    current = set(source.reliance_links.values_list("relies_on_id", flat=True))
    source.reliance_links.exclude(relies_on_id__in=wanted.keys()).delete()
    SourceReliance.objects.bulk_create(
        [SourceReliance(source=source, relies_on_id=pk) for pk in wanted.keys() - current]
    )


@transaction.atomic
def source_create(*, relies_on: Iterable[Source] = (), **fields: Any) -> Source:
    """URLs are stored normalised and are unique when present."""
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown source fields: {sorted(unknown)}")
    fields["url"] = _normal_url(fields.get("url", ""))
    fields["archived_url"] = _normal_url(fields.get("archived_url", ""), "archived_url")
    _check_source_url(fields["url"])
    source = Source(**fields)
    source.save()
    _set_relies_on(source, relies_on)
    return source


@transaction.atomic
def source_update(*, source: Source, data: dict[str, Any]) -> Source:
    source = Source.objects.select_for_update().get(pk=source.pk)
    relies_on = data.pop("relies_on", None)
    if "url" in data:
        data["url"] = _normal_url(data["url"])
        _check_source_url(data["url"], exclude_id=source.pk)
    if "archived_url" in data:
        data["archived_url"] = _normal_url(data["archived_url"], "archived_url")
    for field in SOURCE_FIELDS:
        if field in data:
            setattr(source, field, data[field])
    source.save()
    if relies_on is not None:
        _set_relies_on(source, relies_on)
    return source


@transaction.atomic
def source_delete(*, source: Source) -> None:
    """A source still cited by a claim, or relied on by another source, cannot be deleted."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    claim_ids = sorted(set(source.citations.values_list("claim_id", flat=True)[:200]))
    dependent_ids = list(source.dependent_links.values_list("source_id", flat=True)[:200])
    if claim_ids:
        raise Conflict(
            "The source is still cited; remove the citations first.",
            code="in_use",
            extra={"claims": claim_ids},
        )
    if dependent_ids:
        raise Conflict(
            "Other sources rely on this one; remove those links first.",
            code="in_use",
            extra={"sources": dependent_ids},
        )
    source.delete()
