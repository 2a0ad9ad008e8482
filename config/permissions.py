from django.conf import settings
from rest_framework import permissions

from config.roles import is_researcher, is_reviewer


class RoleBasedAccess(permissions.BasePermission):
    """Read: any signed-in user (anyone when CLAIMTRACK_PUBLIC_READ is on).
    Create and edit: researchers and reviewers. Delete: reviewers."""

    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated) or settings.CLAIMTRACK_PUBLIC_READ
        if request.method == "DELETE":
            return is_reviewer(request.user)
        return is_researcher(request.user)


class ReadersMay(permissions.BasePermission):
    """For a POST that writes nothing (claim matching takes a text too long for a URL): whoever
    may read may use it, whatever the method."""

    message = RoleBasedAccess.message

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) or settings.CLAIMTRACK_PUBLIC_READ


class ReviewersOnly(permissions.BasePermission):
    """Reviewers (and superusers) only, whatever the method: the trash and restoring from it."""

    message = "Only reviewers may use the trash."

    def has_permission(self, request, view) -> bool:
        return is_reviewer(request.user)


class SuperusersOnly(permissions.BasePermission):
    """Superusers only: purging records for good."""

    message = "Only superusers may purge records."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_superuser)
