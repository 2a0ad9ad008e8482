"""Confirmed matches in matching's answers: which results a researcher recorded as the same
claim (``SameClaimLink``), and, for ``/claims/{id}/similar/``, the claim's confirmed
equivalents first. Kept apart from the matching engine (claims/matching.py), which only
scores."""

from claims import matching
from claims.matching import ClaimMatch
from claims.selectors import confirmed_equivalents


def confirmed_first(
    *, claim_id: int, text: str, matches: list[ClaimMatch], limit: int
) -> tuple[list[ClaimMatch], set[int]]:
    """``matches`` with the claim's confirmed equivalents first (best score first, whatever
    the score: matching may not have found them), then the other matches in their order; at
    most ``limit``. Also the ids of the equivalents. One query, two when matching missed an
    equivalent."""
    equivalents = confirmed_equivalents(claim_ids=[claim_id])[claim_id]
    if not equivalents:
        return matches, equivalents
    missed = equivalents - {match.claim.pk for match in matches}
    confirmed = [match for match in matches if match.claim.pk in equivalents]
    if missed:
        confirmed += matching.scored_claims(text=text, claim_ids=missed)
    confirmed.sort(key=lambda match: (-match.similarity, match.claim.pk))
    others = [match for match in matches if match.claim.pk not in equivalents]
    return (confirmed + others)[:limit], equivalents


def confirmed_among(matches: list[ClaimMatch]) -> set[int]:
    """The ids of the results recorded as the same claim as another result of the same answer.
    One query; none for no results."""
    ids = {match.claim.pk for match in matches}
    equivalents = confirmed_equivalents(claim_ids=ids)
    return {claim_id for claim_id, others in equivalents.items() if others & ids}
