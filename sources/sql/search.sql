-- Full-text search and trigram matching (core/search.py): the extensions, the IMMUTABLE
-- unaccent wrapper and the claimtrack text search configuration that the search columns, the
-- trigram indexes and matching are built on.
--
-- unaccent() itself is only STABLE (its dictionary could change), so generated columns and
-- index expressions use the IMMUTABLE wrapper: the dictionary is fixed here. A change to the
-- wrapper's body must rebuild what is computed from it (the search columns, the trigram
-- indexes) in the migration that applies this file again.
--
-- Applied by sources/migrations/0005_triggers_from_files.py (first by 0003_search, whose copy
-- is history); every statement may run again on a database that has it all already.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE OR REPLACE FUNCTION claimtrack_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- English stemming over unaccented words: "Żarif" finds "Zarif", "attacks" finds "attacked".
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'claimtrack') THEN
        CREATE TEXT SEARCH CONFIGURATION claimtrack (COPY = pg_catalog.english);
    END IF;
END $$;
ALTER TEXT SEARCH CONFIGURATION claimtrack
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem;
