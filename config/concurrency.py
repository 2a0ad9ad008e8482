"""Optimistic concurrency: every change names the version it was based on."""

from django.db import models

from config.errors import PreconditionFailed


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
