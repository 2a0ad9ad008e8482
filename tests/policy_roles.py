"""The actors every policy test asks about, made the way the app sees them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import Forbidden
from core.policies import SYSTEM
from tests.factories import ResearcherFactory, ReviewerFactory, UserFactory

ACTORS = (
    "none", "anonymous", "outsider", "staff outsider", "researcher", "reviewer",
    "inactive reviewer", "superuser", "inactive superuser", "system",
)  # fmt: skip
RECORDERS = frozenset({"researcher", "reviewer", "superuser", "system"})
REMOVERS = frozenset({"reviewer", "superuser"})
PEOPLE_WHO_RECORD = RECORDERS - {"system"}


def make_actor(name: str):
    return {
        "none": lambda: None,
        "anonymous": AnonymousUser,
        "outsider": UserFactory,
        "staff outsider": lambda: UserFactory(is_staff=True),
        "researcher": ResearcherFactory,
        "reviewer": ReviewerFactory,
        "inactive reviewer": lambda: ReviewerFactory(is_active=False),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "inactive superuser": lambda: UserFactory(is_superuser=True, is_staff=True, is_active=False),
        "system": lambda: SYSTEM,
    }[name]()


def allowed_by(policy, *args) -> frozenset[str]:
    """The names of the actors ``policy`` allows (each made afresh)."""
    return frozenset(name for name in ACTORS if policy(make_actor(name), *args))


def assert_refused(call, *, snapshot, code: str, message: str) -> None:
    """``call`` raises the policy's 403 (``code``, ``message``) and ``snapshot()`` (the rows
    the call could write, with their history) reads the same after as before."""
    before = snapshot()
    with pytest.raises(Forbidden) as caught:
        call()
    assert (caught.value.code, caught.value.message) == (code, message)
    assert snapshot() == before
