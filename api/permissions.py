"""The API's doors: each class asks the policy (``core/policies.py``) and states no rule of
its own. The services ask the same policy again for their actor, so a door only spares the
work (and answers before looking a record up)."""

from rest_framework import permissions

from core.policies import can_purge, can_read, can_use_trash, may_record, may_remove


class RoleBasedAccess(permissions.BasePermission):
    """Read: any signed-in user (anyone when CLAIMTRACK_PUBLIC_READ is on).
    Create and edit: researchers and reviewers. Delete: reviewers."""

    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return can_read(request.user)
        if request.method == "DELETE":
            return may_remove(request.user)
        return may_record(request.user)


class ReadersMay(permissions.BasePermission):
    """For a POST that writes nothing (claim matching takes a text too long for a URL): whoever
    may read may use it, whatever the method."""

    message = RoleBasedAccess.message

    def has_permission(self, request, view) -> bool:
        return can_read(request.user)


class ReviewersOnly(permissions.BasePermission):
    """Reviewers (and superusers) only, whatever the method: the trash and restoring from it."""

    message = "Only reviewers may use the trash."

    def has_permission(self, request, view) -> bool:
        return can_use_trash(request.user)


class SuperusersOnly(permissions.BasePermission):
    """Superusers only: purging records for good."""

    message = "Only superusers may purge records."

    def has_permission(self, request, view) -> bool:
        return can_purge(request.user)
