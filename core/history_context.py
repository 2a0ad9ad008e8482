"""Who changed what, through which door: context attached to every history event."""

import pghistory
from pghistory import middleware


def door_for_path(path: str) -> str:
    return "admin" if path.startswith("/admin/") else "api"


class HistoryMiddleware(middleware.HistoryMiddleware):
    """Adds the door (``api`` or ``admin``) and the HTTP method to pghistory's user and URL."""

    def get_context(self, request):
        context = super().get_context(request)
        context.update(door=door_for_path(request.path), method=request.method)
        return context


def command_context(name: str):
    """Context for changes made by a management command (``door`` = ``command``)."""
    return pghistory.context(door="command", command=name)
