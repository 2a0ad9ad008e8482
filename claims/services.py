"""Every write to articles, claims, citations and verification status goes through here."""

from typing import Any

import pgtrigger
from django.contrib.auth.models import User
from django.db import transaction

from claims.anchoring import anchor_quote, reanchor
from claims.models import Article, Citation, Claim, Status, StatusChange
from config.errors import Conflict, Forbidden, InvalidInput
from config.roles import is_researcher, is_reviewer
from sources.services import _normal_url

ARTICLE_FIELDS = ("title", "url", "byline", "publisher", "published_on", "language", "body")
CLAIM_FIELDS = ("article", "statement", "quote", "quote_start", "quote_end", "claimant", "claim_date")
CITATION_EDITABLE = ("role", "stance", "quote", "locator", "note")
SUPPORT_NEEDED = {
    Status.VERIFIED: Citation.Stance.SUPPORTS,
    Status.PARTLY_VERIFIED: Citation.Stance.SUPPORTS,
    Status.REFUTED: Citation.Stance.CONTRADICTS,
}


# Articles ---------------------------------------------------------------------------


def _check_article_url(url: str, *, exclude_id: int | None = None) -> None:
    if not url:
        return
    clash = Article.objects.filter(url=url)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    existing = clash.values_list("id", flat=True).first()
    if existing is not None:
        raise Conflict(
            f"Article {existing} already has this URL.",
            field="url",
            code="duplicate",
            extra={"existing_id": existing},
        )


@transaction.atomic
def article_create(*, created_by: User | None, **fields: Any) -> Article:
    """Article URLs are stored normalised and unique when present."""
    fields["url"] = _normal_url(fields.get("url", ""))
    _check_article_url(fields["url"])
    article = Article(created_by=created_by, **fields)
    article.save()
    return article


@transaction.atomic
def article_update(*, article: Article, data: dict[str, Any]) -> Article:
    """An edit of the body keeps every claim anchored: a quote still at its offset stays,
    a quote that now occurs once elsewhere moves, and an edit that loses a quote (or makes
    it ambiguous) is refused with the claims it would break."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if "url" in data:
        data["url"] = _normal_url(data["url"])
        _check_article_url(data["url"], exclude_id=article.pk)
    moved: list[Claim] = []
    if "body" in data and data["body"] != article.body:
        broken = []
        for claim in article.claims.select_for_update().order_by("id"):
            start = reanchor(
                old_body=article.body, new_body=data["body"], quote=claim.quote, quote_start=claim.quote_start
            )
            if start is None:
                broken.append(claim.pk)
            elif start != claim.quote_start:
                claim.quote_start, claim.quote_end = start, start + len(claim.quote)
                moved.append(claim)
        if broken:
            raise Conflict(
                f"The new body no longer contains the exact quote of claims {broken} exactly once; "
                "edit or delete those claims first.",
                field="body",
                code="breaks_anchors",
                extra={"claims": broken},
            )
    for field in ARTICLE_FIELDS:
        if field in data:
            setattr(article, field, data[field])
    article.save()
    for claim in moved:
        claim.save(update_fields=["quote_start", "quote_end", "updated_at"])
    return article


@transaction.atomic
def article_delete(*, article: Article) -> None:
    """An article with claims cannot be deleted."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    claim_ids = list(article.claims.values_list("id", flat=True)[:200])
    if claim_ids:
        raise Conflict(
            "The article still has claims; delete them first.", code="in_use", extra={"claims": claim_ids}
        )
    article.delete()


# Claims -----------------------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    article: Article,
    statement: str,
    quote: str,
    created_by: User | None,
    quote_start: int | None = None,
    quote_end: int | None = None,
    claimant: str = "",
    claim_date=None,
) -> Claim:
    """The quote must stand in the article body: offsets are computed when not given and
    checked when given."""
    start, end = anchor_quote(body=article.body, quote=quote, quote_start=quote_start, quote_end=quote_end)
    claim = Claim(
        article=article,
        statement=statement.strip(),
        quote=quote,
        quote_start=start,
        quote_end=end,
        claimant=claimant.strip(),
        claim_date=claim_date,
        created_by=created_by,
    )
    claim.save()
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, data: dict[str, Any]) -> Claim:
    """A claim with a verdict is frozen: reopen it before changing what was judged.
    A new quote, new offsets or a new article are anchored again."""
    claim = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
    changes = {field: data[field] for field in CLAIM_FIELDS if field in data}
    if not changes:
        return claim
    if claim.has_verdict and any(getattr(claim, f) != v for f, v in changes.items()):
        raise Conflict(
            f"The claim has the verdict '{claim.status}'; reopen it (transition to in_review) "
            "before editing.",
            code="has_verdict",
        )
    anchor_fields = {"article", "quote", "quote_start", "quote_end"}
    if anchor_fields & changes.keys():
        article = changes.get("article", claim.article)
        quote = changes.get("quote", claim.quote)
        offsets_given = changes.get("quote_start") is not None or changes.get("quote_end") is not None
        same_span = article.pk == claim.article_id and quote == claim.quote
        # Old offsets still hold for the same quote in the same article; for a new quote or a
        # new article they mean nothing unless the client sends them.
        kept_start = claim.quote_start if same_span else None
        start, end = anchor_quote(
            body=article.body,
            quote=quote,
            quote_start=changes.get("quote_start") if offsets_given else kept_start,
            quote_end=changes.get("quote_end") if offsets_given else None,
        )
        changes.update(quote_start=start, quote_end=end)
    for field, value in changes.items():
        setattr(claim, field, value.strip() if field in ("statement", "claimant") else value)
    claim.save()
    return claim


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Deleting a claim removes its citations and its status history with it."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    # The history table refuses deletes; this is the one door allowed to remove rows,
    # together with the claim they describe.
    with pgtrigger.ignore("claims.StatusChange:status_change_append_only"):
        claim.delete()


def _require_role_for(*, actor: User, current: str, target: str) -> None:
    verdicts = Status.verdicts()
    if target in verdicts or current in verdicts:
        if not is_reviewer(actor):
            action = "give a verdict" if target in verdicts else "reopen a verdict"
            raise Forbidden(f"Only reviewers may {action}.", code="reviewer_required")
    elif not is_researcher(actor):
        raise Forbidden("Only researchers and reviewers may change a claim's status.")


@transaction.atomic
def claim_transition(*, claim: Claim, to: str, actor: User, rationale: str = "") -> StatusChange:
    """Move a claim to a new status and record the change, in one transaction.

    Researchers move claims between unverified and in_review; only reviewers give or
    reopen a verdict, always with a rationale. verified and partly_verified need a
    citation that supports the claim, refuted one that contradicts it.
    """
    if to not in Status.values:
        raise InvalidInput(f'"{to}" is not a status.', field="status", code="invalid_choice")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    current = claim.status
    _require_role_for(actor=actor, current=current, target=to)
    if to == current:
        raise Conflict(f"The claim is already {current}.", field="status", code="no_change")
    rationale = rationale.strip()
    if (to in Status.verdicts() or current in Status.verdicts()) and not rationale:
        raise InvalidInput(
            "A rationale is required to give or reopen a verdict.", field="rationale", code="required"
        )
    needed = SUPPORT_NEEDED.get(to)
    if needed and not claim.citations.filter(stance=needed).exists():
        raise Conflict(
            f"'{to}' needs at least one citation whose stance is '{needed}'.",
            field="status",
            code="citation_required",
        )
    claim.status = to
    claim.save(update_fields=["status", "updated_at"])
    return StatusChange.objects.create(
        claim=claim, from_status=current, to_status=to, rationale=rationale, changed_by=actor
    )


# Citations --------------------------------------------------------------------------


def _check_verdict_still_holds(claim: Claim, *, without: Citation | None, stance_after: str | None) -> None:
    """A citation that a claim's verdict rests on cannot be removed or turned around."""
    needed = SUPPORT_NEEDED.get(claim.status)
    if needed is None or without is None or without.stance != needed or stance_after == needed:
        return
    if not claim.citations.filter(stance=needed).exclude(pk=without.pk).exists():
        raise Conflict(
            f"The claim's verdict '{claim.status}' rests on this citation (the only one that {needed} "
            "it); reopen the claim first.",
            code="verdict_depends_on_citation",
        )


def _check_citation_unique(*, claim: Claim, source, role: str, exclude_id: int | None = None) -> None:
    clash = Citation.objects.filter(claim=claim, source=source, role=role)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    existing = clash.values_list("id", flat=True).first()
    if existing is not None:
        raise Conflict(
            f"Citation {existing} already cites this source for this claim with role '{role}'.",
            field="source",
            code="duplicate",
            extra={"existing_id": existing},
        )


@transaction.atomic
def citation_add(
    *,
    claim: Claim,
    source,
    role: str,
    stance: str,
    added_by: User | None,
    quote: str = "",
    locator: str = "",
    note: str = "",
) -> Citation:
    """One citation per claim, source and role."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _check_citation_unique(claim=claim, source=source, role=role)
    citation = Citation(
        claim=claim,
        source=source,
        role=role,
        stance=stance,
        quote=quote,
        locator=locator,
        note=note,
        added_by=added_by,
    )
    citation.save()
    return citation


@transaction.atomic
def citation_update(*, citation: Citation, data: dict[str, Any]) -> Citation:
    """The claim and source of a citation are fixed; role, stance and text may change."""
    claim = Claim.objects.select_for_update().get(pk=citation.claim_id)
    citation = Citation.objects.select_for_update().get(pk=citation.pk)
    for fixed in ("claim", "source"):
        if fixed in data and data[fixed] != getattr(citation, fixed):
            raise InvalidInput(
                f"A citation's {fixed} cannot change; delete it and add a new one.",
                field=fixed,
                code="immutable",
            )
    if "role" in data:
        _check_citation_unique(claim=claim, source=citation.source, role=data["role"], exclude_id=citation.pk)
    if "stance" in data:
        _check_verdict_still_holds(claim, without=citation, stance_after=data["stance"])
    for field in CITATION_EDITABLE:
        if field in data:
            setattr(citation, field, data[field])
    citation.save()
    return citation


@transaction.atomic
def citation_delete(*, citation: Citation) -> None:
    claim = Claim.objects.select_for_update().get(pk=citation.claim_id)
    citation = Citation.objects.select_for_update().get(pk=citation.pk)
    _check_verdict_still_holds(claim, without=citation, stance_after=None)
    citation.delete()
