"""Claim matching: the live claims whose statement reads most like a given text.

Similarity is pg_trgm's ``similarity()`` of the unaccented texts: the share of distinct
three-letter sequences the two have in common (trigrams of lower-cased words, punctuation and
quotes ignored), from 0 (nothing shared) to 1 (the same words). It is computed on
``claimtrack_unaccent(statement)`` so that "Zarif" matches "Żarif", and found through the GIN
trigram index ``claim_statement_trgm`` built on that very expression.

Why ``similarity`` (``%``) and not ``word_similarity`` (``<%``): matching looks for *the same
claim* recorded twice, i.e. two whole sentences that say the same thing. ``similarity`` is
symmetric and penalises whatever one text has that the other lacks, so a one-word text does
not match every long statement containing that word. ``word_similarity`` measures how well the
text matches the best *part* of a statement: "embassy" would score 1.0 against every claim
mentioning an embassy, which is search (``?search=`` does that), not duplicate detection.

Finding the candidates fast. Scoring is always ``similarity()``; what changes with the text
is how the candidates are found:

- A sentence (three words or more that text search keeps) is matched through its
  *distinctive words*: the three of its lexemes that are rarest among the claims (read from
  PostgreSQL's statistics of ``search_vector``, ``pg_stats.most_common_elems``; a lexeme not
  listed there is rarer than all listed ones). Candidates are the claims having at least two of
  the three, found by the GIN index on ``search_vector``, and each is scored. At a million
  claims the trigram index alone took one to four seconds for a sentence, because every one of
  a sentence's trigrams is common; the distinctive words take tens of milliseconds. The price:
  a claim sharing fewer than two of those three words is not found, however similar its
  letters. A restatement of the same claim keeps its names, places and figures, which is what
  the rarest words are, so duplicates are found; a loose paraphrase may not be.
- A short text (fewer than three such words: a name, "Zarif denies") goes through the trigram
  index ``claim_statement_trgm``, narrowed by trigram count (``TrigramCount``): its trigrams
  are few, and the statements of a comparable length are few.

Measurements: benchmarks/README.md.
"""

import math
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQueryField, TrigramSimilarity
from django.db import connections, router, transaction
from django.db.models import BooleanField, F, Func, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Ceil, Floor

from claims.models import Claim
from claims.selectors import live_claims
from config.search import Unaccent

MIN_THRESHOLD = 0.5
DEFAULT_THRESHOLD = 0.5
DUPLICATE_THRESHOLD = 0.6
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_TEXT_LENGTH = 20_000
SCORE_DIGITS = 3


@dataclass(frozen=True)
class ClaimMatch:
    claim: Claim
    similarity: float


def has_trigrams(text: str) -> bool:
    """Whether pg_trgm can extract any trigram from ``text``: it needs a letter or a digit.
    A text without one shares nothing with any claim, and asking the index about it would
    make it read every entry, so it is answered without a query."""
    return any(char.isalnum() for char in text)


def similar_claims(
    *,
    text: str,
    exclude_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[ClaimMatch]:
    """The live claims whose statement has a trigram similarity of at least ``threshold``
    with ``text`` (accents, case and punctuation ignored), most similar first, then by id;
    at most ``limit`` of them, ``exclude_id`` left out. Each comes with its article (id,
    title and url only) and its score rounded to ``SCORE_DIGITS`` digits.

    One query (after setting the threshold for the transaction), whatever the limit."""
    if not MIN_THRESHOLD <= threshold <= 1 or not math.isfinite(threshold):
        raise ValueError(f"threshold must be between {MIN_THRESHOLD} and 1, not {threshold!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit!r}")
    if not has_trigrams(text):
        return []
    # The threshold of the ``%`` operator is a setting: set it for this transaction only, on
    # the connection the query runs on (a replica for a GET when one is configured).
    alias = router.db_for_read(Claim)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        words = distinctive_lexemes(text=text, cursor=cursor)
        if len(words) == DISTINCTIVE_WORDS:
            claims = _matches_by_words(
                text=text, words=words, threshold=threshold, exclude_id=exclude_id, limit=limit, alias=alias
            )
        else:
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)])
            queryset = matching_queryset(text=text, threshold=threshold)
            if exclude_id is not None:
                queryset = queryset.exclude(pk=exclude_id)
            claims = list(queryset.using(alias)[:limit])
    return [ClaimMatch(claim=claim, similarity=round(claim.similarity, SCORE_DIGITS)) for claim in claims]


DISTINCTIVE_WORDS = 3

# The text's lexemes, rarest first: a lexeme absent from the column's most common elements is
# rarer than any of them (frequency 0 here). Ties go alphabetically, so the choice is stable.
RAREST_LEXEMES = """
WITH text_lexemes AS (SELECT lexeme FROM unnest(to_tsvector('claimtrack', %s))),
common AS (
    SELECT unnest(most_common_elems::text::text[]) AS lexeme,
           unnest(most_common_elem_freqs) AS frequency
    FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'claims_claim' AND attname = 'search_vector'
)
SELECT text_lexemes.lexeme FROM text_lexemes LEFT JOIN common USING (lexeme)
ORDER BY coalesce(common.frequency, 0), text_lexemes.lexeme
LIMIT %s
"""


def distinctive_lexemes(*, text: str, cursor) -> list[str]:
    """The ``DISTINCTIVE_WORDS`` rarest lexemes of ``text`` among the claims (fewer if the
    text has fewer), from the planner's statistics: one cheap query, no table scan."""
    cursor.execute(RAREST_LEXEMES, [text, DISTINCTIVE_WORDS])
    return [lexeme for (lexeme,) in cursor.fetchall()]


class _MatchesTsquery(Func):
    """``search_vector @@ '<query>'::tsquery``, the query given as lexemes already normalised
    (``to_tsquery`` would stem them a second time)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


# At most this many candidates are scored per step: words that usually go together ("Rapid
# Support") can be in tens of thousands of claims, and scoring costs about 0.1 ms a claim.
CANDIDATE_CAP = 500


def _matches_by_words(*, text, words, threshold, exclude_id, limit, alias) -> list[Claim]:
    """First the claims holding all three words (a restatement keeps them: few rows, all
    scored); if fewer than ``limit`` reach the threshold, also up to ``CANDIDATE_CAP`` claims
    holding two of them."""
    found = candidates_by_words(text=text, words=words, threshold=threshold, required=3)
    if exclude_id is not None:
        found = found.exclude(pk=exclude_id)
    claims = list(found.using(alias)[:limit])
    if len(claims) < limit:
        more = candidates_by_words(text=text, words=words, threshold=threshold, required=2)
        more = more.exclude(
            pk__in=[exclude_id, *(claim.pk for claim in claims)]
            if exclude_id
            else [claim.pk for claim in claims]
        )
        claims += list(more.using(alias)[: limit - len(claims)])
        claims.sort(key=lambda claim: (-claim.similarity, claim.pk))
    return claims


def candidates_by_words(
    *, text: str, words: list[str], threshold: float, required: int = 2
) -> QuerySet[Claim]:
    """Live claims holding ``required`` (2 or 3) of the three ``words``, scored by
    ``similarity()`` (written so that it cannot use the trigram index: the word index is the
    one to use). At most ``CANDIDATE_CAP`` claims are scored."""
    first, second, third = (_lexeme(word) for word in words)
    if required == 3:
        query = f"{first} & {second} & {third}"
    else:
        query = f"({first} & {second}) | ({first} & {third}) | ({second} & {third})"
    target = Unaccent(Value(text))
    candidates = live_claims().filter(
        _MatchesTsquery(F("search_vector"), Value(query, output_field=SearchQueryField()))
    )
    # Unordered, so that the index scan stops at the cap instead of sorting every candidate.
    candidates = live_claims().filter(pk__in=candidates.order_by().values("pk")[:CANDIDATE_CAP])
    return (
        candidates.annotate(similarity=TrigramSimilarity(Unaccent("statement"), target))
        .filter(similarity__gte=threshold)
        .select_related("article")
        .only("id", "statement", "status", "article__id", "article__title", "article__url")
        .order_by("-similarity", "id")
    )


class TrigramCount(Func):
    """``claimtrack_trigram_count(text)``: how many distinct trigrams pg_trgm finds in the
    unaccented text (claims/migrations/0005_matching)."""

    function = "claimtrack_trigram_count"
    output_field = IntegerField()


def matching_queryset(*, text: str, threshold: float) -> QuerySet[Claim]:
    """The live claims reaching ``threshold`` (which must also be the transaction's
    ``pg_trgm.similarity_threshold``), annotated with ``similarity``, best first.

    The trigram filter is written on the indexed expression itself,
    ``claimtrack_unaccent(statement) % claimtrack_unaccent(text)``: anything else (no unaccent,
    ``similarity() >= x``) would not use ``claim_statement_trgm``. The trigram-count filter is a
    necessary condition (two sets of m and n trigrams share at most min(m, n), so their
    similarity is at most min/max): it loses no match, and for a very short or very long text
    it lets ``claim_statement_trgm_count`` narrow the search to the few statements of a
    comparable size, where the trigram index would read almost every entry."""
    target = Unaccent(Value(text))
    size = TrigramCount(Value(text))
    queryset = (
        live_claims()
        .alias(unaccented=Unaccent("statement"), size=TrigramCount("statement"))
        .filter(
            unaccented__trigram_similar=target,
            # Rounded outwards, so that float rounding can only widen the range.
            size__gte=Cast(Floor(size * Value(threshold)), IntegerField()),
            size__lte=Cast(Ceil(size / Value(threshold)), IntegerField()),
        )
        .annotate(similarity=TrigramSimilarity(Unaccent("statement"), target))
        .select_related("article")
        .only("id", "statement", "status", "article__id", "article__title", "article__url")
        .order_by("-similarity", "id")
    )
    return queryset


def scored_claims(*, text: str, claim_ids: set[int]) -> list[ClaimMatch]:
    """The live claims among ``claim_ids``, each with its score for ``text`` as matching gives
    it but whatever that score (no threshold), best first: for claims chosen by other means
    (confirmed equivalents) that matching has to rank. One query."""
    target = Unaccent(Value(text))
    claims = (
        live_claims()
        .filter(pk__in=claim_ids)
        .annotate(similarity=TrigramSimilarity(Unaccent("statement"), target))
        .select_related("article")
        .only("id", "statement", "status", "article__id", "article__title", "article__url")
        .order_by("-similarity", "id")
    )
    return [ClaimMatch(claim=claim, similarity=round(claim.similarity, SCORE_DIGITS)) for claim in claims]


def likely_duplicates(*, claim: Claim, limit: int = DEFAULT_LIMIT) -> list[ClaimMatch]:
    """Other live claims, in any article, that very probably state the same thing as ``claim``
    (similarity of at least ``DUPLICATE_THRESHOLD``)."""
    return similar_claims(
        text=claim.statement, exclude_id=claim.pk, limit=limit, threshold=DUPLICATE_THRESHOLD
    )
