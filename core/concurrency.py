"""Optimistic concurrency: every change names the version it was based on.

A versioned record's ETag is ``"<model>-<id>-v<version>"``. A record whose representation also
shows other records (an article's page shows its claims) adds a digest of their state:
``"article-4-v3.c<digest>"``, so a client revalidating with ``If-None-Match`` sees them change.
The digest counts for reads only: a write names the record's own version, so ``If-Match``
with an older digest but the current version is accepted. A ``PUT``, ``PATCH``, ``DELETE``
or transition names the version it was based on with ``If-Match: <ETag>`` or ``version`` in
the body; the service compares it with the locked row (``check_version``). Rules:

- neither → 428 ``version_required``; ``If-Match: *`` names no version, so it counts as neither
  (a client may not opt out of the check), and so does an empty ``If-Match`` (a header sent
  with no tag is no precondition): the body's ``version`` decides, and a stale one is the 412
  it is without the header;
- one entity tag only; ``W/`` is ignored, since the tag names a version, not bytes;
- a tag of another record (or not ours) can never match → 412 with ``current_version``;
- both header and body, disagreeing → 400 naming ``version``.
"""

import re
from collections.abc import Mapping

from django.db import models
from rest_framework import serializers

from core.errors import InvalidInput, PreconditionFailed, PreconditionRequired

IF_MATCH = "If-Match"
IF_NONE_MATCH = "If-None-Match"
MAX_VERSION = 2_147_483_647
_TAG = re.compile(r'^(?:W/)?"([^"]*)"$')


def etag_for(instance: models.Model, *, state: str | None = None) -> str:
    """The record's ETag; ``state`` is the digest of what else its representation shows."""
    suffix = f".c{state}" if state else ""
    return f'"{instance._meta.model_name}-{instance.pk}-v{instance.version}{suffix}"'


def version_field() -> serializers.IntegerField:
    """The ``version`` a write serializer accepts: the browsable API's stand-in for If-Match."""
    # Not write-only: the browsable API's edit form then comes filled in with the version read.
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_VERSION,
        help_text="The version of the record your change is based on, as you read it. Required "
        "(here or as an `If-Match` header) to edit or delete; a stale version gives 412.",
    )


def requires_version(view_method):
    """Mark a custom action whose request must name a version, so the schema documents If-Match
    (ServiceModelViewSet's edits and deletes are documented without it)."""
    view_method.requires_version = True
    return view_method


def check_version(instance: models.Model, expected: int | None) -> None:
    """Refuse a change based on another version than the locked row's current one.

    Call it on a row fetched with ``select_for_update()``, inside the service's transaction,
    so no other writer can slip in between the check and the write. ``None`` means the
    caller (an internal door such as a command) does not check."""
    if expected is None:
        return
    current = instance.version
    if expected != current:
        raise PreconditionFailed(
            f"The record has changed: you sent version {expected}, the current version is {current}. "
            "Reload it and try again.",
            field="version",
            extra={"current_version": current},
        )


def _opaque_tags(header: str) -> list[str] | None:
    """The opaque parts of a comma-separated list of entity tags; None if any is malformed."""
    tags = []
    for part in header.split(","):
        match = _TAG.match(part.strip())
        if match is None:
            return None
        tags.append(match.group(1))
    return tags


def _if_match_version(request, instance: models.Model) -> int | None:
    header = request.headers.get(IF_MATCH, "").strip()
    if not header or header == "*":
        return None
    tags = _opaque_tags(header)
    if tags is None or len(tags) != 1:
        raise InvalidInput(
            f'{IF_MATCH} must be one entity tag, as sent in the ETag header (e.g. "claim-7-v3").',
            field=IF_MATCH,
        )
    prefix = f"{instance._meta.model_name}-{instance.pk}-v"
    number, _dot, _state = tags[0].removeprefix(prefix).partition(".")
    if not tags[0].startswith(prefix) or not number.isdigit() or not number.isascii():
        raise PreconditionFailed(
            f"{IF_MATCH} names another record than this {instance._meta.verbose_name}; "
            f"its ETag is {etag_for(instance)}.",
            field="version",
            extra={"current_version": instance.version},
        )
    return int(number)


def sent_value(request, name: str, field: serializers.Field):
    """``name`` of the request body, validated by ``field`` (a 400 naming ``name`` if invalid);
    None when the body does not hold it or holds it empty (a form's blank field)."""
    data = request.data
    if not isinstance(data, Mapping) or data.get(name) in (None, ""):
        return None
    try:
        return field.run_validation(data[name])
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({name: exc.detail}) from exc


def _body_version(request) -> int | None:
    return sent_value(request, "version", version_field())


def expected_version(request, instance: models.Model) -> int:
    """The version a change to ``instance`` is based on: ``If-Match`` or ``version`` in the
    body. 428 if the request names none, 400 if the two disagree."""
    from_header = _if_match_version(request, instance)
    from_body = _body_version(request)
    if from_header is not None and from_body is not None and from_header != from_body:
        raise InvalidInput(
            f"{IF_MATCH} names version {from_header} but the body's version is {from_body}.",
            field="version",
            code="version_mismatch",
        )
    version = from_header if from_header is not None else from_body
    if version is None:
        raise PreconditionRequired(
            "Say which version of the record your change is based on: send the ETag you read as "
            f"{IF_MATCH}, or `version` in the body.",
            field="version",
        )
    return version


def not_modified(request, current_etag: str) -> bool:
    """``If-None-Match`` names the record's current ETag (weak comparison; ``*`` matches)."""
    header = request.headers.get(IF_NONE_MATCH, "").strip()
    if not header:
        return False
    if header == "*":
        return True
    current = current_etag.strip('"')
    return current in (_opaque_tags(header) or ())
