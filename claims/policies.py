"""Who may do what with articles, claims, citations, their status and same-claim links:
``can_…`` for the doors (they offer only what is allowed), ``require_may_…`` for the services
(they refuse with a 403 before writing anything). The shared rules, and why Django's model
permissions are not consulted: ``core/policies.py``."""

from django.contrib.auth.models import User

from claims.models import Claim, Status
from core.errors import Forbidden
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

# Articles ---------------------------------------------------------------------------


def can_create_article(user: Actor) -> bool:
    """Researchers and reviewers record articles."""
    return may_record(user)


def can_edit_article(user: Actor) -> bool:
    """Researchers and reviewers edit articles."""
    return may_record(user)


def can_delete_article(user: Actor) -> bool:
    """Moving an article to the trash is for reviewers."""
    return may_remove(user)


def can_restore_article(user: Actor) -> bool:
    """Taking an article out of the trash is for reviewers."""
    return may_remove(user)


def can_purge_article(user: Actor) -> bool:
    """Deleting an article in the trash for good is for superusers."""
    return can_purge(user)


def require_may_create_article(actor: Actor) -> None:
    refuse_unless(can_create_article(actor), only=RESEARCHERS_AND_REVIEWERS, action="record articles")


def require_may_edit_article(actor: Actor) -> None:
    refuse_unless(can_edit_article(actor), only=RESEARCHERS_AND_REVIEWERS, action="edit articles")


def require_may_delete_article(actor: Actor) -> None:
    refuse_unless(can_delete_article(actor), only=REVIEWERS, action="delete articles")


def require_may_restore_article(actor: Actor) -> None:
    refuse_unless(can_restore_article(actor), only=REVIEWERS, action="restore articles")


def require_may_purge_article(actor: Actor) -> None:
    refuse_unless(can_purge_article(actor), only=SUPERUSERS, action="purge records")


# Claims -----------------------------------------------------------------------------


def can_create_claim(user: Actor) -> bool:
    """Researchers and reviewers record claims."""
    return may_record(user)


def can_edit_claim(user: Actor) -> bool:
    """Researchers and reviewers edit claims (a claim with a verdict is frozen whoever asks:
    ``claim_update`` refuses it with a 409)."""
    return may_record(user)


def can_delete_claim(user: Actor) -> bool:
    """Moving a claim to the trash is for reviewers."""
    return may_remove(user)


def can_restore_claim(user: Actor) -> bool:
    """Taking a claim out of the trash is for reviewers."""
    return may_remove(user)


def can_purge_claim(user: Actor) -> bool:
    """Deleting a claim in the trash for good is for superusers."""
    return can_purge(user)


def require_may_create_claim(actor: Actor) -> None:
    refuse_unless(can_create_claim(actor), only=RESEARCHERS_AND_REVIEWERS, action="record claims")


def require_may_edit_claim(actor: Actor) -> None:
    refuse_unless(can_edit_claim(actor), only=RESEARCHERS_AND_REVIEWERS, action="edit claims")


def require_may_delete_claim(actor: Actor) -> None:
    refuse_unless(can_delete_claim(actor), only=REVIEWERS, action="delete claims")


def require_may_restore_claim(actor: Actor) -> None:
    refuse_unless(can_restore_claim(actor), only=REVIEWERS, action="restore claims")


def require_may_purge_claim(actor: Actor) -> None:
    refuse_unless(can_purge_claim(actor), only=SUPERUSERS, action="purge records")


# Verification -----------------------------------------------------------------------


def _touches_a_verdict(current: str, to: str) -> bool:
    verdicts = Status.verdicts()
    return to in verdicts or current in verdicts


def can_transition(user: Actor, claim: Claim, to: str) -> bool:
    """Researchers move a claim between the statuses that are not verdicts; only reviewers
    give a verdict or reopen one. Whether the move needs a rationale or a citation is the
    workflow's rule (``claims.services.claim_transition``), not a question of role."""
    if _touches_a_verdict(claim.status, to):
        return may_remove(user)
    return may_record(user)


def require_may_transition(actor: Actor, claim: Claim, to: str) -> None:
    if can_transition(actor, claim, to):
        return
    if _touches_a_verdict(claim.status, to):
        action = "give a verdict" if to in Status.verdicts() else "reopen a verdict"
        raise Forbidden(f"Only reviewers may {action}.", code="reviewer_required")
    raise Forbidden("Only researchers and reviewers may change a claim's status.")


# Citations --------------------------------------------------------------------------


def can_add_citation(user: Actor) -> bool:
    """Researchers and reviewers cite sources for claims."""
    return may_record(user)


def can_edit_citation(user: Actor) -> bool:
    """Researchers and reviewers edit citations."""
    return may_record(user)


def can_remove_citation(user: Actor) -> bool:
    """Removing a citation is for reviewers."""
    return may_remove(user)


def require_may_add_citation(actor: Actor) -> None:
    refuse_unless(can_add_citation(actor), only=RESEARCHERS_AND_REVIEWERS, action="cite sources")


def require_may_edit_citation(actor: Actor) -> None:
    refuse_unless(can_edit_citation(actor), only=RESEARCHERS_AND_REVIEWERS, action="edit citations")


def require_may_remove_citation(actor: Actor) -> None:
    refuse_unless(can_remove_citation(actor), only=REVIEWERS, action="remove citations")


# The status history -----------------------------------------------------------------


def can_view_status_history(user: Actor) -> bool:
    """The working groups read the status history in the admin; nobody writes it there (only
    ``claim_transition`` does)."""
    return may_record(user)


# Same-claim links -------------------------------------------------------------------


def can_link_same_claims(user: Actor) -> bool:
    """Recording that two claims state the same thing is for researchers and reviewers, as
    adding a citation is."""
    return may_record(user)


def can_unlink_same_claims(user: Actor) -> bool:
    """Removing a same-claim link is for reviewers, as removing a citation is."""
    return may_remove(user)


def require_may_link_same_claims(actor: Actor) -> None:
    refuse_unless(
        can_link_same_claims(actor),
        only=RESEARCHERS_AND_REVIEWERS,
        action="record that two claims are the same",
    )


def require_may_unlink_same_claims(actor: Actor) -> None:
    refuse_unless(can_unlink_same_claims(actor), only=REVIEWERS, action="remove a same-claim link")


# Import -----------------------------------------------------------------------------


def can_import(user: Actor) -> bool:
    """An import creates and edits publishers, sources, articles, claims and citations: it
    is for researchers and reviewers, who may do each of those."""
    return may_record(user)


def require_may_import(actor: Actor) -> User:
    """The importing user, once the policy allows them: a signed-in researcher or reviewer."""
    refuse_unless(can_import(actor), only=RESEARCHERS_AND_REVIEWERS, action="import")
    if not isinstance(actor, User):  # can_import allows only users of the working groups
        raise AssertionError("can_import allowed an actor that is not a user")
    return actor
