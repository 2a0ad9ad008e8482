"""Who may do what: the rules every app shares, and how a refusal is raised.

Each app states its own rules in its ``policies.py`` (``sources/policies.py``,
``claims/policies.py``), one ``can_…`` function per action, built on the roles of
``core/roles.py`` and the pieces here. Every service asks the policy about its actor and
raises ``Forbidden`` (403) when refused, so the API, the admin, the browser pages, the import
and the management commands all meet the same rule. The doors ask the same functions before
they do any work: the DRF permission classes (``api/permissions.py``) and the admin's
``has_*_permission`` methods (``sources/admin.py``, ``claims/admin.py``) only call them.

An actor is a person, or ``SYSTEM``: a service refuses ``None`` as it refuses an anonymous
user. Management commands act as the user named by ``--user`` (``load_demo``,
``import_claims``), who must hold the role the policy asks for. ``SYSTEM`` is the actor of
code run from the shell that has no person to name: the matching evaluation's document loader
(``evaluate_matching --documents`` without ``--user``, ``benchmarks/clef.py``). It may record
(create and edit) and nothing else, and what it records has no author (``created_by`` empty).
No door can pass it: the API, the admin and the pages pass ``request.user``.

Django's model permissions (``add_claim``, ``change_claim`` …, granted to the two groups
by each app's ``role_permissions`` migration) are not consulted for Claimtrack's records: the
policy is the rule. The admin's ``has_view/add/change/delete_permission`` and
``has_module_permission`` ask the policy, so granting a model permission to a user gives no
access to these records, and taking one from a group takes none away; the granted
permissions are rows that mirror the policy, so ``user.has_perm`` still answers the same for
the groups. Accounts and groups (Django's own ``auth`` admin) keep Django's permissions:
they are managed by superusers. The admin itself still needs ``is_staff`` to be entered.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from core.errors import Forbidden
from core.roles import is_researcher, is_reviewer


class SystemActor:
    """The type of ``SYSTEM`` (see the module docstring)."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

Actor = User | AnonymousUser | SystemActor | None

RESEARCHERS_AND_REVIEWERS = "researchers and reviewers"
REVIEWERS = "reviewers"
SUPERUSERS = "superusers"
REFUSAL_CODES = {
    RESEARCHERS_AND_REVIEWERS: "researcher_required",
    REVIEWERS: "reviewer_required",
    SUPERUSERS: "superuser_required",
}


def author(actor: User | SystemActor) -> User | None:
    """Who a record is stored as created by: the person, or nobody for ``SYSTEM``."""
    return None if isinstance(actor, SystemActor) else actor


def is_superuser(user: Actor) -> bool:
    """Superusers may do everything, and they alone purge for good."""
    if user is None or isinstance(user, SystemActor):
        return False
    return user.is_authenticated and user.is_active and user.is_superuser


def may_record(user: Actor) -> bool:
    """Researchers (and reviewers) create and edit records; so does ``SYSTEM``."""
    if user is None or isinstance(user, SystemActor):
        return user is SYSTEM
    return is_researcher(user)


def may_remove(user: Actor) -> bool:
    """Reviewers (and superusers) delete, move to the trash and take out of it."""
    if user is None or isinstance(user, SystemActor):
        return False
    return is_reviewer(user)


def can_read(user: Actor) -> bool:
    """Any signed-in user reads everything; anyone does when ``CLAIMTRACK_PUBLIC_READ`` is on."""
    signed_in = isinstance(user, User | AnonymousUser) and user.is_authenticated
    return signed_in or bool(settings.CLAIMTRACK_PUBLIC_READ)


def can_use_trash(user: Actor) -> bool:
    """The trash (listing it, restoring from it) is for reviewers and superusers."""
    return may_remove(user)


def can_purge(user: Actor) -> bool:
    """Deleting a record in the trash for good is for superusers only."""
    return is_superuser(user)


def refuse_unless(allowed: bool, *, only: str, action: str) -> None:
    """Raise the domain's permission error (403, "Only reviewers may delete claims.") when the
    policy refused; ``only`` is one of ``RESEARCHERS_AND_REVIEWERS``, ``REVIEWERS``,
    ``SUPERUSERS``, and names the error's code."""
    if not allowed:
        raise Forbidden(f"Only {only} may {action}.", code=REFUSAL_CODES[only])


def can_view_in_admin(user: Actor) -> bool:
    """The admin is the working groups' workplace: staff without a role see no records there
    (they read through the API like any signed-in user)."""
    return may_record(user)
