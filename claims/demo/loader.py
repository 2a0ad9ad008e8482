"""Load the demo article, its sources and claims through the services, idempotently."""

from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.functions import Lower

from claims import services as claim_services
from claims.demo import content
from claims.models import Article, Citation, Claim, Status
from sources import services as source_services
from sources.models import Publisher, Source

ARTICLE_PATH = Path(__file__).with_name("article.txt")


def article_body() -> str:
    return ARTICLE_PATH.read_text(encoding="utf-8").rstrip("\n")


def _publisher(spec: dict, *, user: User) -> Publisher:
    existing = Publisher.objects.annotate(lname=Lower("name")).filter(lname=spec["name"].lower()).first()
    if existing:
        return existing
    return source_services.publisher_create(
        actor=user, name=spec["name"], kind=spec["kind"], country=spec["country"], url=spec["url"]
    )


def _source(
    spec: dict, publishers: dict[str, Publisher], sources: dict[str, Source], *, user: User
) -> Source:
    publisher = publishers.get(spec["publisher"]) if spec["publisher"] else None
    existing = Source.objects.filter(title=spec["title"], publisher=publisher).first()
    if existing:
        return existing
    fields = {k: spec[k] for k in source_services.SOURCE_FIELDS if k in spec and k != "publisher"}
    return source_services.source_create(
        actor=user, publisher=publisher, relies_on=[sources[key] for key in spec["relies_on"]], **fields
    )


@transaction.atomic
def load_demo(*, user: User) -> dict[str, int]:
    """Create what is missing of the demo; running it again changes nothing."""
    created = {"publishers": 0, "sources": 0, "articles": 0, "claims": 0, "citations": 0}
    publishers = {}
    for spec in content.PUBLISHERS:
        before = Publisher.objects.count()
        publishers[spec["key"]] = _publisher(spec, user=user)
        created["publishers"] += Publisher.objects.count() - before

    sources: dict[str, Source] = {}
    # Sources are listed so that each one comes after those it relies on.
    for spec in content.SOURCES:
        before = Source.objects.count()
        sources[spec["key"]] = _source(spec, publishers, sources, user=user)
        created["sources"] += Source.objects.count() - before

    spec = content.ARTICLE
    article = Article.objects.filter(title=spec["title"], byline=spec["byline"]).first()
    if article is None:
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

    for claim_spec in content.CLAIMS:
        claim = Claim.objects.filter(article=article, quote=claim_spec["quote"]).first()
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
        for cite in claim_spec["citations"]:
            source = sources[cite["source"]]
            if not Citation.objects.filter(claim=claim, source=source, role=cite["role"]).exists():
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
