"""Who may do what: the two working groups and the superuser."""

from django.contrib.auth.models import AnonymousUser, User

RESEARCHERS = "researchers"
REVIEWERS = "reviewers"


def _group_names(user) -> frozenset[str]:
    cached = getattr(user, "_claimtrack_groups", None)
    if cached is None:
        cached = (
            frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        )
        user._claimtrack_groups = cached
    return cached


def is_reviewer(user: User | AnonymousUser) -> bool:
    """Reviewers give and reopen verdicts and may delete; superusers may do everything."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or REVIEWERS in _group_names(user)


def is_researcher(user: User | AnonymousUser) -> bool:
    """Researchers (and reviewers) create and edit records."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_reviewer(user) or RESEARCHERS in _group_names(user)
