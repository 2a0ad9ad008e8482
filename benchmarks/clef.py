"""Matching quality on CLEF-2020 CheckThat! Task 2 (English), beside BM25 on the same texts.

    .venv/bin/python -m benchmarks.clef                 # train and dev, Claimtrack and BM25
    .venv/bin/python -m benchmarks.clef --fit           # also fit the weights on train (printed)
    .venv/bin/python -m benchmarks.clef --fit --splits train   # the same without scoring dev

Loads the 10,375 verified claims (each as one article: title = the fact-check's headline,
body = the claim, one claim quoting the whole body) through the services into the database
``claimtrack_clef`` of the embedded server (or ``DATABASE_URL``, whose name must contain
``clef``), once; then ranks every train and dev tweet with ``claims.matching.rank`` and with
rank_bm25's ``BM25Okapi`` over the same claims (claim and headline; the texts tokenised and
stemmed by the same ``claimtrack`` configuration; the tweet as it is) and prints the
measures of ``claims.evaluation`` for both. ``--fit`` fits ``claims.matching.WEIGHTS`` by
logistic regression on the train candidates (the dev tweets never take part) and prints the
weights, their 5-fold cross-validated measures on train and the duplicate threshold reached on
train; paste them into claims/matching.py.

The data: ``--data`` (default /work/shared/benchmarks/clef2020-task2, see its SOURCES.md).
"""

import argparse
import json
import os
import sys
from pathlib import Path

DEFAULT_DATA = Path("/work/shared/benchmarks/clef2020-task2")
COLLECTION = "clef2020"
SPLITS = ("train", "dev")


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    url = os.environ.get("DATABASE_URL", "")
    if url and "clef" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("DATABASE_URL must name a database whose name contains 'clef'.")
    from config.localdb import ensure_database_url

    ensure_database_url("claimtrack_clef")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def tokens(texts: list[str]) -> list[list[str]]:
    """Each text's lexemes under the ``claimtrack`` configuration, repeated as often as they occur."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ord, ARRAY(
                SELECT lexeme FROM unnest(to_tsvector('claimtrack', text)),
                    generate_series(1, coalesce(array_length(positions, 1), 1))
                ORDER BY lexeme
            )
            FROM unnest(%s::text[]) WITH ORDINALITY AS given(text, ord) ORDER BY ord
            """,
            [texts],
        )
        return [row[1] for row in cursor.fetchall()]


def bm25_ranker(documents: dict[str, int], data: Path):
    from rank_bm25 import BM25Okapi

    from claims.evaluation import read_tsv

    rows = [row for row in read_tsv(data / "verified_claims.docs.tsv") if row[0] in documents]
    corpus = tokens([f"{row[1]} {row[2] if len(row) > 2 else ''}" for row in rows])
    claim_ids = [documents[row[0]] for row in rows]
    engine = BM25Okapi(corpus)

    def rank(query) -> list[int]:
        scores = engine.get_scores(tokens([query.text])[0])
        order = sorted(range(len(scores)), key=lambda index: (-scores[index], claim_ids[index]))
        return [claim_ids[index] for index in order[:100] if scores[index] > 0]

    return rank


def fit(evidence: list[tuple[dict[int, dict[str, float]], frozenset[int]]], names: list[str]):
    """The weights in two steps: for ranking, the softmax over each tweet's candidates
    (the probability given to its relevant claims, maximised by gradient ascent, L2); then the
    scale and intercept of a logistic regression of "is relevant" on that linear score, so
    that the score reads as a probability. Returns ``(intercept, weights)``."""
    import numpy as np

    groups = []
    for candidates, relevant in evidence:
        if not candidates or not relevant & candidates.keys():
            continue  # nothing to learn to rank
        ids = sorted(candidates)
        x = np.array([[candidates[pk][name] for name in names] for pk in ids])
        y = np.array([float(pk in relevant) for pk in ids])
        groups.append((x, y / y.sum()))
    # All the groups' candidates in one matrix; ``starts`` where each group begins.
    matrix = np.concatenate([x for x, _ in groups])
    target = np.concatenate([t for _, t in groups])
    group = np.concatenate([np.full(len(t), index) for index, (_, t) in enumerate(groups)])
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    w = np.zeros(len(names))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, 1501):
        z = matrix @ w
        p = np.exp(z - np.maximum.reduceat(z, starts)[group])
        p /= np.add.reduceat(p, starts)[group]
        gradient = matrix.T @ (target - p) / len(groups) - 1e-3 * w
        m = 0.9 * m + 0.1 * gradient
        v = 0.999 * v + 0.001 * gradient**2
        w += 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    scores = np.concatenate([x @ w for x, _ in groups])
    labels = np.concatenate([(target > 0).astype(float) for _, target in groups])
    mean, spread = scores.mean(), scores.std() or 1.0
    standard = np.stack([(scores - mean) / spread, np.ones_like(scores)], axis=1)
    beta = np.zeros(2)
    for _ in range(100):  # Newton's method on (scale, intercept) of the standardised score
        p = 1 / (1 + np.exp(-np.clip(standard @ beta, -50, 50)))
        gradient = standard.T @ (p - labels) + 1e-3 * beta
        hessian = (standard * (p * (1 - p))[:, None]).T @ standard + 1e-3 * np.eye(2)
        step = np.clip(np.linalg.solve(hessian, gradient), -1, 1)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    a = beta[0] / spread
    c = beta[1] - beta[0] * mean / spread
    return float(c), {name: float(a * value) for name, value in zip(names, w, strict=True)}


def cross_validated(evidence, names: list[str], folds: int = 5) -> dict[str, float]:
    """The measures on train when each fifth of its tweets is ranked by weights fitted on the
    other four (every ``folds``-th tweet in file order), to compare evidence without dev."""
    from claims import evaluation

    totals = dict.fromkeys(evaluation.MEASURES, 0.0)
    for fold in range(folds):
        intercept, weights = fit([e for index, e in enumerate(evidence) if index % folds != fold], names)
        for candidates, relevant in evidence[fold::folds]:
            scores = {pk: intercept + sum(weights[n] * f[n] for n in names) for pk, f in candidates.items()}
            ranked = sorted(scores, key=lambda pk: (-scores[pk], pk))
            for name, value in evaluation.measures(ranked, relevant).items():
                totals[name] += value
    return {name: total / len(evidence) for name, total in totals.items()}


def truncated(candidates: dict[int, dict[str, float]], count: int) -> dict[int, dict[str, float]]:
    """Stage 1's first ``count`` candidates, as ``candidate_evidence(candidates=count)`` gives them:
    ``bm25_relative`` is relative to the best of those kept."""
    kept = dict(list(candidates.items())[:count])
    best = max((features["bm25_relative"] for features in kept.values()), default=0.0) or 1.0
    return {pk: {**f, "bm25_relative": f["bm25_relative"] / best} for pk, f in kept.items()}


def duplicates(scored: list[tuple[dict[int, float], frozenset[int]]], threshold: float):
    """Precision and recall of listing, for each query, its claims scoring at least ``threshold``
    (at most ``DEFAULT_LIMIT``, as ``likely_duplicates`` does)."""
    from claims.matching import DEFAULT_LIMIT, SCORE_DIGITS

    listed = right = wanted = 0
    for scores, relevant in scored:
        shown = sorted(
            (pk for pk, s in scores.items() if round(s, SCORE_DIGITS) >= threshold),
            key=lambda pk: -scores[pk],
        )[:DEFAULT_LIMIT]
        listed += len(shown)
        right += len(relevant & set(shown))
        wanted += len(relevant)
    return (right / listed if listed else 1.0), right / wanted


def latency(data: Path) -> None:
    """p50 and p95 of ``similar_claims`` in this process (no HTTP), for the first 40 dev tweets
    and for 40 sentences (the dev tweets' claims, reworded by nothing but their normalisation)."""
    import time

    from claims.evaluation import read_tsv
    from claims.matching import similar_claims
    from claims.matching_text import normalise

    tweets = [row[1] for row in read_tsv(data / "dev" / "tweets.queries.tsv")][:40]
    sentences = [row[1] for row in read_tsv(data / "verified_claims.docs.tsv")][:4000:100]
    for name, texts in (("sentence", sentences), ("tweet", tweets)):
        times = []
        for text in texts:
            start = time.perf_counter()
            similar_claims(text=normalise(text) if name == "sentence" else text)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95) - 1]
        print(f"latency, {name}: n {len(times)}, p50 {p50:.0f} ms, p95 {p95:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--splits", nargs="+", default=list(SPLITS), choices=SPLITS, help="Splits to score.")
    parser.add_argument(
        "--evidence",
        type=Path,
        help="A JSON file keeping the candidates' evidence: read if it exists (refits cost no query), "
        "else written. Delete it after changing how evidence is gathered.",
    )
    parser.add_argument("--fit", action="store_true", help="Fit the weights on train and print them.")
    parser.add_argument(
        "--candidates",
        type=int,
        default=None,
        help="Score only stage 1's best N candidates (default: claims.matching.CANDIDATES); with "
        "--evidence gathered for more, its first N (the evidence keeps stage 1's order).",
    )
    parser.add_argument("--latency", action="store_true", help="Only time matching (after loading).")
    args = parser.parse_args(argv)
    setup()
    from claims import evaluation, matching
    from core.policies import SYSTEM

    count = args.candidates or matching.CANDIDATES

    print("loading the verified claims (once) ...", file=sys.stderr, flush=True)
    documents = evaluation.load_documents(
        path=args.data / "verified_claims.docs.tsv", collection=COLLECTION, created_by=SYSTEM
    )
    if args.latency:
        latency(args.data)
        return 0
    bm25 = bm25_ranker(documents, args.data)
    names = list(matching.WEIGHTS)
    results, evidence, scored = {}, {}, {}
    cached, queried = {}, {}
    if args.evidence and args.evidence.exists():
        raw = json.loads(args.evidence.read_text())
        # Evidence gathered by a version with more features keeps only those the weights name.
        cached = {
            key: {int(pk): {n: f[n] for n in names} for pk, f in value.items()} for key, value in raw.items()
        }
    splits = args.splits
    for split in splits:
        queries = list(
            evaluation.trec_queries(
                queries=args.data / split / "tweets.queries.tsv",
                qrels=args.data / split / "tweet-vclaim-pairs.qrels",
                documents=documents,
            )
        )
        evidence[split] = [
            (
                truncated(cached[f"{split}/{q.id}"], count)
                if f"{split}/{q.id}" in cached
                else matching.candidate_evidence(text=q.text, candidates=count),
                q.relevant,
            )
            for q in queries
        ]
        queried[split] = queries
        by_id = {q.id: candidates for q, (candidates, _) in zip(queries, evidence[split], strict=True)}
        if args.fit and split == "train":
            cross = cross_validated(evidence["train"], names)
            print("train, 5-fold cross-validation: " + ", ".join(f"{k} {v:.3f}" for k, v in cross.items()))
            matching.INTERCEPT, matching.WEIGHTS = fit(evidence["train"], names)
            print(f"INTERCEPT = {matching.INTERCEPT!r}\nWEIGHTS = {matching.WEIGHTS!r}")

        def ours(query, by_id=by_id):
            scores = {pk: matching.score(features) for pk, features in by_id[query.id].items()}
            return sorted(scores, key=lambda pk: (-scores[pk], pk))

        scored[split] = [
            ({pk: matching.score(f) for pk, f in candidates.items()}, relevant)
            for candidates, relevant in evidence[split]
        ]
        results[split] = {
            "Claimtrack": evaluation.evaluate(queries, ours),
            "BM25": evaluation.evaluate(queries, bm25),
        }
    if args.evidence and not args.evidence.exists():
        args.evidence.write_text(
            json.dumps(
                {
                    f"{split}/{q.id}": e
                    for split in splits
                    for q, (e, _) in zip(queried[split], evidence[split], strict=True)
                }
            )
        )
    if args.fit and "train" in scored:
        # Rescore train with the fitted weights, then the lowest threshold reaching the precision.
        scored["train"] = [
            ({pk: matching.score(f) for pk, f in candidates.items()}, relevant)
            for candidates, relevant in evidence["train"]
        ]
        for threshold in [t / 100 for t in range(5, 100)]:
            precision, recall = duplicates(scored["train"], threshold)
            print(f"threshold {threshold}: train precision {precision:.3f}, recall {recall:.3f}")
    print()
    print("| measure | " + " | ".join(f"{split} Claimtrack | {split} BM25" for split in splits) + " |")
    print("|---|" + "---:|" * (2 * len(splits)))
    for name in [*evaluation.MEASURES, "empty"]:
        cells = []
        for split in splits:
            for system in ("Claimtrack", "BM25"):
                value = results[split][system][name]
                cells.append(str(value) if name == "empty" else f"{value:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nqueries: " + ", ".join(f"{split} {results[split]['BM25']['queries']}" for split in splits))
    for split in splits:
        precision, recall = duplicates(scored[split], matching.DUPLICATE_THRESHOLD)
        print(
            f"likely_duplicates at {matching.DUPLICATE_THRESHOLD} on {split}: "
            f"precision {precision:.3f}, recall {recall:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
