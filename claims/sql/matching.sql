-- Claim matching (claims/matching.py): the number of distinct trigrams of a text, unaccented,
-- behind the expression index claim_statement_trgm_count (Claim.Meta.indexes, TrigramCount).
--
-- Two texts of m and n trigrams have a similarity of at most min(m, n) / max(m, n), so a
-- matching query may keep only statements of a comparable trigram count, with no match lost.
-- For a very short or very long text that range holds few statements and the index finds them
-- at once, where the trigram index would read nearly all its entries (a one-letter text took
-- more than a minute at a million claims, against a few milliseconds with the index).
--
-- IMMUTABLE, so that it may be indexed: a change to its body must rebuild the index
-- (REINDEX INDEX claim_statement_trgm_count) in the migration that applies it again.
-- Applied with CREATE OR REPLACE by claims/migrations/0008_triggers_from_files.py.
CREATE OR REPLACE FUNCTION claimtrack_trigram_count(text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_length(public.show_trgm(public.claimtrack_unaccent($1)), 1), 0) $$;
