"""Claim matching: the live claims that state what a given text states, best first.

Two stages, both in PostgreSQL, then a small linear model in Python.

1. **Candidates.** The text is normalised (claims/matching_text.py) and turned into lexemes by
   the ``claimtrack`` search configuration (English stemming over unaccented words). Each
   lexeme weighs its BM25 inverse document frequency, ``ln(1 + (N - n + 0.5) / (n + 0.5))``,
   from the term statistics Claimtrack keeps itself (``ClaimTerm``: ``n`` live claims hold it,
   ``N`` live claims in all; kept current by the claim triggers, claims/models.py). The live
   claims holding the lexemes are reached through the GIN index on ``search_vector``, reading
   at most ``MAX_POSTINGS`` of them in all, whatever the text (each claim read costs a visit to
   its row): the rarest lexemes first, each read whole, as long as they add up to half that
   budget (at most ``MAX_QUERY_TERMS`` lexemes; when even the rarest is held by more, it is read
   up to half the budget); then, of the lexemes left, the claims holding the rarest two, three
   ... ``PAIR_TERMS`` at once and the rarest with each of the next (the index intersects their
   postings, so few rows are read), up to the other half. A lexeme held by more than
   ``MAX_HELD`` claims is not read at all (its postings alone would cost more than the rest,
   and it weighs little), unless the text has no other. A lexeme left out still counts in the
   scores. ``likely_duplicates`` reads at most ``DUPLICATE_POSTINGS`` (a claim stating the same
   thing holds the statement's rarest lexemes together). The ``CANDIDATES`` with the greatest
   sum of their shared lexemes' weights are kept (lexemes read together weigh all of theirs). A
   text none of whose lexemes any claim holds (a name spelt otherwise, a stop word) takes its
   candidates from the trigram index instead (similarity of at least ``TRIGRAM_FLOOR``), at
   most ``CANDIDATES`` of them.
2. **Evidence.** For each candidate: its BM25 score against the text (k1 = 1.2, b = 0.75,
   lengths in lexeme occurrences), the same for its article's headline (without length
   normalisation), their sum relative to the best candidate's, the share of the claim's own
   weight that the text covers (a long tweet quoting a short claim covers it all) and the same
   for its headline, pg_trgm's trigram similarity of the unaccented texts and the share of the
   claim's (and headline's) trigrams found in the text (claims/matching_text.py computes them
   on the hundred candidates, cheaper than calling pg_trgm row by row), and the numbers and
   names (capitalised words) they share.
3. **Score.** ``score = 1 / (1 + exp(-(b + w · evidence)))``. The weights ``WEIGHTS`` are
   fitted on the CLEF-2020 CheckThat! Task 2 training tweets (benchmarks/clef.py): first for
   ranking (the probability that the right claim is the first, softmax over each tweet's
   candidates), then scaled with ``INTERCEPT`` by a logistic regression so that the score is
   an estimate of the probability that the claim is the one the text states, in 0..1 (0.5:
   even odds). Results come best first, ties by id.

Measurements: benchmarks/README.md ("Matching quality", "Matching at a million claims").
"""

import math
from dataclasses import dataclass
from pathlib import Path

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, router, transaction
from django.db.models import IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Ceil, Floor

from claims.matching_text import WORD, containment, fold, names, normalise, numbers, similarity, trigrams
from claims.models import Claim, TrigramCount
from claims.selectors import live_claims
from core.search import Unaccent

MIN_THRESHOLD = 0.0
DEFAULT_THRESHOLD = 0.0
# Chosen for precision on CLEF-2020 train (benchmarks/README.md gives its precision and recall).
DUPLICATE_THRESHOLD = 0.8
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_TEXT_LENGTH = 20_000
SCORE_DIGITS = 3

CANDIDATES = 100
DUPLICATE_CANDIDATES = 30
MAX_POSTINGS = 2_000
# likely_duplicates' stage 1: a claim stating the same thing holds the statement's rarest words
# together, so a quarter of the budget finds it (the same duplicates for 799 of 800 CLEF-2020
# train tweets, benchmarks/README.md "Matching at a million claims, stage 1").
DUPLICATE_POSTINGS = 500
MAX_QUERY_TERMS = 32
PAIR_TERMS = 3
MAX_HELD = 20_000
TRIGRAM_FLOOR = 0.3
K1 = 1.2
B = 0.75

# Fitted on CLEF-2020 train by benchmarks/clef.py --fit (logistic regression, L2).
INTERCEPT = -12.602
WEIGHTS = {
    "bm25": 4.185,
    "title_bm25": 2.910,
    "bm25_relative": 5.846,
    "claim_cover": 0.270,
    "title_cover": -0.328,
    "similarity": 7.950,
    "word_similarity": 0.503,
    "title_word_similarity": 3.102,
    "numbers_shared": 0.752,
    "numbers_missing": 0.274,
    "names_cover": 1.334,
}


@dataclass(frozen=True)
class ClaimMatch:
    claim: Claim
    similarity: float


def has_trigrams(text: str) -> bool:
    """Whether pg_trgm can extract any trigram from ``text``: it needs a letter or a digit.
    A text without one shares nothing with any claim and is answered without a query."""
    return any(char.isalnum() for char in text)


def idf(*, holding: int, total: int) -> float:
    """BM25's inverse document frequency, always positive."""
    return math.log(1 + (total - holding + 0.5) / (holding + 0.5))


def similar_claims(
    *,
    text: str,
    exclude_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
    threshold: float = DEFAULT_THRESHOLD,
    candidates: int = CANDIDATES,
    postings: int | None = None,
) -> list[ClaimMatch]:
    """The live claims stating most probably what ``text`` states, with a score of at least
    ``threshold`` (0..1, see the module's docstring), best first, then by id; at most
    ``limit`` of them, ``exclude_id`` left out. Each comes with its article (id, title and
    url only) and its score rounded to ``SCORE_DIGITS`` digits. At most five queries."""
    if not math.isfinite(threshold) or not MIN_THRESHOLD <= threshold <= 1:
        raise ValueError(f"threshold must be between {MIN_THRESHOLD} and 1, not {threshold!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit!r}")
    ranked = rank(text=text, exclude_id=exclude_id, candidates=candidates, postings=postings)
    scored = [(score, pk) for pk, score in ranked.items() if round(score, SCORE_DIGITS) >= threshold]
    scored.sort(key=lambda pair: (-round(pair[0], SCORE_DIGITS), pair[1]))
    scored = scored[:limit]
    if not scored:
        return []
    alias = router.db_for_read(Claim)
    claims = (
        live_claims()
        .using(alias)
        .select_related("article")
        .only("id", "statement", "status", "article__id", "article__title", "article__url")
        .in_bulk([pk for _, pk in scored])
    )
    return [
        ClaimMatch(claim=claims[pk], similarity=round(score, SCORE_DIGITS))
        for score, pk in scored
        if pk in claims
    ]


def rank(
    *, text: str, exclude_id: int | None = None, candidates: int = CANDIDATES, postings: int | None = None
) -> dict[int, float]:
    """Every candidate claim of ``text`` (stage 1, at most ``candidates``, reading at most
    ``postings`` claims, by default ``MAX_POSTINGS``) with its score in 0..1 (stages 2 and 3)."""
    evidence = candidate_evidence(text=text, exclude_id=exclude_id, candidates=candidates, postings=postings)
    return {pk: score(features) for pk, features in evidence.items()}


def score(features: dict[str, float]) -> float:
    total = INTERCEPT + sum(WEIGHTS[name] * value for name, value in features.items())
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, total))))


# The counts of some terms: their ClaimTerm row plus the deltas not folded in yet. The row of
# the empty term gives the number of live claims and their total length.
_COUNTED = """
WITH wanted AS ({wanted}),
counted AS (
    SELECT term, claims, occurrences FROM claims_claimterm WHERE term IN (SELECT term FROM wanted)
    UNION ALL
    SELECT term, claims, occurrences FROM claims_claimtermdelta WHERE term IN (SELECT term FROM wanted)
)
SELECT wanted.term, coalesce(sum(claims), 0)::bigint, coalesce(sum(occurrences), 0)::bigint
FROM wanted LEFT JOIN counted USING (term) GROUP BY wanted.term
"""
TERM_STATISTICS = _COUNTED.format(wanted="SELECT DISTINCT term FROM unnest(%(terms)s::text[]) AS term")

# The same for the lexemes of a text, as the ``claimtrack`` configuration cuts them, and the
# empty term: the text's lexemes and their counts in one round trip.
TEXT_STATISTICS = _COUNTED.format(
    wanted="SELECT lexeme AS term FROM unnest(to_tsvector('claimtrack', %(text)s)) UNION SELECT ''"
)

# Stage 1: one GIN index scan per query (a lexeme, or two lexemes at once), at most ``cap``
# claims read from each, the claims summed by the weights of what they share.
CANDIDATES_BY_TERMS = """
SELECT hit.id, sum(wanted.weight) AS shared
FROM unnest(%(queries)s::tsquery[], %(weights)s::float8[], %(caps)s::int[]) AS wanted(query, weight, cap)
CROSS JOIN LATERAL (
    SELECT claim.id FROM claims_claim AS claim
    WHERE claim.search_vector @@ wanted.query AND claim.deleted_at IS NULL AND claim.id <> %(exclude)s
    LIMIT wanted.cap
) AS hit
GROUP BY hit.id
ORDER BY shared DESC, hit.id
LIMIT %(limit)s
"""

# Stage 1 for a text of only lexemes held by more than MAX_HELD claims: its rarest, given as a
# value so that the planner sees how common it is and reads the table until it has enough
# (a few rows per hit) rather than building the index's bitmap of hundreds of thousands.
CANDIDATES_BY_COMMON_TERM = """
SELECT claim.id FROM claims_claim AS claim
WHERE claim.search_vector @@ %(query)s::tsquery AND claim.deleted_at IS NULL AND claim.id <> %(exclude)s
LIMIT %(limit)s
"""

# Stage 2: what the re-ranking needs of each candidate.
CANDIDATE_FEATURES = """
SELECT claim.id, claim.statement, article.title, vector.lexemes, vector.counts,
       ARRAY(SELECT lexeme FROM unnest(to_tsvector('claimtrack', article.title)))
FROM claims_claim AS claim
JOIN claims_article AS article ON article.id = claim.article_id
LEFT JOIN LATERAL (
    SELECT array_agg(lexeme) AS lexemes, array_agg(coalesce(array_length(positions, 1), 1)) AS counts
    FROM unnest(claim.search_vector)
) AS vector ON true
WHERE claim.id = ANY(%(ids)s)
"""


# The SQL of the rule lives in one file, read by the function below and by the migration.
REBUILD_TERM_STATISTICS = (Path(__file__).parent / "sql" / "term_statistics_rebuild.sql").read_text()


@transaction.atomic
def rebuild_term_statistics() -> None:
    """Count the term statistics again from the live claims, for writes that bypassed the
    triggers (a bulk load with ``session_replication_role = replica``). Locks the tables
    against concurrent claim writes while it counts, so that no delta is lost."""
    with connections["default"].cursor() as cursor:
        cursor.execute("LOCK TABLE claims_claim IN SHARE MODE")
        cursor.execute(REBUILD_TERM_STATISTICS)


def term_statistics(cursor, terms) -> dict[str, tuple[int, int]]:
    """``{term: (live claims holding it, its occurrences)}`` for ``terms`` and the empty term."""
    cursor.execute(TERM_STATISTICS, {"terms": [*set(terms), ""]})
    return {term: (claims, occurrences) for term, claims, occurrences in cursor.fetchall()}


def text_statistics(cursor, text: str) -> dict[str, tuple[int, int]]:
    """``term_statistics`` of the lexemes of ``text`` (and the empty term), in one query."""
    cursor.execute(TEXT_STATISTICS, {"text": text})
    return {term: (claims, occurrences) for term, claims, occurrences in cursor.fetchall()}


def _tsquery(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def stage_one(held: dict[str, int], weights: dict[str, float], *, postings: int | None = None) -> dict:
    """The parameters of ``CANDIDATES_BY_TERMS``, reading at most ``postings`` claims (by default
    ``MAX_POSTINGS``; see the module's docstring). ``common``: the text has only lexemes held by
    more than ``MAX_HELD`` claims, its rarest read by ``CANDIDATES_BY_COMMON_TERM`` instead."""
    postings = MAX_POSTINGS if postings is None else postings
    order = sorted((term for term, count in held.items() if count), key=lambda term: (-weights[term], term))
    readable = [term for term in order if held[term] <= MAX_HELD] or order[:1]
    singles, rest, budget = [], [], postings // 2
    for term in readable[:MAX_QUERY_TERMS]:
        if held[term] <= budget:
            singles.append((_tsquery(term), weights[term], held[term]))
            budget -= held[term]
        else:
            rest.append(term)
    if not singles and rest:
        singles.append((_tsquery(rest[0]), weights[rest[0]], postings // 2))
    # The claims holding the rarest two, three ... PAIR_TERMS of the others at once (a claim
    # stating the same thing holds them all), then the rarest with each of the next ones. The
    # index intersects from the rarest's postings, so the others may be common.
    common = bool(order) and held[order[0]] > MAX_HELD
    others = [term for term in order if term not in readable]
    kept = (rest + others)[:PAIR_TERMS] if rest and not common else []
    groups = [kept[:size] for size in range(len(kept), 1, -1)] + [[kept[0], other] for other in kept[2:]]
    together = [
        (" & ".join(_tsquery(term) for term in group), sum(weights[term] for term in group))
        for group in groups
    ]
    queries = singles + [(query, weight, postings // 2 // len(together)) for query, weight in together]
    return {
        "queries": [query for query, _, _ in queries],
        "weights": [weight for _, weight, _ in queries],
        "caps": [cap for _, _, cap in queries],
        "common": common,
    }


def candidate_evidence(
    *, text: str, exclude_id: int | None = None, candidates: int = CANDIDATES, postings: int | None = None
) -> dict[int, dict[str, float]]:
    """Stage 1 and 2: ``{claim id: {feature: value}}`` for the (at most ``candidates``)
    candidates of ``text``, in stage 1's order (stage 1 reading at most ``postings`` claims)."""
    cleaned = normalise(text)
    if not has_trigrams(cleaned):
        return {}
    alias = router.db_for_read(Claim)
    # No transaction: each query reads committed data on its own (a transaction would add two
    # round trips and make no snapshot of its own under READ COMMITTED).
    with connections[alias].cursor() as cursor:
        stats = text_statistics(cursor, cleaned)
        lexemes = sorted(term for term in stats if term)
        total, length = stats.get("", (0, 0))
        if total == 0:
            return {}
        weights = {term: idf(holding=held, total=total) for term, (held, _) in stats.items() if term and held}
        exclude = -1 if exclude_id is None else exclude_id
        holding = {term: count for term, (count, _) in stats.items() if term}
        plan = stage_one(holding, weights, postings=postings)
        ids: list[int] = []
        if plan["common"]:
            limit = min(candidates, plan["caps"][0])
            common = {"query": plan["queries"][0], "exclude": exclude, "limit": limit}
            cursor.execute(CANDIDATES_BY_COMMON_TERM, common)
            ids = [pk for (pk,) in cursor.fetchall()]
        elif plan["queries"]:
            cursor.execute(CANDIDATES_BY_TERMS, {**plan, "exclude": exclude, "limit": candidates})
            ids = [pk for pk, _ in cursor.fetchall()]
        if not ids:
            ids = _trigram_candidates(
                text=cleaned, exclude_id=exclude_id, alias=alias, cursor=cursor, limit=candidates
            )
        if not ids:
            return {}
        cursor.execute(CANDIDATE_FEATURES, {"text": cleaned, "ids": ids})
        position = {pk: index for index, pk in enumerate(ids)}
        rows = sorted(cursor.fetchall(), key=lambda row: position[row[0]])
        claim_terms = {term for row in rows for term in (row[3] or []) + row[5]}
        stats.update(term_statistics(cursor, claim_terms - stats.keys()))
    for term, (held, _) in stats.items():
        if term and term not in weights:
            weights[term] = idf(holding=held, total=total)
    average = max(length / total, 1.0)
    query_terms = set(lexemes)
    query_weight = sum(weights.get(term, 0.0) for term in query_terms) or 1.0
    text_numbers = numbers(cleaned)
    text_words = set(WORD.findall(fold(cleaned)))
    evidence = {}
    text_trigrams = trigrams(cleaned)
    for pk, statement, title, claim_lexemes, counts, title_lexemes in rows:
        claim_trigrams, title_trigrams = trigrams(statement), trigrams(title)
        claim_lexemes, counts = claim_lexemes or [], counts or []
        size = sum(counts)
        bm25 = 0.0
        for term, count in zip(claim_lexemes, counts, strict=True):
            if term in query_terms:
                bm25 += weights[term] * count * (K1 + 1) / (count + K1 * (1 - B + B * size / average))
        title_bm25 = sum(weights.get(term, 0.0) for term in set(title_lexemes) & query_terms)
        claim_numbers = numbers(statement) | numbers(title)
        shared_numbers = len(text_numbers & claim_numbers)
        claim_names = names(statement) | names(title)
        evidence[pk] = {
            "bm25": bm25 / query_weight,
            "title_bm25": title_bm25 / query_weight,
            "bm25_relative": bm25 + title_bm25,  # divided by the best candidate's below
            "claim_cover": _cover(claim_lexemes, query_terms, weights),
            "title_cover": _cover(title_lexemes, query_terms, weights),
            "similarity": similarity(claim_trigrams, text_trigrams),
            "word_similarity": containment(claim_trigrams, text_trigrams),
            "title_word_similarity": containment(title_trigrams, text_trigrams),
            "numbers_shared": min(shared_numbers, 3),
            "numbers_missing": float(bool(claim_numbers) and not shared_numbers),
            "names_cover": len(claim_names & text_words) / len(claim_names) if claim_names else 0.0,
        }
    best = max((features["bm25_relative"] for features in evidence.values()), default=0.0) or 1.0
    for features in evidence.values():
        features["bm25_relative"] /= best
    return evidence


def _cover(lexemes, query_terms: set[str], weights: dict[str, float]) -> float:
    """The share of the weight of ``lexemes`` that the text's lexemes hold."""
    whole = sum(weights.get(term, 0.0) for term in set(lexemes))
    return sum(weights.get(term, 0.0) for term in set(lexemes) & query_terms) / whole if whole else 0.0


def _trigram_candidates(*, text: str, exclude_id: int | None, alias: str, cursor, limit: int) -> list[int]:
    queryset = matching_queryset(text=text, threshold=TRIGRAM_FLOOR)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    # The threshold is set for this transaction only (``set_config(..., true)``).
    with transaction.atomic(using=alias):
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_FLOOR)])
        return list(queryset.using(alias).values_list("pk", flat=True)[:limit])


def matching_queryset(*, text: str, threshold: float) -> QuerySet[Claim]:
    """The live claims reaching trigram similarity ``threshold`` (which must also be the
    transaction's ``pg_trgm.similarity_threshold``), annotated with ``similarity``, best first.

    The trigram filter is written on the indexed expression itself,
    ``claimtrack_unaccent(statement) % claimtrack_unaccent(text)``, so that it uses
    ``claim_statement_trgm``. The trigram-count filter is a necessary condition (two sets of m
    and n trigrams share at most min(m, n), so their similarity is at most min/max): it loses no
    match, and for a very short or very long text it lets ``claim_statement_trgm_count`` narrow
    the search to the few statements of a comparable size."""
    target = Unaccent(Value(text))
    size = TrigramCount(Value(text))
    return (
        live_claims()
        .alias(unaccented=Unaccent("statement"), size=TrigramCount("statement"))
        .filter(
            unaccented__trigram_similar=target,
            size__gte=Cast(Floor(size * Value(threshold)), IntegerField()),
            size__lte=Cast(Ceil(size / Value(threshold)), IntegerField()),
        )
        .annotate(similarity=TrigramSimilarity(Unaccent("statement"), target))
        .order_by("-similarity", "id")
    )


def scored_claims(*, text: str, claim_ids: set[int]) -> list[ClaimMatch]:
    """The live claims among ``claim_ids``, each with the score matching gives it for ``text``
    but whatever that score (no threshold; 0 for a claim that is no candidate at all), best
    first: for claims chosen by other means (confirmed equivalents) that matching has to rank."""
    scores = rank(text=text)
    claims = (
        live_claims()
        .filter(pk__in=claim_ids)
        .select_related("article")
        .only("id", "statement", "status", "article__id", "article__title", "article__url")
    )
    found = [
        ClaimMatch(claim=claim, similarity=round(scores.get(claim.pk, 0.0), SCORE_DIGITS)) for claim in claims
    ]
    return sorted(found, key=lambda match: (-match.similarity, match.claim.pk))


def likely_duplicates(*, claim: Claim, limit: int = DEFAULT_LIMIT) -> list[ClaimMatch]:
    """Other live claims, in any article, that very probably state the same thing as ``claim``
    (score of at least ``DUPLICATE_THRESHOLD``). Only stage 1's best ``DUPLICATE_CANDIDATES`` are
    scored, stage 1 reading at most ``DUPLICATE_POSTINGS`` claims: a claim stating the same thing
    shares the statement's rarest words, so it is among them."""
    return similar_claims(
        text=claim.statement,
        exclude_id=claim.pk,
        limit=limit,
        threshold=DUPLICATE_THRESHOLD,
        candidates=DUPLICATE_CANDIDATES,
        postings=DUPLICATE_POSTINGS,
    )
