"""The trash shared by articles, claims and sources: who may use it, and the two moves."""

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from config.errors import Conflict, Forbidden
from config.models import Trashable
from config.roles import is_reviewer

TRASH_FIELDS = ["deleted_at", "deleted_by", "updated_at"]


def require_reviewer(actor: User | AnonymousUser, action: str) -> None:
    """Moving records to the trash and back is for reviewers (and superusers)."""
    if not is_reviewer(actor):
        raise Forbidden(f"Only reviewers may {action}.", code="reviewer_required")


def require_superuser(actor: User | AnonymousUser, action: str) -> None:
    """Deleting for good is for superusers only."""
    if not (actor.is_authenticated and actor.is_active and actor.is_superuser):
        raise Forbidden(f"Only superusers may {action}.", code="superuser_required")


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
