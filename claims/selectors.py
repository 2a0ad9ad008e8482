"""Read querysets for articles, claims and citations, with what their serializers need."""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import CharField, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import MD5, Cast, Coalesce, Concat, Left

from claims.anchoring import quote_in_paragraph
from claims.models import Article, Citation, Claim, SameClaimLink
from claims.provenance import ClaimProvenance, claim_provenance
from sources.models import Source

SUMMARY_LENGTH = 200


def live_articles() -> QuerySet[Article]:
    """Articles not in the trash: the only ones lists, lookups and id fields know."""
    return Article.objects.filter(deleted_at__isnull=True)


def live_claims() -> QuerySet[Claim]:
    """Claims not in the trash. A live claim's article and cited sources are live too."""
    return Claim.objects.filter(deleted_at__isnull=True)


def trashed_articles() -> QuerySet[Article]:
    return Article.objects.filter(deleted_at__isnull=False)


def trashed_claims() -> QuerySet[Claim]:
    return Claim.objects.filter(deleted_at__isnull=False)


def article_list() -> QuerySet[Article]:
    return (
        live_articles()
        .select_related("publisher", "created_by")
        .annotate(claim_count=Count("claims", filter=Q(claims__deleted_at__isnull=True)))
    )


def _claims_state() -> Coalesce:
    """A digest of the (id, version) of an article's live claims. Any change to a claim (an
    edit, a transition, a citation added or changed, the trash) raises its version, and a
    claim added or trashed changes the set, so the digest changes with whatever the article's
    page shows of its claims."""
    pairs = Concat(Cast("id", CharField()), Value(":"), Cast("version", CharField()))
    digest = (
        live_claims()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(state=Left(MD5(StringAgg(pairs, delimiter=",", order_by="id")), 12))
        .values("state")
    )
    return Coalesce(Subquery(digest, output_field=CharField()), Value(""))


def article_detail() -> QuerySet[Article]:
    """One article as read alone: with ``claims_state`` for its ETag (claims.views); empty
    while the article has no live claims."""
    return article_list().annotate(claims_state=_claims_state())


def article_claims_for_reading(*, article: Article) -> QuerySet[Claim]:
    """The article's live claims in body order, with the columns its reading view shows and
    their ``citation_count``: one query whatever their number."""
    return (
        live_claims()
        .filter(article=article)
        .only("id", "article_id", "statement", "quote", "quote_start", "quote_end", "claimant", "status")
        .annotate(citation_count=Count("citations"))
        .order_by("quote_start", "-quote_end", "id")
    )


def _citations_with_sources() -> QuerySet[Citation]:
    # Sources and publishers in brief: the columns their summaries show, nothing more.
    return (
        Citation.objects.select_related("source__publisher", "added_by")
        .only(
            *(field.name for field in Citation._meta.concrete_fields),
            "source__id",
            "source__kind",
            "source__title",
            "source__url",
            "source__publisher_id",
            "source__deleted_at",
            "source__publisher__id",
            "source__publisher__name",
            "added_by__id",
            "added_by__username",
        )
        .order_by("added_at", "id")
    )


def claim_rows() -> QuerySet[Claim]:
    """Live claims with their own columns, not their search vector: what the claims endpoints
    filter, page, take versions from and hand to the services. Their JSON is read by
    ``claims.rendering.claims_json``, with the article, creator and citations it shows."""
    return live_claims().defer("search_vector")


def claim_list() -> QuerySet[Claim]:
    """Live claims with what ``ClaimSerializer`` reads of them (the contract the API's JSON is
    checked against), without a query per claim."""
    # A claim shows its article in brief: the body and the search vectors stay in the database.
    return (
        live_claims()
        .select_related("article", "created_by")
        .defer("search_vector", "article__body", "article__search_vector")
        .prefetch_related(Prefetch("citations", queryset=_citations_with_sources()))
    )


def citation_list() -> QuerySet[Citation]:
    return _citations_with_sources().select_related("claim").filter(claim__deleted_at__isnull=True)


def live_same_claim_links() -> QuerySet[SameClaimLink]:
    """Links between two claims that are both out of the trash: a link of a trashed claim is
    hidden with it, and shown again when the claim is restored."""
    return SameClaimLink.objects.filter(claim_a__deleted_at__isnull=True, claim_b__deleted_at__isnull=True)


# What a claim in brief shows (SameClaimSummarySerializer): its statement, status and article.
_CLAIM_IN_BRIEF = ("id", "statement", "status", "article_id", "article__id", "article__title", "article__url")


def _claim_in_brief(prefix: str) -> list[str]:
    return [f"{prefix}__{name}" for name in _CLAIM_IN_BRIEF]


def same_claim_links_of(*, claim_id: int) -> QuerySet[SameClaimLink]:
    """The live links of one claim, newest first, with both claims (and their articles) in
    brief and whoever recorded them: one query however many."""
    return (
        live_same_claim_links()
        .filter(Q(claim_a_id=claim_id) | Q(claim_b_id=claim_id))
        .select_related("claim_a__article", "claim_b__article", "created_by")
        .only(
            *(field.name for field in SameClaimLink._meta.concrete_fields),
            *_claim_in_brief("claim_a"),
            *_claim_in_brief("claim_b"),
            "created_by__id",
            "created_by__username",
        )
        .order_by("-created_at", "-id")
    )


def same_claim_link_between(*, claim_id: int, other_id: int) -> QuerySet[SameClaimLink]:
    """The live link of the pair, whichever way round the two ids are given (empty if none)."""
    low, high = sorted((claim_id, other_id))
    return live_same_claim_links().filter(claim_a_id=low, claim_b_id=high)


def confirmed_equivalents(*, claim_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each of ``claim_ids``, the ids of the claims a researcher confirmed as stating the
    same thing (direct links only, both claims out of the trash); an empty set for a claim
    without any. One query whatever the number of ids; none for no ids."""
    wanted = set(claim_ids)
    equivalents: dict[int, set[int]] = {claim_id: set() for claim_id in wanted}
    if not wanted:
        return equivalents
    pairs = (
        live_same_claim_links()
        .filter(Q(claim_a_id__in=wanted) | Q(claim_b_id__in=wanted))
        .values_list("claim_a_id", "claim_b_id")
    )
    for claim_a_id, claim_b_id in pairs:
        if claim_a_id in wanted:
            equivalents[claim_a_id].add(claim_b_id)
        if claim_b_id in wanted:
            equivalents[claim_b_id].add(claim_a_id)
    return equivalents


TRASH_TYPES: dict[str, tuple[type[Article | Claim | Source], str]] = {
    "article": (Article, "title"),
    "claim": (Claim, "statement"),
    "source": (Source, "title"),
}


def trash_list(*, types: list[str] | None = None) -> QuerySet[Any, Mapping[str, object]]:
    """What is in the trash, newest deletion first: one row per record, as dicts with
    ``type``, ``id``, ``label`` (title or statement, cut short), ``deleted_at`` and
    ``deleted_by_name``, read in one query whatever the number of rows."""
    parts: list[QuerySet[Any, Mapping[str, object]]] = []
    for name, (model, text_field) in TRASH_TYPES.items():
        if types and name not in types:
            continue
        parts.append(
            model.objects.filter(deleted_at__isnull=False)
            .order_by()
            .annotate(
                type=Value(name, output_field=CharField()),
                label=Left(Cast(text_field, output_field=CharField()), SUMMARY_LENGTH),
                deleted_by_name=F("deleted_by__username"),
            )
            .values("type", "id", "label", "deleted_at", "deleted_by_name")
        )
    first, *rest = parts
    entries = first.union(*rest, all=True) if rest else first
    return entries.order_by("-deleted_at", "type", "-id")


@dataclass
class ClaimEvidence:
    """What a reviewer settles a claim from (the admin's evidence page)."""

    claim: Claim
    article: Article
    before: str
    quote: str
    after: str
    citations: list[Citation]
    provenance: ClaimProvenance
    stance_counts: dict[str, int] = field(default_factory=dict)


def claim_evidence(*, claim: Claim) -> ClaimEvidence:
    """The claim's article (the quote in its paragraph), its citations with their sources and
    publishers, and its provenance: four queries, however many citations and chains."""
    article = Article._base_manager.select_related("publisher").get(pk=claim.article_id)
    before, quote, after = quote_in_paragraph(body=article.body, start=claim.quote_start, end=claim.quote_end)
    citations = list(
        Citation.objects.filter(claim_id=claim.pk)
        .select_related("source__publisher", "added_by")
        .order_by("added_at", "id")
    )
    provenance = claim_provenance(claim=claim)
    chains = {chain.id: chain.origins for chain in provenance.citations}
    counts: dict[str, int] = {}
    for citation in citations:
        counts[citation.stance] = counts.get(citation.stance, 0) + 1
        # The sources its chain ends at, other than itself (a source relying on nothing).
        citation.chain_origins = [  # type: ignore[attr-defined]  # shown by the evidence page
            provenance.graph.nodes[pk] for pk in chains.get(citation.pk, []) if pk != citation.source_id
        ]
    return ClaimEvidence(
        claim=claim,
        article=article,
        before=before,
        quote=quote,
        after=after,
        citations=citations,
        provenance=provenance,
        stance_counts=counts,
    )


# Natural keys: how the import and the demo loader find the stored record a row stands for.

# ("id", pk), or an article's natural key: ("url", url) or ("title", title, byline).
ArticleKey = tuple[Hashable, ...]
# ("id", pk), or a claim's natural key: ("quote", article, quote, quote_start).
ClaimKey = tuple[Hashable, ...]
# (claim, source, role).
CitationKey = tuple[Hashable, Hashable, str]


def article_natural_key(*, url: str, title: str, byline: str) -> ArticleKey:
    """How an article is recognised: by its URL (normalised); without one, by its title and
    byline."""
    if url:
        return ("url", url)
    return ("title", title, byline)


def articles_by_key(keys: Iterable[ArticleKey]) -> dict[ArticleKey, list[Article]]:
    """The stored articles (those in the trash included) under each of ``keys`` that names
    any, in one query, lowest id first."""
    wanted = set(keys)
    kinds: dict[Hashable, set[Hashable]] = defaultdict(set)
    for key in wanted:
        kinds[key[0]].add(key[1])
    query = Q(pk__in=kinds["id"]) | Q(url__in=kinds["url"] - {""}) | Q(url="", title__in=kinds["title"])
    found: dict[ArticleKey, list[Article]] = defaultdict(list)
    for article in Article.objects.filter(query).order_by("id"):
        natural = article_natural_key(url=article.url, title=article.title, byline=article.byline)
        for key in (("id", article.pk), natural):
            if key in wanted:
                found[key].append(article)
    return dict(found)


def claim_natural_key(*, article: Hashable, quote: str, quote_start: int) -> ClaimKey:
    """How a claim is recognised: by its article (the article's id), exact quote and offset."""
    return ("quote", article, quote, quote_start)


def claims_by_key(keys: Iterable[ClaimKey]) -> dict[ClaimKey, Claim]:
    """The stored claim (in the trash or not) under each of ``keys`` that names one, in one
    query; of several claims with the same natural key, the oldest."""
    wanted = set(keys)
    ids = {key[1] for key in wanted if key[0] == "id"}
    naturals = [key for key in wanted if key[0] == "quote"]
    # By article alone: a list of every quote would make a long query slower to plan than the
    # few claims it leaves out.
    query = Q(pk__in=ids) | Q(article_id__in={key[1] for key in naturals})
    found: dict[ClaimKey, Claim] = {}
    for claim in Claim.objects.filter(query).order_by("id"):
        natural = claim_natural_key(
            article=claim.article_id, quote=claim.quote, quote_start=claim.quote_start
        )
        for key in (("id", claim.pk), natural):
            if key in wanted:
                found.setdefault(key, claim)
    return found


def citations_by_key(keys: Iterable[CitationKey]) -> dict[CitationKey, Citation]:
    """The stored citation under each (claim id, source id, role) of ``keys``, in one query."""
    wanted = set(keys)
    found = Citation.objects.filter(
        claim_id__in={key[0] for key in wanted}, source_id__in={key[1] for key in wanted}
    )
    return {
        key: citation
        for citation in found
        if (key := (citation.claim_id, citation.source_id, citation.role)) in wanted
    }
