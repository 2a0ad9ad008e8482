"""The trash shared by articles, claims and sources: the two moves and their checks (who may
make them: each app's ``policies.py``)."""

from django.contrib.auth.models import User
from django.utils import timezone

from core.errors import Conflict
from core.models import Trashable

TRASH_FIELDS = ["deleted_at", "deleted_by", "updated_at"]


def require_in_trash(record: Trashable, noun: str) -> None:
    if record.deleted_at is None:
        raise Conflict(f"The {noun} is not in the trash; delete it first.", code="not_in_trash")


def require_not_in_trash(record: Trashable, noun: str) -> None:
    if record.deleted_at is not None:
        raise Conflict(f"The {noun} is already in the trash.", code="in_trash")


def move_to_trash(record: Trashable, actor: User) -> None:
    """Call on a row locked by the caller's service; the version trigger and the history
    triggers record the move like any other change."""
    record.deleted_at, record.deleted_by = timezone.now(), actor
    record.save(update_fields=TRASH_FIELDS)


def take_out_of_trash(record: Trashable) -> None:
    record.deleted_at, record.deleted_by = None, None
    record.save(update_fields=TRASH_FIELDS)
