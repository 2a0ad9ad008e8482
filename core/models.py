"""Model pieces shared by the apps: versions, the trash, history tracking, idempotency."""

from collections.abc import Sequence

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models

from core.change_log import ChangeType


class Versioned(models.Model):
    """A ``version`` that the database raises on every change (``QuerySet.update()`` too)."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one on every change. Send it back (If-Match or `version`) to edit.",
    )

    class Meta:
        abstract = True


def version_trigger(*, exclude: Sequence[str] = ()) -> pgtrigger.Trigger:
    """The trigger that keeps ``Versioned.version`` honest; each model lists its own copy.

    ``exclude`` names generated columns: PostgreSQL computes them after BEFORE triggers, so the
    condition compares the other columns one by one instead of the whole row."""
    condition = (
        pgtrigger.AnyChange(exclude=list(exclude))
        if exclude
        else pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*")
    )
    return pgtrigger.Trigger(
        name="bump_version",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        condition=condition,
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


class ChangeLogTrigger(pgtrigger.Trigger):
    """The row trigger that writes the change log of the sync feed (core/change_log.py) for its
    model: every insert, update and delete, told apart by ``claimtrack_log_change`` (the rule,
    in core/sql/change_log.sql). A model with a trash (``deleted_at``) has its trash moves
    logged as such."""

    def __init__(self, *, change_type: str) -> None:
        if change_type not in ChangeType.values:
            raise ValueError(f"Not a type of the change log: {change_type!r}")
        self.change_type = change_type
        super().__init__(
            name="log_change",
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        )

    def get_func(self, model: type[models.Model]) -> str:  # type: ignore[override]
        has_trash = any(field.name == "deleted_at" for field in model._meta.concrete_fields)
        trash = "OLD.deleted_at IS NOT NULL, NEW.deleted_at IS NOT NULL" if has_trash else "false, false"
        # NEW is null in a delete and OLD in an insert: their fields read as null.
        return (
            f"PERFORM claimtrack_log_change('{self.change_type}', TG_OP, COALESCE(NEW.id, OLD.id), "
            f"NEW IS DISTINCT FROM OLD, {trash}); RETURN NULL;"
        )


def change_log_trigger(change_type: str) -> pgtrigger.Trigger:
    """The change-log trigger for a model whose records the sync feed carries as
    ``change_type`` (one of ``core.change_log.ChangeType``); each logged model lists its own."""
    return ChangeLogTrigger(change_type=change_type)


def entered_fields(model: type[models.Model]) -> list[models.Field]:
    """The concrete fields that hold what was written, leaving out columns PostgreSQL generates
    (search vectors), which history snapshots do not copy."""
    return [field for field in model._meta.concrete_fields if not field.generated]


class Trashable(models.Model):
    """Deleting moves a record to the trash: hidden from lists and lookups, restorable."""

    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the record was moved to the trash; null if it is not.",
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who moved the record to the trash.",
    )

    class Meta:
        abstract = True


def track_history(*, exclude: Sequence[str] = ()):
    """Every insert, update and delete, written by database triggers into an append-only
    event table, so no code path (bulk updates, raw SQL, the admin) can skip it.

    ``exclude`` names derived columns (search vectors) that history need not copy."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        append_only=True,
        exclude=list(exclude) or None,
    )


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an ``Idempotency-Key``, replayed for 24 hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    # Records written before the answer was kept as bytes; replayed from their data.
    response_body = models.JSONField(null=True)
    # The answer exactly as first sent, so that a replay is the same bytes (jsonb would reorder keys).
    response_content = models.BinaryField(null=True)
    response_content_type = models.CharField(max_length=200, blank=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


# The change log behind the sync feed lives in its own module; imported so Django finds the model.
from core.change_log import Change  # noqa: E402, F401
