-- The term statistics of matching (claims/matching.py), counted again from the live claims:
-- the per-term counters of claims_claimterm (claims holding the term, its occurrences) and the
-- totals under the empty term, with no delta pending. Run by rebuild_term_statistics() and by
-- migration 0006_term_statistics; from then on the triggers on claims_claim keep them.
DELETE FROM claims_claimtermdelta;
DELETE FROM claims_claimterm;
INSERT INTO claims_claimterm (term, claims, occurrences)
SELECT lexeme, count(*), sum(coalesce(array_length(positions, 1), 1))
FROM claims_claim, unnest(claims_claim.search_vector)
WHERE claims_claim.deleted_at IS NULL
GROUP BY lexeme
UNION ALL
SELECT '', count(*), coalesce(sum((
    SELECT sum(coalesce(array_length(positions, 1), 1)) FROM unnest(claims_claim.search_vector)
)), 0)
FROM claims_claim WHERE claims_claim.deleted_at IS NULL;
