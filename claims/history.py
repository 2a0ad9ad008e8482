"""A claim's history and its past states, read back from the database's event tables.

Database triggers write every insert, update and delete of a claim, citation or same-claim link
into ``ClaimEvent``, ``CitationEvent`` and ``SameClaimLinkEvent``
(``core.models.track_history``), with the request's
context (user, door, URL). The workflow writes ``StatusChange`` rows. This module reads
them back as one list of entries, newest first (``claim_history``), and reads the moment
``?as_of=`` asks for (``parse_as_of``); the claim as it stood then is rendered from the
snapshots by the claims' one rendering, ``claims.rendering.claim_as_of_json``.

An article edit that moves a claim's quote writes a claim event whose only changes are the
offsets, in a context marked ``reanchored_by_article``: it is shown as a re-anchoring.

A transition writes both a ``StatusChange`` and a ``ClaimEvent`` whose only change is the
status; the event's context names the status change (``status_change_context``), so the two
are paired by that id and shown once, as the status change. A status written without a
transition (raw SQL, ``QuerySet.update()``) pairs with nothing and is shown as a claim change.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from claims.models import (
    CitationEvent,
    Claim,
    ClaimEvent,
    SameClaimLinkEvent,
    StatusChange,
)
from core.errors import InvalidInput


class HistoryKind(models.TextChoices):
    STATUS_CHANGE = "status_change", "Status changed"
    CLAIM_CREATED = "claim_created", "Claim created"
    CLAIM_CHANGED = "claim_changed", "Claim changed"
    CLAIM_REANCHORED = "claim_reanchored", "Quote re-anchored (article edited)"
    CLAIM_DELETED = "claim_deleted", "Claim deleted"
    CLAIM_RESTORED = "claim_restored", "Claim restored"
    CITATION_ADDED = "citation_added", "Citation added"
    CITATION_CHANGED = "citation_changed", "Citation changed"
    CITATION_REMOVED = "citation_removed", "Citation removed"
    SAME_CLAIM_LINKED = "same_claim_linked", "Same-claim link recorded"
    SAME_CLAIM_UNLINKED = "same_claim_unlinked", "Same-claim link removed"


class Door(models.TextChoices):
    API = "api", "API"
    ADMIN = "admin", "Admin"
    COMMAND = "command", "Management command"


# Bookkeeping that changes with every write and says nothing about what changed.
_NOT_SHOWN = frozenset(
    {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context", "id", "version", "updated_at"}
    # Derived from citations and sources (claims.provenance), not edited.
    | {"independent_support", "independent_contradiction"}
)
# An article edit that moves a claim's quote changes only these (claims.services.article_update).
_OFFSETS = frozenset({"quote_start", "quote_end"})
_NOT_SHOWN_ON_CREATE = frozenset({"created_at", "added_at"})
# Among events at the same instant (one transaction), claim edits came first, then citations.
_RANK_CLAIM, _RANK_CITATION, _RANK_STATUS, _RANK_LINK = 0, 1, 2, 3


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    kind: str
    user: str | None
    door: str | None
    citation: int | None = None
    same_as: int | None = None
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    from_status: str | None = None
    to_status: str | None = None
    rationale: str | None = None
    sort_key: tuple = field(default=(), repr=False, compare=False)


def _shown_fields(event_model: type[models.Model]) -> list[models.Field]:
    return [f for f in event_model._meta.concrete_fields if f.name not in _NOT_SHOWN]


def _snapshot(event: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    return {f.name: getattr(event, f.attname) for f in fields}


def _created(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"after": value}
        for name, value in values.items()
        if value not in (None, "") and name not in _NOT_SHOWN_ON_CREATE
    }


def _removed(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": value}
        for name, value in values.items()
        if value not in (None, "") and name not in _NOT_SHOWN_ON_CREATE
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def _context(event: models.Model) -> dict[str, Any]:
    context = event.pgh_context
    return context.metadata if context is not None and isinstance(context.metadata, dict) else {}


def _user_id(metadata: dict[str, Any]) -> int | None:
    user = metadata.get("user")
    return int(user) if isinstance(user, int | str) and str(user).isdigit() else None


def _door(metadata: dict[str, Any]) -> str | None:
    door = metadata.get("door")
    return door if door in Door.values else None


def _status_change_key(status_change_id: int) -> str:
    return f"status_change_{status_change_id}"


def status_change_context(change: StatusChange) -> dict[str, int]:
    """The history context of the claim save a transition makes (``claims.services.
    claim_transition``): names the ``StatusChange``, so ``claim_history`` pairs the event with it.

    One key per status change, not one ``status_change`` key: every change of a request (or of
    an outer ``pghistory.context``) shares one context row, whose metadata keeps each key
    written, so an admin action moving fifty claims names all fifty changes."""
    return {_status_change_key(change.pk): change.claim_id}


def claim_history(*, claim: Claim) -> list[HistoryEntry]:
    """Status changes, every edit of the claim and its citations, and every same-claim link
    of the claim recorded or removed, newest first.

    Five queries whatever the length of the history: the claim's events, its citations'
    events, its status changes, its same-claim links' events, and the usernames of whoever made
    them."""
    claim_events = list(
        ClaimEvent.objects.filter(pgh_obj_id=claim.pk).select_related("pgh_context").order_by("pgh_id")
    )
    citation_events = list(
        CitationEvent.objects.filter(claim_id=claim.pk).select_related("pgh_context").order_by("pgh_id")
    )
    status_changes = list(StatusChange.objects.filter(claim_id=claim.pk).order_by("changed_at", "id"))
    link_events = list(
        SameClaimLinkEvent.objects.filter(Q(claim_a_id=claim.pk) | Q(claim_b_id=claim.pk))
        .select_related("pgh_context")
        .order_by("pgh_id")
    )

    user_ids = {_user_id(_context(e)) for e in (*claim_events, *citation_events, *link_events)}
    user_ids |= {change.changed_by_id for change in status_changes}
    user_ids.discard(None)
    usernames = (
        dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
        if user_ids
        else {}
    )

    def who(metadata: dict[str, Any]) -> dict[str, Any]:
        return {"user": usernames.get(_user_id(metadata)), "door": _door(metadata)}

    entries: list[HistoryEntry] = []
    # Each claim event of a transition names its status change (status_change_context).
    by_key = {_status_change_key(change.pk): change for change in status_changes}
    status_context: dict[int, dict[str, Any]] = {}

    fields = _shown_fields(ClaimEvent)
    previous: dict[str, Any] | None = None
    for event in claim_events:
        values = _snapshot(event, fields)
        metadata = _context(event)
        kind, changes = None, {}
        if event.pgh_label == "delete":
            kind, changes = HistoryKind.CLAIM_DELETED, _removed(values)
        elif event.pgh_label == "insert":
            kind, changes = HistoryKind.CLAIM_CREATED, _created(values)
        elif previous is None:
            # Created before history was recorded: what it was before this edit is unknown.
            kind, changes = HistoryKind.CLAIM_CHANGED, _created(values)
        else:
            changes = _diff(previous, values)
            if changes.keys() == {"status"}:
                change = _paired_status_change(by_key, metadata, changes["status"], status_context)
                if change is not None:
                    status_context[change.pk] = metadata
                    changes = {}
            if "deleted_at" in changes and changes["deleted_at"]["before"] is None:
                kind = HistoryKind.CLAIM_DELETED
            elif "deleted_at" in changes and changes["deleted_at"]["after"] is None:
                kind = HistoryKind.CLAIM_RESTORED
            elif changes and changes.keys() <= _OFFSETS and "reanchored_by_article" in metadata:
                kind = HistoryKind.CLAIM_REANCHORED
            elif changes:
                kind = HistoryKind.CLAIM_CHANGED
        previous = values
        if kind is not None:
            entries.append(
                HistoryEntry(
                    at=event.pgh_created_at,
                    kind=kind,
                    changes=changes,
                    **who(metadata),
                    sort_key=(event.pgh_created_at, _RANK_CLAIM, event.pgh_id),
                )
            )

    fields = _shown_fields(CitationEvent)
    previous_by_citation: dict[int, dict[str, Any]] = {}
    for event in citation_events:
        values = _snapshot(event, fields)
        before = previous_by_citation.get(event.pgh_obj_id)
        if event.pgh_label == "delete":
            kind, changes = HistoryKind.CITATION_REMOVED, _removed(values)
        elif event.pgh_label == "insert":
            kind, changes = HistoryKind.CITATION_ADDED, _created(values)
        elif before is None:
            kind, changes = HistoryKind.CITATION_CHANGED, _created(values)
        else:
            kind, changes = HistoryKind.CITATION_CHANGED, _diff(before, values)
        previous_by_citation[event.pgh_obj_id] = values
        if changes:
            entries.append(
                HistoryEntry(
                    at=event.pgh_created_at,
                    kind=kind,
                    citation=event.pgh_obj_id,
                    changes=changes,
                    **who(_context(event)),
                    sort_key=(event.pgh_created_at, _RANK_CITATION, event.pgh_id),
                )
            )

    link_fields = _shown_fields(SameClaimLinkEvent)
    for event in link_events:
        # A link is recorded and removed, never edited (an edit in the database is not shown).
        if event.pgh_label not in ("insert", "delete"):
            continue
        values = _snapshot(event, link_fields)
        linked = event.pgh_label == "insert"
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                kind=HistoryKind.SAME_CLAIM_LINKED if linked else HistoryKind.SAME_CLAIM_UNLINKED,
                same_as=event.claim_b_id if event.claim_a_id == claim.pk else event.claim_a_id,
                changes=_created(values) if linked else _removed(values),
                **who(_context(event)),
                sort_key=(event.pgh_created_at, _RANK_LINK, event.pgh_id),
            )
        )

    for change in status_changes:
        door = _door(status_context.get(change.pk, {}))
        entries.append(
            HistoryEntry(
                at=change.changed_at,
                kind=HistoryKind.STATUS_CHANGE,
                user=usernames.get(change.changed_by_id),
                door=door,
                from_status=change.from_status,
                to_status=change.to_status,
                rationale=change.rationale,
                sort_key=(change.changed_at, _RANK_STATUS, change.pk),
            )
        )
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries


def _paired_status_change(
    by_key: dict[str, StatusChange], metadata: dict[str, Any], status: dict[str, Any], paired: dict[int, Any]
) -> StatusChange | None:
    """The status change whose transition wrote a claim event: named in the event's context,
    with the same move, and not paired yet (a context shared by two moves of the claim names
    both)."""
    for key in metadata:
        change = by_key.get(key)
        if (
            change is not None
            and change.pk not in paired
            and (change.from_status, change.to_status) == (status["before"], status["after"])
        ):
            return change
    return None


_OFFSET_WITHOUT_PLUS = re.compile(r"(.*T.*\d) (\d\d:?\d\d)")


def parse_as_of(raw: str) -> dt.datetime:
    """An ISO 8601 timestamp with a time zone (``Z`` or an offset), as UTC.

    A timestamp without a time zone is refused rather than guessed. A ``+`` left unencoded
    in a URL arrives as a space; ``2024-05-01T12:00:00 02:00`` is read as ``+02:00``."""
    value = raw.strip()
    repaired = _OFFSET_WITHOUT_PLUS.fullmatch(value)
    if repaired:
        value = f"{repaired[1]}+{repaired[2]}"
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidInput(
            f"{raw!r} is not an ISO 8601 timestamp; give one like 2024-05-01T12:00:00Z.",
            field="as_of",
            code="invalid",
        )
    if moment.tzinfo is None:
        raise InvalidInput(
            "Give the time zone: end the timestamp with Z (UTC) or an offset such as +02:00.",
            field="as_of",
            code="invalid",
        )
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise InvalidInput(f"{raw!r} is out of range.", field="as_of", code="invalid") from None
