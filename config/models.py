"""Model pieces shared by the apps: versions, the trash, history tracking, idempotency."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models


class Versioned(models.Model):
    """A ``version`` that the database raises on every change (``QuerySet.update()`` too)."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one on every change. Send it back (If-Match or `version`) to edit.",
    )

    class Meta:
        abstract = True


def version_trigger() -> pgtrigger.Trigger:
    """The trigger that keeps ``Versioned.version`` honest; each model lists its own copy."""
    return pgtrigger.Trigger(
        name="bump_version",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        condition=pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*"),
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


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


def track_history():
    """Every insert, update and delete, written by database triggers into an append-only
    event table, so no code path (bulk updates, raw SQL, the admin) can skip it."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        append_only=True,
    )


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an ``Idempotency-Key``, replayed for 24 hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
