"""How well matching finds the claim: ranking measures over a set of queries with known answers.

A query is an ``EvalQuery``: a text, the ids of the claims that state it (``relevant``) and
optionally a claim to leave out (a claim's own id when the query is a claim's statement). Any
iterable of them can be evaluated, so sources are interchangeable: ``trec_queries`` reads a
TREC-style pair of files; a source built on confirmed "same claim as" links yields one query per
claim (its statement, its linked claims as ``relevant``, itself excluded).

Measures, averaged over the queries (``k`` cuts the ranking after k claims):

- AP@k: the sum, over each relevant claim within the first k, of the precision at its rank,
  divided by the number of relevant claims (as the CLEF-2020 CheckThat! scorer does); MAP@5;
- MRR: 1 / the rank of the first relevant claim in the whole ranking (0 if not found);
- P@1: whether the first claim is relevant;
- Recall@k: the share of the relevant claims within the first k.
"""

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from claims import matching
from claims.selectors import live_claims
from core.policies import SystemActor

MEASURES = ("MAP@5", "MRR", "P@1", "Recall@5", "Recall@20")


@dataclass(frozen=True)
class EvalQuery:
    id: str
    text: str
    relevant: frozenset[int]
    exclude_id: int | None = None


def read_tsv(path: Path) -> Iterator[list[str]]:
    """The rows of a tab-separated file with CSV-style quoting, its header row skipped."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows, None)
        yield from rows


def read_qrels(path: Path) -> dict[str, set[str]]:
    """``{query id: {document ids judged relevant}}`` of a TREC qrels file
    (``query <ws> iteration <ws> document <ws> relevance``; relevance 0 is skipped)."""
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 4:
                raise ValueError(f"{path}:{number}: expected 4 columns, found {len(parts)}")
            query, _, document, grade = parts
            if int(grade) > 0:
                relevant.setdefault(query, set()).add(document)
    return relevant


def trec_queries(
    *, queries: Path, qrels: Path, documents: Mapping[str, int] | None = None
) -> Iterator[EvalQuery]:
    """The queries of a TSV file (``id <TAB> text``, one header row) with the claims of a qrels
    file. Document ids are keys of ``documents`` (as ``load_documents`` returns), or when it is
    not given the ids of live claims. Queries with no relevant claim in the database are left
    out (they would score 0 whatever the matcher)."""
    judged = read_qrels(qrels)
    if documents is None:
        given = {int(d) for ids in judged.values() for d in ids if d.isdigit() and int(d) < 2**63}
        documents = {str(pk): pk for pk in live_claims().filter(pk__in=given).values_list("pk", flat=True)}
    for row in read_tsv(queries):
        if len(row) < 2 or row[0] not in judged:
            continue
        relevant = frozenset(documents[d] for d in judged[row[0]] if d in documents)
        if relevant:
            yield EvalQuery(id=row[0], text=row[1], relevant=relevant)


def confirmed_link_queries() -> Iterator[EvalQuery]:
    """One query per live claim that has confirmed "same claim as" links: its statement, the
    claims it is linked to as ``relevant``, itself left out of the ranking. Two queries, in id
    order, whatever the number of links."""
    from claims.selectors import live_same_claim_links

    linked: dict[int, set[int]] = {}
    for claim_a, claim_b in live_same_claim_links().values_list("claim_a_id", "claim_b_id"):
        linked.setdefault(claim_a, set()).add(claim_b)
        linked.setdefault(claim_b, set()).add(claim_a)
    statements = live_claims().filter(pk__in=linked).order_by("pk").values_list("pk", "statement")
    for pk, statement in statements:
        yield EvalQuery(id=str(pk), text=statement, relevant=frozenset(linked[pk]), exclude_id=pk)


def document_url(collection: str, document: str) -> str:
    return f"https://{collection}.invalid/document/{document}"


def load_documents(*, path: Path, collection: str, created_by: User | SystemActor) -> dict[str, int]:
    """Each row of a TSV file (``id <TAB> claim <TAB> headline``, one header row) recorded as
    one article (title: the headline, body: the claim, url naming the document) with one claim
    quoting its whole body, through the services, as ``created_by`` (a researcher, or ``SYSTEM``).
    Documents already loaded (same url) are kept.
    Returns ``{document id: claim id}``."""
    from claims.services import article_create, claim_create

    rows = [row for row in read_tsv(path) if len(row) >= 2 and row[1].strip()]
    prefix = document_url(collection, "")
    loaded = {
        url.removeprefix(prefix): pk
        for pk, url in live_claims().filter(article__url__startswith=prefix).values_list("pk", "article__url")
    }
    missing = [row for row in rows if row[0] not in loaded]
    for start in range(0, len(missing), 500):
        with transaction.atomic():
            for row in missing[start : start + 500]:
                body = row[1].strip()
                title = (row[2].strip() if len(row) > 2 else "") or body
                article = article_create(
                    created_by=created_by,
                    title=title[:500],
                    body=body,
                    url=document_url(collection, row[0]),
                )
                claim = claim_create(article=article, statement=body, quote=body, created_by=created_by)
                loaded[row[0]] = claim.pk
    return loaded


def ranking(query: EvalQuery) -> list[int]:
    """Matching's whole ranking for ``query``: claim ids, best first, ties by id."""
    scores = matching.rank(text=query.text, exclude_id=query.exclude_id)
    return sorted(scores, key=lambda pk: (-scores[pk], pk))


def measures(ranked: list, relevant: frozenset | set) -> dict[str, float]:
    """The measures of one ranking (see the module's docstring)."""
    hits = [item in relevant for item in ranked]
    found = 0
    precisions = 0.0
    for rank, hit in enumerate(hits[:5], 1):
        if hit:
            found += 1
            precisions += found / rank
    first = next((rank for rank, hit in enumerate(hits, 1) if hit), None)
    return {
        "MAP@5": precisions / len(relevant),
        "MRR": 1 / first if first else 0.0,
        "P@1": float(bool(hits[:1]) and hits[0]),
        "Recall@5": sum(hits[:5]) / len(relevant),
        "Recall@20": sum(hits[:20]) / len(relevant),
    }


def evaluate(queries: Iterable[EvalQuery], rank: Callable[[EvalQuery], list] = ranking) -> dict[str, float]:
    """The measures averaged over ``queries``, plus ``queries`` (how many) and ``empty`` (how
    many got no claim at all)."""
    totals = dict.fromkeys(MEASURES, 0.0)
    count = empty = 0
    for query in queries:
        ranked = rank(query)
        empty += not ranked
        for name, value in measures(ranked, query.relevant).items():
            totals[name] += value
        count += 1
    averages = {name: total / count if count else 0.0 for name, total in totals.items()}
    return {**averages, "queries": count, "empty": empty}
