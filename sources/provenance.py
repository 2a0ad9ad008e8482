"""Provenance: the chain of sources a source rests on, through its ``relies_on`` links.

A chain is a directed graph (a newspaper report relies on a command's review, which may rely
on something further). Links never form a cycle: ``sources.services`` refuses the link that
would close one (``reliance_cycle`` finds it, under ``lock_reliance_graph``). The queries here
still walk the graph with ``UNION`` over its edges, so a cycle written behind the services'
back (raw SQL) ends the walk instead of looping.

An *origin* is a source in a chain that relies on nothing further (a source that relies on
nothing is its own origin). A trashed source is shown like any other, flagged ``in_trash``:
the services keep live sources off trashed ones, so only a chain that was already in the
trash (or written behind the services' back) can hold one.
"""

from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import connection
from rest_framework import serializers

from sources.models import Publisher, Source
from sources.serializers import PublisherSummarySerializer

# Key of the transaction-scoped advisory lock taken by every write that adds reliance links.
# One lock for the whole graph: two links that together close a cycle may belong to sources
# that share nothing else, and links are written rarely enough for one queue.
RELIANCE_LOCK_KEY = 0x50524F56  # "PROV"


def lock_reliance_graph() -> None:
    """Hold the reliance graph until the transaction ends, so that two transactions can never
    each add half of a cycle. Take it before any row lock (see ``sources.services``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RELIANCE_LOCK_KEY])


# The links that can be reached from the roots. UNION (not UNION ALL) keeps each link once,
# so the walk ends even on a cycle.
_REACHABLE_LINKS = """
    reach(source_id, relies_on_id) AS (
            SELECT link.source_id, link.relies_on_id
            FROM sources_sourcereliance link
            WHERE link.source_id = ANY(%(roots)s::bigint[])
        UNION
            SELECT link.source_id, link.relies_on_id
            FROM reach
            JOIN sources_sourcereliance link ON link.source_id = reach.relies_on_id
    )
"""

_GRAPH_SQL = f"""
    WITH RECURSIVE {_REACHABLE_LINKS},
    node(id) AS (
        SELECT unnest(%(roots)s::bigint[])
        UNION
        SELECT relies_on_id FROM reach
    ),
    outgoing(source_id, relies_on) AS (
        SELECT source_id, array_agg(relies_on_id ORDER BY relies_on_id) FROM reach GROUP BY source_id
    )
    SELECT source.id, source.title, source.kind, source.deleted_at IS NOT NULL,
           publisher.id, publisher.name, publisher.kind, publisher.country,
           COALESCE(outgoing.relies_on, '{{}}')
    FROM node
    JOIN sources_source source ON source.id = node.id
    LEFT JOIN sources_publisher publisher ON publisher.id = source.publisher_id
    LEFT JOIN outgoing ON outgoing.source_id = source.id
    ORDER BY source.id
"""  # noqa: S608 (no user input is formatted in: only the CTE text above)

# The links reachable from the new targets, returned only when one of them leads back to
# the source (so the common case, no cycle, returns nothing).
_CYCLE_SQL = f"""
    WITH RECURSIVE {_REACHABLE_LINKS}
    SELECT source_id, relies_on_id FROM reach
    WHERE EXISTS (SELECT 1 FROM reach WHERE relies_on_id = %(source)s)
"""  # noqa: S608


@dataclass
class ProvenanceNode:
    """A source in a chain, with its distance from the nearest root."""

    id: int
    title: str
    kind: str
    in_trash: bool
    publisher: Publisher | None
    relies_on: list[int]
    depth: int = 0

    @property
    def is_origin(self) -> bool:
        return not self.relies_on

    @property
    def independence_key(self) -> tuple[str, int]:
        """What makes an origin independent: its publisher, or itself when it has none."""
        return ("publisher", self.publisher.id) if self.publisher is not None else ("source", self.id)


@dataclass
class ProvenanceGraph:
    roots: list[int]
    nodes: dict[int, ProvenanceNode] = field(default_factory=dict)

    @property
    def root(self) -> int | None:
        return self.roots[0] if self.roots else None

    @property
    def node_list(self) -> list[ProvenanceNode]:
        return sorted(self.nodes.values(), key=lambda node: (node.depth, node.id))

    @property
    def edges(self) -> list[dict[str, int]]:
        return [
            {"source": node.id, "relies_on": target} for node in self.node_list for target in node.relies_on
        ]

    @property
    def depth(self) -> int:
        return max((node.depth for node in self.nodes.values()), default=0)

    def reachable_from(self, root: int) -> list[ProvenanceNode]:
        """The root and every source its chain reaches, nearest first."""
        seen, queue, found = {root}, deque([root]), []
        while queue:
            node = self.nodes.get(queue.popleft())
            if node is None:
                continue
            found.append(node)
            for target in node.relies_on:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return found

    def origins_of(self, root: int) -> list[ProvenanceNode]:
        return sorted((n for n in self.reachable_from(root) if n.is_origin), key=lambda n: n.id)


def reliance_graph(*, roots: Iterable[int]) -> ProvenanceGraph:
    """The chains behind ``roots``, in one recursive query whatever their length: every
    source reached, with its publisher and the links out of it. ``depth`` is the shortest
    distance from a root (0 for the roots). Roots that do not exist are left out."""
    graph = ProvenanceGraph(roots=sorted(set(roots)))
    if not graph.roots:
        return graph
    with connection.cursor() as cursor:
        cursor.execute(_GRAPH_SQL, {"roots": graph.roots})
        rows = cursor.fetchall()
    for sid, title, kind, in_trash, pid, pname, pkind, pcountry, relies_on in rows:
        publisher = Publisher(id=pid, name=pname, kind=pkind, country=pcountry) if pid is not None else None
        graph.nodes[sid] = ProvenanceNode(
            id=sid, title=title, kind=kind, in_trash=in_trash, publisher=publisher, relies_on=list(relies_on)
        )
    # Breadth first from all roots at once: each source gets its shortest distance.
    queue = deque(root for root in graph.roots if root in graph.nodes)
    seen = set(queue)
    while queue:
        node = graph.nodes[queue.popleft()]
        for target in node.relies_on:
            if target not in seen and target in graph.nodes:
                seen.add(target)
                graph.nodes[target].depth = node.depth + 1
                queue.append(target)
    return graph


def reliance_cycle(*, source_id: int, targets: Collection[int]) -> list[Source] | None:
    """The cycle that links from ``source_id`` to ``targets`` would close, as the sources
    along it in order (the source first and last, the shortest way round); None if there is
    none. Only the existing links matter: a new cycle leaves the source by one new link and
    comes back through existing ones."""
    if not targets:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_CYCLE_SQL, {"roots": sorted(targets), "source": source_id})
        links = cursor.fetchall()
    if not links:
        return None
    following: dict[int, list[int]] = {}
    for from_id, to_id in links:
        following.setdefault(from_id, []).append(to_id)
    # Shortest way back: breadth first from the targets, remembering where each came from.
    came_from: dict[int, int | None] = dict.fromkeys(sorted(targets))
    queue = deque(sorted(targets))
    while queue and source_id not in came_from:
        current = queue.popleft()
        for target in sorted(following.get(current, ())):
            if target not in came_from:
                came_from[target] = current
                queue.append(target)
    path = [source_id]
    step = came_from[source_id]
    while step is not None:
        path.append(step)
        step = came_from[step]
    path.append(source_id)
    path.reverse()
    titles = Source._base_manager.in_bulk(set(path))
    return [titles[pk] for pk in path]


# Serializers ------------------------------------------------------------------------------


class ProvenanceNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the source.")
    title = serializers.CharField(help_text="Title of the source.")
    kind = serializers.ChoiceField(choices=Source.Kind.choices, help_text="What kind of source this is.")
    publisher = PublisherSummarySerializer(allow_null=True, help_text="Who published it; null if unknown.")
    depth = serializers.IntegerField(
        help_text="Shortest number of links from where the chain starts (0 for the start itself)."
    )
    is_origin = serializers.BooleanField(
        help_text="True when the source relies on nothing further: the chain ends here."
    )
    in_trash = serializers.BooleanField(
        help_text="True when the source is in the trash (only chains already in the trash hold one)."
    )
    relies_on = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the sources this one relies on directly."
    )


class ProvenanceEdgeSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="Id of the source that relies on the other.")
    relies_on = serializers.IntegerField(help_text="Id of the source relied on.")


class SourceProvenanceSerializer(serializers.Serializer):
    """A source's chain as a graph."""

    source = serializers.IntegerField(source="root", help_text="Id of the source whose chain this is.")
    depth = serializers.IntegerField(
        help_text="The greatest depth of any source in the chain (0 when the source relies on nothing)."
    )
    nodes = ProvenanceNodeSerializer(
        many=True,
        source="node_list",
        help_text="The source itself (depth 0) and every source its chain reaches, by id.",
    )
    edges = ProvenanceEdgeSerializer(many=True, help_text="Every reliance link in the chain.")
