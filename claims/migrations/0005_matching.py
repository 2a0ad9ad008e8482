# Claim matching (claims/matching.py): the number of distinct trigrams of a statement, indexed.
#
# Two texts of m and n trigrams have a similarity of at most min(m, n) / max(m, n), so a
# matching query may keep only statements of a comparable trigram count, with no match lost.
# For a very short or very long text that range holds few statements and this index finds them
# at once, where the trigram index would read nearly all its entries (a one-letter text took
# more than a minute at a million claims, against a few milliseconds with this index).
#
# Written in SQL because the function is SQL: Django knows neither it nor the index, so they
# leave the model state, and makemigrations, unchanged.

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION claimtrack_trigram_count(text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_length(public.show_trgm(public.claimtrack_unaccent($1)), 1), 0) $$;
CREATE INDEX claim_statement_trgm_count ON claims_claim (claimtrack_trigram_count(statement));
"""

BACKWARD = """
DROP INDEX IF EXISTS claim_statement_trgm_count;
DROP FUNCTION IF EXISTS claimtrack_trigram_count(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_provenance"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
