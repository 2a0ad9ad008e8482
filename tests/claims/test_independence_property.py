"""The independence counts kept by the SQL triggers (claims/sql/independence.sql) are the ones
claims/provenance.py computes, over generated reliance graphs: chains, shared and missing
publishers, cycles (written behind the services' back, which refuse them), several citations
of one source, and then links added, retargeted and removed, publishers changed, stances
changed and citations removed, each checked as it is written."""

from collections import deque

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import services as claim_services
from claims.models import Citation, Claim
from claims.provenance import claim_provenance, refresh_independence
from core.policies import SYSTEM
from sources.models import Source, SourceReliance
from tests.factories import ArticleFactory, ClaimFactory, PublisherFactory, ReviewerFactory, SourceFactory

STANCES = list(Citation.Stance)
ROLES = list(Citation.Role)
CLAIMS = 2


@st.composite
def scenarios(draw):
    publishers = draw(st.integers(1, 3))
    sources = draw(st.integers(2, 7))
    source = st.integers(0, sources - 1)
    publisher = st.one_of(st.none(), st.integers(0, publishers - 1))
    pair = st.tuples(source, source).filter(lambda link: link[0] != link[1])
    any_index = st.integers(0, 50)
    claim = st.integers(0, CLAIMS - 1)
    return {
        "publishers": publishers,
        "publisher_of": draw(st.lists(publisher, min_size=sources, max_size=sources)),
        "links": draw(st.lists(pair, unique=True, max_size=10)),
        "citations": draw(
            st.lists(
                st.tuples(claim, source, st.sampled_from(ROLES), st.sampled_from(STANCES)),
                unique_by=lambda citation: citation[:3],
                max_size=8,
            )
        ),
        "steps": draw(
            st.lists(
                st.one_of(
                    st.tuples(st.just("link"), pair),
                    st.tuples(st.just("unlink"), any_index),
                    st.tuples(st.just("retarget"), st.tuples(any_index, source)),
                    st.tuples(st.just("publisher"), st.tuples(source, publisher)),
                    st.tuples(st.just("stance"), st.tuples(any_index, st.sampled_from(STANCES))),
                    st.tuples(st.just("uncite"), any_index),
                ),
                max_size=6,
            )
        ),
    }


class Model:
    """The scenario as plain data, with the rule computed on it directly: a third reckoning,
    independent of both the SQL and claims/provenance.py."""

    def __init__(self, scenario):
        self.publisher_of = list(scenario["publisher_of"])
        self.links = set(scenario["links"])
        self.citations = [list(citation) for citation in scenario["citations"]]

    def origins(self, start: int) -> set[int]:
        seen, queue = {start}, deque([start])
        while queue:
            current = queue.popleft()
            for source, target in self.links:
                if source == current and target not in seen:
                    seen.add(target)
                    queue.append(target)
        relying = {source for source, _ in self.links}
        return {source for source in seen if source not in relying}

    def counts(self, claim: int) -> tuple[int, int]:
        sides: dict[str, set[tuple[str, int]]] = {
            Citation.Stance.SUPPORTS: set(),
            Citation.Stance.CONTRADICTS: set(),
        }
        for cited_claim, source, _role, stance in self.citations:
            if cited_claim == claim and stance in sides:
                for origin in self.origins(source):
                    publisher = self.publisher_of[origin]
                    sides[stance].add(("source", origin) if publisher is None else ("publisher", publisher))
        return len(sides[Citation.Stance.SUPPORTS]), len(sides[Citation.Stance.CONTRADICTS])


def assert_counts_agree(claims: list[Claim], model: Model) -> None:
    for number, claim in enumerate(claims):
        stored = Claim.objects.values_list("independent_support", "independent_contradiction").get(
            pk=claim.pk
        )
        independence = claim_provenance(claim=claim).independence
        assert stored == (independence.support, independence.contradiction) == model.counts(number)


def apply(step, *, model: Model, sources, publishers, citations, reviewer) -> None:
    """One write, through the services where they allow it, else through the ORM (links that
    close a cycle, which the services refuse)."""
    kind, argument = step
    if kind == "link" and argument not in model.links:
        source, target = argument
        SourceReliance.objects.create(source=sources[source], relies_on=sources[target])
        model.links.add(argument)
    elif kind == "unlink" and model.links:
        source, target = sorted(model.links)[argument % len(model.links)]
        SourceReliance.objects.filter(source=sources[source], relies_on=sources[target]).delete()
        model.links.remove((source, target))
    elif kind == "retarget" and model.links:
        index, new_target = argument
        source, target = sorted(model.links)[index % len(model.links)]
        if new_target != source and (source, new_target) not in model.links:
            SourceReliance.objects.filter(source=sources[source], relies_on=sources[target]).update(
                relies_on=sources[new_target]
            )
            model.links.remove((source, target))
            model.links.add((source, new_target))
    elif kind == "publisher":
        source, publisher = argument
        Source.objects.filter(pk=sources[source].pk).update(
            publisher=None if publisher is None else publishers[publisher]
        )
        model.publisher_of[source] = publisher
    elif kind == "stance" and citations:
        index, stance = argument
        index %= len(citations)
        citations[index] = claim_services.citation_update(
            citation=citations[index], data={"stance": stance}, actor=SYSTEM
        )
        model.citations[index][3] = stance
    elif kind == "uncite" and citations:
        index = argument % len(citations)
        claim_services.citation_delete(citation=citations.pop(index), actor=reviewer)
        model.citations.pop(index)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_the_counts_kept_by_the_triggers_are_those_of_the_python_rule(scenario):
    with transaction.atomic():
        reviewer = ReviewerFactory()  # who removes citations (the system actor may not)
        model = Model(scenario)
        publishers = [PublisherFactory() for _ in range(scenario["publishers"])]
        sources = [
            SourceFactory(publisher=None if publisher is None else publishers[publisher])
            for publisher in model.publisher_of
        ]
        # All the links in one statement, cycles and all: the statement-level trigger sees them together.
        SourceReliance.objects.bulk_create(
            [
                SourceReliance(source=sources[source], relies_on=sources[target])
                for source, target in model.links
            ]
        )
        article = ArticleFactory()
        claims = [ClaimFactory(article=article) for _ in range(CLAIMS)]
        citations = [
            claim_services.citation_add(
                claim=claims[claim], source=sources[source], role=role, stance=stance, added_by=SYSTEM
            )
            for claim, source, role, stance in model.citations
        ]
        assert_counts_agree(claims, model)
        for step in scenario["steps"]:
            apply(
                step,
                model=model,
                sources=sources,
                publishers=publishers,
                citations=citations,
                reviewer=reviewer,
            )
            assert_counts_agree(claims, model)
        # Kept step by step, the counts are those of a recount from scratch.
        assert refresh_independence() == 0
        transaction.set_rollback(True)
