"""A claim's provenance: its citations, the chains of sources behind them, their origins, and
how many independent origins support and contradict it.

The rule (the same here and in claims/sql/independence.sql, whose functions keep the counts
stored on every claim; tests/claims/test_independence_property.py checks that the two agree
over generated reliance graphs): the chain behind a citation is its source and every source
reached through ``relies_on``; its *origins* are the sources of the chain that rely on nothing further (a
source relying on nothing is its own origin). Origins are independent when their publishers
differ; an origin without a publisher counts on its own. Ten articles repeating one press
release therefore count as one. Context citations count for neither side; an origin reached
by both a supporting and a contradicting citation counts on both sides.

``Claim.independent_support`` and ``independent_contradiction`` are kept by database triggers
on citations, reliance links and sources' publishers, so every door (API, admin, raw SQL,
imports) keeps them right and the claims list reads them as plain columns. A source's trash
move needs no trigger: the services keep a live claim's chains free of trashed sources.
Bulk loads that bypass the triggers call ``refresh_independence`` afterwards.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import pgtrigger
from django.contrib.admin.utils import quote
from django.db import connection, transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from rest_framework import serializers

from claims.models import Citation, Claim
from sources.models import Publisher
from sources.provenance import (
    ProvenanceEdgeSerializer,
    ProvenanceGraph,
    ProvenanceNode,
    ProvenanceNodeSerializer,
    reliance_graph,
)
from sources.serializers import PublisherSummarySerializer

COUNTED_STANCES = (Citation.Stance.SUPPORTS, Citation.Stance.CONTRADICTS)
REFRESH_BATCH = 50_000


@dataclass
class CitationChain:
    id: int
    source: int
    role: str
    stance: str
    origins: list[int]


@dataclass
class Origin:
    """An origin of the claim's chains, with the citations whose chains end there."""

    node: ProvenanceNode
    citations: list[int] = field(default_factory=list)
    stances: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.node.id

    @property
    def title(self) -> str:
        return self.node.title

    @property
    def publisher(self) -> Publisher | None:
        return self.node.publisher


@dataclass
class IndependentOrigin:
    """One independent origin: a publisher (or a source without one) and its origin sources."""

    publisher: Publisher | None
    origins: list[int]


@dataclass
class Independence:
    supporting: list[IndependentOrigin]
    contradicting: list[IndependentOrigin]

    @property
    def support(self) -> int:
        return len(self.supporting)

    @property
    def contradiction(self) -> int:
        return len(self.contradicting)


@dataclass
class ClaimProvenance:
    claim: int
    citations: list[CitationChain]
    graph: ProvenanceGraph
    origins: list[Origin]
    independence: Independence

    @property
    def depth(self) -> int:
        return self.graph.depth

    @property
    def nodes(self) -> list[ProvenanceNode]:
        return self.graph.node_list

    @property
    def edges(self) -> list[dict[str, int]]:
        return self.graph.edges


def _independent(origins: list[ProvenanceNode]) -> list[IndependentOrigin]:
    groups: dict[tuple[str, int], list[ProvenanceNode]] = defaultdict(list)
    for origin in origins:
        groups[origin.independence_key].append(origin)
    return [
        IndependentOrigin(publisher=members[0].publisher, origins=sorted(m.id for m in members))
        for _key, members in sorted(groups.items())
    ]


def claim_provenance(*, claim: Claim) -> ClaimProvenance:
    """The claim's citations and the chains behind them, in two queries however many
    citations and however long the chains."""
    citations = list(
        Citation.objects.filter(claim=claim)
        .order_by("added_at", "id")
        .values_list("id", "source_id", "role", "stance")
    )
    graph = reliance_graph(roots=[source_id for _id, source_id, _role, _stance in citations])
    chains, origins = [], {}
    sides: dict[str, dict[int, ProvenanceNode]] = {stance: {} for stance in COUNTED_STANCES}
    for citation_id, source_id, role, stance in citations:
        ends = graph.origins_of(source_id)
        chains.append(
            CitationChain(
                id=citation_id, source=source_id, role=role, stance=stance, origins=[n.id for n in ends]
            )
        )
        for node in ends:
            origin = origins.setdefault(node.id, Origin(node=node))
            origin.citations.append(citation_id)
            if stance not in origin.stances:
                origin.stances.append(stance)
            if stance in sides:
                sides[stance][node.id] = node
    independence = Independence(
        supporting=_independent(list(sides[Citation.Stance.SUPPORTS].values())),
        contradicting=_independent(list(sides[Citation.Stance.CONTRADICTS].values())),
    )
    for origin in origins.values():
        origin.stances.sort()
    return ClaimProvenance(
        claim=claim.pk,
        citations=chains,
        graph=graph,
        origins=sorted(origins.values(), key=lambda origin: origin.id),
        independence=independence,
    )


@transaction.atomic
def refresh_independence(*, batch_size: int = REFRESH_BATCH) -> int:
    """Recompute every claim's stored counts, for bulk loads that bypassed the triggers; a
    few set-based UPDATEs (one per ``batch_size`` ids). Returns how many claims changed.

    Counts are derived, so this writes no history event and moves no version: what changed
    is the record of the rule, not the claim."""
    bounds = Claim._base_manager.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return 0
    changed = 0
    with pgtrigger.ignore("claims.Claim:update_update"), connection.cursor() as cursor:
        for start in range(bounds["low"], bounds["high"] + 1, batch_size):
            cursor.execute(
                "SELECT claims_refresh_independence("
                "ARRAY(SELECT id FROM claims_claim WHERE id >= %s AND id < %s), false)",
                [start, start + batch_size],
            )
            changed += cursor.fetchone()[0]
    return changed


# Serializers ------------------------------------------------------------------------------


class ClaimProvenanceCitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the citation.")
    source = serializers.IntegerField(help_text="Id of the source cited: where its chain starts.")
    role = serializers.ChoiceField(
        choices=Citation.Role.choices, help_text="How the source came to be cited."
    )
    stance = serializers.ChoiceField(
        choices=Citation.Stance.choices,
        help_text="Whether the source supports or contradicts the claim; `context` counts for neither.",
    )
    origins = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the origins its chain ends at."
    )


class ProvenanceOriginSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the origin source.")
    title = serializers.CharField(help_text="Title of the origin source.")
    publisher = PublisherSummarySerializer(allow_null=True, help_text="Who published it; null if unknown.")
    citations = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the citations whose chains end here."
    )
    stances = serializers.ListField(
        child=serializers.ChoiceField(choices=Citation.Stance.choices),
        help_text="Stances of those citations.",
    )


class IndependentOriginSerializer(serializers.Serializer):
    publisher = PublisherSummarySerializer(
        allow_null=True,
        help_text="The publisher that makes these origins one; null for a single origin without a publisher.",
    )
    origins = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the origin sources counted as this one."
    )


class IndependenceSummarySerializer(serializers.Serializer):
    support = serializers.IntegerField(help_text="How many independent origins support the claim.")
    contradiction = serializers.IntegerField(help_text="How many independent origins contradict the claim.")
    supporting = IndependentOriginSerializer(many=True, help_text="The independent origins supporting it.")
    contradicting = IndependentOriginSerializer(
        many=True, help_text="The independent origins contradicting it."
    )


class ClaimProvenanceSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="Id of the claim.")
    citations = ClaimProvenanceCitationSerializer(
        many=True, help_text="The claim's citations, oldest first, each with the origins its chain ends at."
    )
    depth = serializers.IntegerField(
        help_text="The greatest depth of any source in the chains (0: no chain)."
    )
    nodes = ProvenanceNodeSerializer(
        many=True,
        help_text="Every source cited (depth 0) and every source their chains reach; `depth` is the "
        "shortest number of links from a cited source.",
    )
    edges = ProvenanceEdgeSerializer(many=True, help_text="Every reliance link in the chains.")
    origins = ProvenanceOriginSerializer(many=True, help_text="The sources the chains end at.")
    independence = IndependenceSummarySerializer(
        help_text="Independent origins, counted by publisher, supporting and contradicting the claim. "
        "The same counts as the claim's `independent_support` and `independent_contradiction`."
    )


# Admin --------------------------------------------------------------------------------------


def _source_link(node: ProvenanceNode):
    url = reverse("admin:sources_source_change", args=[quote(node.id)])
    return format_html('<a href="{}">{}</a>', url, node.title)


def _side_html(label: str, groups: list[IndependentOrigin], nodes: dict[int, ProvenanceNode]):
    if not groups:
        return format_html("<p><strong>{}: 0</strong></p>", label)
    items = format_html_join(
        "",
        "<li>{}: {}</li>",
        (
            (
                group.publisher.name if group.publisher is not None else "no publisher",
                format_html_join(", ", "{}", ((_source_link(nodes[pk]),) for pk in group.origins)),
            )
            for group in groups
        ),
    )
    return format_html("<p><strong>{}: {}</strong></p><ul>{}</ul>", label, len(groups), items)


def origins_html(claim: Claim, *, provenance: ClaimProvenance | None = None):
    """The claim's independent origins for its admin page, read-only (from ``provenance``
    when the page already has it)."""
    if claim.pk is None:
        return "—"
    if provenance is None:
        provenance = claim_provenance(claim=claim)
    nodes = provenance.graph.nodes
    independence = provenance.independence
    return format_html(
        "{}{}",
        _side_html("Independent origins supporting", independence.supporting, nodes),
        _side_html("Independent origins contradicting", independence.contradicting, nodes),
    )
