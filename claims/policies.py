"""Who may do what with claims, beyond the roles every endpoint checks (config.roles)."""

from django.contrib.auth.models import AnonymousUser, User

from config.errors import Forbidden
from config.roles import is_researcher, is_reviewer


def require_may_link_same_claims(actor: User | AnonymousUser | None) -> None:
    """Recording that two claims state the same thing is for researchers and reviewers, as
    adding a citation is."""
    if actor is None or not is_researcher(actor):
        raise Forbidden(
            "Only researchers and reviewers may record that two claims are the same.",
            code="researcher_required",
        )


def require_may_unlink_same_claims(actor: User | AnonymousUser | None) -> None:
    """Removing a same-claim link is for reviewers, as removing a citation is."""
    if actor is None or not is_reviewer(actor):
        raise Forbidden("Only reviewers may remove a same-claim link.", code="reviewer_required")
