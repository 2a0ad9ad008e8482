"""Who may do what with publishers and sources: ``can_…`` for the doors (they offer only what
is allowed), ``require_may_…`` for the services (they refuse with a 403). The shared rules,
and why Django's model permissions are not consulted: ``core/policies.py``."""

from core.policies import (
    RESEARCHERS_AND_REVIEWERS,
    REVIEWERS,
    SUPERUSERS,
    Actor,
    can_purge,
    may_record,
    may_remove,
    refuse_unless,
)


def can_create_publisher(user: Actor) -> bool:
    """Researchers and reviewers record publishers."""
    return may_record(user)


def can_edit_publisher(user: Actor) -> bool:
    """Researchers and reviewers edit publishers."""
    return may_record(user)


def can_delete_publisher(user: Actor) -> bool:
    """Deleting a publisher (publishers have no trash) is for reviewers."""
    return may_remove(user)


def can_create_source(user: Actor) -> bool:
    """Researchers and reviewers record sources and what they rely on."""
    return may_record(user)


def can_edit_source(user: Actor) -> bool:
    """Researchers and reviewers edit sources and what they rely on."""
    return may_record(user)


def can_delete_source(user: Actor) -> bool:
    """Moving a source to the trash is for reviewers."""
    return may_remove(user)


def can_restore_source(user: Actor) -> bool:
    """Taking a source out of the trash is for reviewers."""
    return may_remove(user)


def can_purge_source(user: Actor) -> bool:
    """Deleting a source in the trash for good is for superusers."""
    return can_purge(user)


def require_may_create_publisher(actor: Actor) -> None:
    refuse_unless(can_create_publisher(actor), only=RESEARCHERS_AND_REVIEWERS, action="record publishers")


def require_may_edit_publisher(actor: Actor) -> None:
    refuse_unless(can_edit_publisher(actor), only=RESEARCHERS_AND_REVIEWERS, action="edit publishers")


def require_may_delete_publisher(actor: Actor) -> None:
    refuse_unless(can_delete_publisher(actor), only=REVIEWERS, action="delete publishers")


def require_may_create_source(actor: Actor) -> None:
    refuse_unless(can_create_source(actor), only=RESEARCHERS_AND_REVIEWERS, action="record sources")


def require_may_edit_source(actor: Actor) -> None:
    refuse_unless(can_edit_source(actor), only=RESEARCHERS_AND_REVIEWERS, action="edit sources")


def require_may_delete_source(actor: Actor) -> None:
    refuse_unless(can_delete_source(actor), only=REVIEWERS, action="delete sources")


def require_may_restore_source(actor: Actor) -> None:
    refuse_unless(can_restore_source(actor), only=REVIEWERS, action="restore sources")


def require_may_purge_source(actor: Actor) -> None:
    refuse_unless(can_purge_source(actor), only=SUPERUSERS, action="purge records")
