-- Each claim's independence counts (Claim.independent_support and independent_contradiction),
-- kept by triggers on every table they depend on, so that no door (API, admin, raw SQL, an
-- import) can leave them stale. claims/provenance.py computes the same rule in Python for the
-- provenance pages; tests/claims/test_independence_property.py checks the two agree over
-- generated reliance graphs.
--
-- The rule: the chain behind a citation is its source and every source reached through
-- relies_on; its origins are the sources of the chain that rely on nothing further; an origin
-- counts once per publisher (one without a publisher counts on its own); context citations
-- count for nothing; an origin reached by a supporting and a contradicting citation counts on
-- both sides. Chains are walked with UNION, so even a cycle (refused by the services) ends.
--
-- Who calls what (the triggers are pgtrigger declarations in claims/models.py):
--   Citation.touch_claim (a row of claims_citation)         -> claims_touch
--   SourceRelianceIndependence (statements on reliance links) -> claims_reliance_changed
--   SourceIndependence (a source's publisher changed)       -> claims_source_publisher_changed
-- The last two are proxies of sources' models declared in the claims app: the rule is claims'
-- and sources knows nothing about claims, so the triggers live in claims' models and
-- migrations (which depend on sources', never the other way round), and these functions are
-- claims'. A sources table thus carries triggers only while the claims app is installed.
--
-- Applied with CREATE OR REPLACE by claims/migrations/0008_triggers_from_files.py. To change
-- the rule: edit this file and add a migration that applies it again (core.sqlfiles).

-- The counts of these claims: one row for every claim asked about, 0 and 0 when nothing counts.
CREATE OR REPLACE FUNCTION claims_independence(claim_ids bigint[])
RETURNS TABLE (claim_id bigint, support integer, contradiction integer)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain(claim_id, stance, source_id) AS (
            SELECT citation.claim_id, citation.stance, citation.source_id
            FROM claims_citation citation
            WHERE citation.claim_id = ANY(claim_ids)
              AND citation.stance IN ('supports', 'contradicts')
        UNION
            SELECT chain.claim_id, chain.stance, link.relies_on_id
            FROM chain JOIN sources_sourcereliance link ON link.source_id = chain.source_id
    ),
    counted(claim_id, support, contradiction) AS (
        SELECT chain.claim_id,
               count(DISTINCT COALESCE('publisher ' || source.publisher_id, 'source ' || source.id))
                   FILTER (WHERE chain.stance = 'supports'),
               count(DISTINCT COALESCE('publisher ' || source.publisher_id, 'source ' || source.id))
                   FILTER (WHERE chain.stance = 'contradicts')
        FROM chain JOIN sources_source source ON source.id = chain.source_id
        WHERE NOT EXISTS (SELECT 1 FROM sources_sourcereliance link WHERE link.source_id = chain.source_id)
        GROUP BY chain.claim_id
    )
    -- One row for every claim asked about, 0 and 0 when nothing counts.
    SELECT target.id, COALESCE(counted.support, 0)::integer, COALESCE(counted.contradiction, 0)::integer
    FROM (SELECT DISTINCT unnest(claim_ids) AS id) target
    LEFT JOIN counted ON counted.claim_id = target.id
$$;

-- A citation changed: move the claim's updated_at (and so its version) and store its counts,
-- in one write.
CREATE OR REPLACE FUNCTION claims_touch(claim_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE claims_claim claim
    SET updated_at = clock_timestamp(),
        independent_support = fresh.support,
        independent_contradiction = fresh.contradiction
    FROM claims_independence(claim_ids) fresh
    WHERE claim.id = fresh.claim_id
$$;

-- Store the counts of these claims where they changed; touch moves updated_at (and so the
-- version and ETag) too. Returns how many claims changed. Also run by
-- claims.provenance.refresh_independence after bulk loads that bypassed the triggers.
CREATE OR REPLACE FUNCTION claims_refresh_independence(claim_ids bigint[], touch boolean)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
BEGIN
    IF claim_ids IS NULL OR cardinality(claim_ids) = 0 THEN
        RETURN 0;
    END IF;
    UPDATE claims_claim claim
    SET independent_support = fresh.support,
        independent_contradiction = fresh.contradiction,
        updated_at = CASE WHEN touch THEN clock_timestamp() ELSE claim.updated_at END
    FROM claims_independence(claim_ids) fresh
    WHERE claim.id = fresh.claim_id
      AND (claim.independent_support, claim.independent_contradiction)
          IS DISTINCT FROM (fresh.support, fresh.contradiction);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$$;

-- The claims whose chains pass through these sources: those citing them or any source that
-- relies on them, however indirectly.
CREATE OR REPLACE FUNCTION claims_citing_chains_through(source_ids bigint[])
RETURNS bigint[] LANGUAGE sql STABLE AS $$
    WITH RECURSIVE dependent(id) AS (
            SELECT unnest(source_ids)
        UNION
            SELECT link.source_id
            FROM dependent JOIN sources_sourcereliance link ON link.relies_on_id = dependent.id
    )
    -- = ANY(ARRAY(...)) rather than a join: the planner cannot size a recursive CTE and would
    -- hash every citation to find the few citing a handful of sources.
    SELECT ARRAY(
        SELECT DISTINCT citation.claim_id
        FROM claims_citation citation
        WHERE citation.source_id = ANY(ARRAY(SELECT id FROM dependent))
    )
$$;

-- Reliance links of these sources were added, changed or removed: every claim whose chain
-- passes through a source that gained or lost a link. Called once per statement (the
-- statement-level triggers pass the sources of all the rows it wrote), however many links.
CREATE OR REPLACE FUNCTION claims_reliance_changed(source_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    SELECT claims_refresh_independence(claims_citing_chains_through(source_ids), true)
$$;

-- A source's publisher changed: it matters only where the source is an origin.
CREATE OR REPLACE FUNCTION claims_source_publisher_changed(changed_source bigint) RETURNS void
LANGUAGE sql AS $$
    SELECT claims_refresh_independence(claims_citing_chains_through(ARRAY[changed_source]), true)
    WHERE NOT EXISTS (SELECT 1 FROM sources_sourcereliance link WHERE link.source_id = changed_source)
$$;
