"""Load the demo article, its sources and claims through the services, idempotently: each
record is looked for by its natural key (the selectors the import uses) and created only
when missing."""

from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from claims import services as claim_services
from claims.demo import content
from claims.models import Status
from claims.selectors import (
    article_natural_key,
    articles_by_key,
    citations_by_key,
    claim_natural_key,
    claims_by_key,
)
from sources import services as source_services
from sources.identity import name_key
from sources.models import Publisher, Source
from sources.selectors import publishers_by_name_key, source_natural_key, sources_by_key

ARTICLE_PATH = Path(__file__).with_name("article.txt")


def article_body() -> str:
    return ARTICLE_PATH.read_text(encoding="utf-8").rstrip("\n")


def _publishers(created: dict[str, int], *, user: User) -> dict[str, Publisher]:
    stored = publishers_by_name_key(name_key(spec["name"]) for spec in content.PUBLISHERS)
    publishers = {}
    for spec in content.PUBLISHERS:
        publisher = stored.get(name_key(spec["name"]))
        if publisher is None:
            publisher = source_services.publisher_create(
                actor=user, name=spec["name"], kind=spec["kind"], country=spec["country"], url=spec["url"]
            )
            created["publishers"] += 1
        publishers[spec["key"]] = publisher
    return publishers


def _sources(publishers: dict[str, Publisher], created: dict[str, int], *, user: User) -> dict[str, Source]:
    keys = {}
    for spec in content.SOURCES:
        publisher = publishers[spec["publisher"]] if spec["publisher"] else None
        keys[spec["key"]] = source_natural_key(
            url=spec["url"],
            identifier=spec["identifier"],
            title=spec["title"],
            publisher=publisher.pk if publisher else None,
        )
    stored = sources_by_key(keys.values())
    sources: dict[str, Source] = {}
    # Sources are listed so that each one comes after those it relies on.
    for spec in content.SOURCES:
        matches = stored.get(keys[spec["key"]])
        if matches:
            sources[spec["key"]] = matches[0]
            continue
        fields = {k: spec[k] for k in source_services.SOURCE_FIELDS if k in spec and k != "publisher"}
        sources[spec["key"]] = source_services.source_create(
            actor=user,
            publisher=publishers[spec["publisher"]] if spec["publisher"] else None,
            relies_on=[sources[key] for key in spec["relies_on"]],
            **fields,
        )
        created["sources"] += 1
    return sources


@transaction.atomic
def load_demo(*, user: User) -> dict[str, int]:
    """Create what is missing of the demo; running it again changes nothing."""
    created = {"publishers": 0, "sources": 0, "articles": 0, "claims": 0, "citations": 0}
    publishers = _publishers(created, user=user)
    sources = _sources(publishers, created, user=user)

    spec = content.ARTICLE
    key = article_natural_key(url=spec["url"], title=spec["title"], byline=spec["byline"])
    matches = articles_by_key([key]).get(key)
    if matches:
        article = matches[0]
    else:
        article = claim_services.article_create(
            created_by=user,
            title=spec["title"],
            byline=spec["byline"],
            url=spec["url"],
            publisher=publishers[spec["publisher"]],
            published_on=spec["published_on"],
            language=spec["language"],
            body=article_body(),
        )
        created["articles"] += 1

    # Each demo quote occurs once in the body, which places it.
    claim_keys = [
        claim_natural_key(
            article=article.pk, quote=claim_spec["quote"], quote_start=article.body.find(claim_spec["quote"])
        )
        for claim_spec in content.CLAIMS
    ]
    stored_claims = claims_by_key(claim_keys)
    claims = []
    for claim_key, claim_spec in zip(claim_keys, content.CLAIMS, strict=True):
        claim = stored_claims.get(claim_key)
        if claim is None:
            claim = claim_services.claim_create(
                article=article,
                statement=claim_spec["statement"],
                quote=claim_spec["quote"],
                claimant=claim_spec["claimant"],
                claim_date=claim_spec["claim_date"],
                created_by=user,
            )
            created["claims"] += 1
        claims.append(claim)

    stored_citations = citations_by_key(
        (claim.pk, sources[cite["source"]].pk, cite["role"])
        for claim, claim_spec in zip(claims, content.CLAIMS, strict=True)
        for cite in claim_spec["citations"]
    )
    for claim, claim_spec in zip(claims, content.CLAIMS, strict=True):
        for cite in claim_spec["citations"]:
            source = sources[cite["source"]]
            if (claim.pk, source.pk, cite["role"]) not in stored_citations:
                claim_services.citation_add(
                    claim=claim,
                    source=source,
                    role=cite["role"],
                    stance=cite["stance"],
                    quote=cite["quote"],
                    locator=cite["locator"],
                    note=cite["note"],
                    added_by=user,
                )
                created["citations"] += 1
        if claim_spec["status"] == Status.IN_REVIEW and claim.status == Status.UNVERIFIED:
            claim_services.claim_transition(
                claim=claim, to=Status.IN_REVIEW, actor=user, rationale="Demo: picked for review."
            )
    return created
