"""Every write to articles, claims, citations, same-claim links and verification status goes
through here."""

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pghistory
import pgtrigger
from django.contrib.auth.models import User
from django.db import connection, transaction

from claims import policies
from claims.anchoring import anchor_quote, normalise_text, reanchor
from claims.history import status_change_context
from claims.models import Article, Citation, Claim, SameClaimLink, Status, StatusChange
from core.concurrency import check_version
from core.errors import Conflict, DomainError, InvalidInput, at_index
from core.policies import SystemActor, author
from core.trash import (
    move_to_trash,
    require_in_trash,
    require_not_in_trash,
    take_out_of_trash,
)
from sources.models import Source
from sources.services import BULK_BATCH_SIZE, require_live_sources, require_unique_url, require_unique_urls
from sources.urls_normal import normal_url

ARTICLE_FIELDS = ("title", "url", "byline", "publisher", "published_on", "language", "body")
CLAIM_FIELDS = ("article", "statement", "quote", "quote_start", "claimant", "claim_date")
CITATION_EDITABLE = ("role", "stance", "quote", "locator", "note")
# Keyed by status value (Status members are those strings).
SUPPORT_NEEDED: dict[str, str] = {
    Status.VERIFIED: Citation.Stance.SUPPORTS,
    Status.PARTLY_VERIFIED: Citation.Stance.SUPPORTS,
    Status.REFUTED: Citation.Stance.CONTRADICTS,
}


# Articles ---------------------------------------------------------------------------


def _check_article_url(url: str, *, exclude_id: int | None = None) -> None:
    require_unique_url(Article.objects.all(), url, label="Article", exclude_id=exclude_id)


def _new_article(created_by: User | SystemActor, fields: Mapping[str, Any]) -> Article:
    """An article as ``article_create`` stores it (URL normalised, body with ``\n`` line
    endings), not yet saved nor checked against the stored ones."""
    fields = dict(fields)
    fields["url"] = normal_url(fields.get("url", ""))
    fields["body"] = normalise_text(fields.get("body", ""))
    return Article(created_by=author(created_by), **fields)


@transaction.atomic
def article_create(*, created_by: User | SystemActor, **fields: Any) -> Article:
    """Article URLs are stored normalised and unique when present; the body is stored with
    ``\n`` line endings (``normalise_text``), and claims' offsets count that stored body.
    ``created_by`` must be one ``policies.can_create_article`` allows."""
    policies.require_may_create_article(created_by)
    article = _new_article(created_by, fields)
    _check_article_url(article.url)
    article.save()
    return article


@transaction.atomic
def articles_create_bulk(
    *, articles: Sequence[Mapping[str, Any]], created_by: User | SystemActor
) -> list[Article]:
    """``article_create`` for many articles, with its rules, in a few queries whatever their
    number: URLs stored normalised and unique (among the stored articles and the batch),
    bodies with ``\n`` line endings. Each item holds fields of ``ARTICLE_FIELDS``. A refusal
    names the item (``articles.<index>.<field>``, ``index`` in ``extra``) and creates none."""
    policies.require_may_create_article(created_by)
    built = []
    for index, fields in enumerate(articles):
        try:
            built.append(_new_article(created_by, fields))
        except DomainError as exc:
            raise at_index(exc, index, "articles") from exc
    require_unique_urls(Article.objects.all(), [a.url for a in built], label="Article", prefix="articles")
    return Article.objects.bulk_create(built, batch_size=BULK_BATCH_SIZE)


@transaction.atomic
def article_update(
    *, article: Article, data: dict[str, Any], actor: User | SystemActor, expected_version: int | None = None
) -> Article:
    """An edit of the body keeps every claim anchored: a quote still at its offset stays,
    a quote that now occurs once elsewhere moves, and an edit that loses a quote (or makes
    it ambiguous) is refused with the claims it would break.

    The body is compared after normalisation (``normalise_text``), so resending the same
    text with other line endings changes nothing; an edit that changes no field writes
    nothing at all (no version raised, no history row, no claim touched). A claim whose
    quote moves, verdict or not, is re-anchored and its history records it as a
    re-anchoring (``HistoryKind.CLAIM_REANCHORED``) with the old and new offsets.
    ``actor`` must be one ``policies.can_edit_article`` allows."""
    policies.require_may_edit_article(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    check_version(article, expected_version)
    data = {field: data[field] for field in ARTICLE_FIELDS if field in data}
    if "url" in data:
        data["url"] = normal_url(data["url"])
        _check_article_url(data["url"], exclude_id=article.pk)
    if "body" in data:
        data["body"] = normalise_text(data["body"])
    data = {field: value for field, value in data.items() if getattr(article, field) != value}
    if not data:
        return article
    moved: list[Claim] = []
    if "body" in data:
        broken = []
        for claim in article.claims.select_for_update().order_by("id"):
            start = reanchor(
                old_body=article.body, new_body=data["body"], quote=claim.quote, quote_start=claim.quote_start
            )
            if start is None:
                broken.append(claim.pk)
            elif start != claim.quote_start:
                claim.quote_start = start
                moved.append(claim)
        if broken:
            raise Conflict(
                f"The new body no longer contains the exact quote of claims {broken} exactly once; "
                "edit or delete those claims first.",
                field="body",
                code="breaks_anchors",
                extra={"claims": broken},
            )
    for field, value in data.items():
        setattr(article, field, value)
    article.save()
    if moved:
        # Marks these claim events as re-anchorings by an article edit, not edits of the claim.
        with pghistory.context(reanchored_by_article=article.pk):
            for claim in moved:
                claim.save(update_fields=["quote_start", "updated_at"])
    return article


def article_blockers(article: Article) -> list[int]:
    """What keeps an article out of the trash: its claims not in the trash (up to 200)."""
    live_claims = article.claims.filter(deleted_at__isnull=True).order_by("id")
    return list(live_claims.values_list("id", flat=True)[:200])


@transaction.atomic
def article_delete(*, article: Article, actor: User, expected_version: int | None = None) -> None:
    """Move an article to the trash. Refused (409 listing them) while it has claims that are
    not in the trash: each claim carries its own verdict and version, so each is trashed
    on purpose, never as a side effect."""
    policies.require_may_delete_article(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    check_version(article, expected_version)
    require_not_in_trash(article, "article")
    claim_ids = article_blockers(article)
    if claim_ids:
        raise Conflict(
            "The article still has claims; delete them first.", code="in_use", extra={"claims": claim_ids}
        )
    move_to_trash(article, actor)


@transaction.atomic
def article_restore(*, article: Article, actor: User) -> Article:
    """Bring an article back from the trash (its trashed claims stay there)."""
    policies.require_may_restore_article(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    require_in_trash(article, "article")
    take_out_of_trash(article)
    return article


@transaction.atomic
def article_purge(*, article: Article, actor: User) -> None:
    """Delete a trashed article for good (superusers); refused while claims in the trash
    still belong to it. Its history events stay."""
    policies.require_may_purge_article(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    require_in_trash(article, "article")
    claim_ids = list(article.claims.order_by("id").values_list("id", flat=True)[:200])
    if claim_ids:
        raise Conflict(
            "Claims in the trash still belong to this article; purge them first.",
            code="in_use",
            extra={"claims": claim_ids},
        )
    article.delete()


def _article_in_trash(article: Article) -> Conflict:
    return Conflict(
        f"Article {article.pk} is in the trash; restore it first.",
        field="article",
        code="in_trash",
        extra={"article": article.pk},
    )


def _lock_live_article(article: Article) -> Article:
    """Lock the article a claim is written to, so a concurrent trash move waits for the
    claim (and then refuses), and refuse an article in the trash."""
    article = Article.objects.select_for_update(no_key=True).get(pk=article.pk)
    if article.deleted_at is not None:
        raise _article_in_trash(article)
    return article


def _lock_live_articles(article_ids: Sequence[int], *, prefix: str) -> dict[int, Article]:
    """``_lock_live_article`` for the articles of a batch's items (``article_ids``, one per
    item), in one query, lowest id first; a refusal names the first item of the article."""
    locked = Article.objects.select_for_update(no_key=True).filter(pk__in=set(article_ids)).order_by("id")
    by_id = {article.pk: article for article in locked}
    for index, article_id in enumerate(article_ids):
        if by_id[article_id].deleted_at is not None:
            raise at_index(_article_in_trash(by_id[article_id]), index, prefix)
    return by_id


# Claims -----------------------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    article: Article,
    statement: str,
    quote: str,
    created_by: User | SystemActor,
    quote_start: int | None = None,
    quote_end: int | None = None,
    claimant: str = "",
    claim_date: datetime.date | None = None,
) -> Claim:
    """The quote must stand in the article body: ``quote_start`` is computed when not given
    and checked when given. ``quote_end`` is derived by the database; one a client still sends
    is only compared with it (``anchor_quote``). ``created_by`` must be one
    ``policies.can_create_claim`` allows."""
    policies.require_may_create_claim(created_by)
    article = _lock_live_article(article)
    quote = normalise_text(quote)
    start, _end = anchor_quote(body=article.body, quote=quote, quote_start=quote_start, quote_end=quote_end)
    claim = Claim(
        article=article,
        statement=statement.strip(),
        quote=quote,
        quote_start=start,
        claimant=claimant.strip(),
        claim_date=claim_date,
        created_by=author(created_by),
    )
    claim.save()
    return claim


def _article_id(article: Article | None) -> int:
    if article is None:
        raise TypeError("Each claim needs its article (or claims_create_bulk one for them all).")
    return article.pk


@transaction.atomic
def claims_create_bulk(
    *,
    claims: Sequence[Mapping[str, Any]],
    created_by: User | SystemActor,
    article: Article | None = None,
) -> list[Claim]:
    """``claim_create`` for many claims, with its rules, in a few queries whatever their
    number: their articles are locked once each and may not be in the trash, and each quote
    must stand in its article's body (``quote_start`` computed when not given, checked when
    given; a ``quote_end`` only compared with the derived one). Each item holds ``article``
    (unless ``article`` is given: the one article of them all), ``statement``, ``quote`` and
    optionally ``quote_start``, ``quote_end``, ``claimant``, ``claim_date``. A refusal names
    the item (``claims.<index>.<field>``, ``index`` in the body) and creates none."""
    policies.require_may_create_claim(created_by)
    article_ids = [_article_id(item.get("article", article)) for item in claims]
    locked = _lock_live_articles(article_ids, prefix="claims")
    built = []
    for index, item in enumerate(claims):
        claim_article = locked[article_ids[index]]
        quote = normalise_text(item["quote"])
        try:
            start, _end = anchor_quote(
                body=claim_article.body,
                quote=quote,
                quote_start=item.get("quote_start"),
                quote_end=item.get("quote_end"),
            )
        except InvalidInput as exc:
            raise at_index(exc, index, "claims") from exc
        built.append(
            Claim(
                article=claim_article,
                statement=item["statement"].strip(),
                quote=quote,
                quote_start=start,
                claimant=item.get("claimant", "").strip(),
                claim_date=item.get("claim_date"),
                created_by=author(created_by),
            )
        )
    return Claim.objects.bulk_create(built, batch_size=BULK_BATCH_SIZE)


@transaction.atomic
def claim_update(
    *, claim: Claim, data: dict[str, Any], actor: User | SystemActor, expected_version: int | None = None
) -> Claim:
    """A claim with a verdict is frozen: reopen it before changing what was judged.
    A new quote, a new ``quote_start`` or a new article are anchored again; a ``quote_end`` in
    ``data`` is only compared with the derived end (``anchor_quote``), never stored. ``actor``
    must be one ``policies.can_edit_claim`` allows."""
    policies.require_may_edit_claim(actor)
    claim = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
    check_version(claim, expected_version)
    sent_end = data.get("quote_end")
    changes = {field: data[field] for field in CLAIM_FIELDS if field in data}
    if isinstance(changes.get("quote"), str):
        changes["quote"] = normalise_text(changes["quote"])
    if not changes and sent_end is None:
        return claim
    if claim.has_verdict and any(getattr(claim, f) != v for f, v in changes.items()):
        raise Conflict(
            f"The claim has the verdict '{claim.status}'; reopen it (transition to in_review) "
            "before editing.",
            code="has_verdict",
        )
    anchor_fields = {"article", "quote", "quote_start"}
    if anchor_fields & changes.keys() or sent_end is not None:
        article = changes.get("article", claim.article)
        if article.pk != claim.article_id:
            article = _lock_live_article(article)
        quote = changes.get("quote", claim.quote)
        same_span = article.pk == claim.article_id and quote == claim.quote
        # The old start still holds for the same quote in the same article; for a new quote or a
        # new article it means nothing unless the client sends it.
        kept_start = claim.quote_start if same_span else None
        start, _end = anchor_quote(
            body=article.body,
            quote=quote,
            quote_start=changes["quote_start"] if changes.get("quote_start") is not None else kept_start,
            quote_end=sent_end,
        )
        changes["quote_start"] = start
    span_moved = any(getattr(claim, f) != changes.get(f, getattr(claim, f)) for f in ("quote_start", "quote"))
    for field, value in changes.items():
        setattr(claim, field, value.strip() if field in ("statement", "claimant") else value)
    claim.save()
    if span_moved:
        # PostgreSQL computed the new end; the instance still holds the old one.
        claim.refresh_from_db(fields=["quote_end"])
    return claim


@transaction.atomic
def claim_delete(*, claim: Claim, actor: User, expected_version: int | None = None) -> None:
    """Move a claim to the trash; its citations and status history stay with it."""
    policies.require_may_delete_claim(actor)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    check_version(claim, expected_version)
    require_not_in_trash(claim, "claim")
    move_to_trash(claim, actor)


@transaction.atomic
def claim_restore(*, claim: Claim, actor: User) -> Claim:
    """Bring a claim back from the trash. Refused while its article, or a source it cites,
    is still in the trash: restore those first, so no live claim rests on a trashed record."""
    policies.require_may_restore_claim(actor)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    require_in_trash(claim, "claim")
    _lock_live_article(claim.article)
    require_live_sources(claim.citations.values_list("source_id", flat=True), field="citations")
    take_out_of_trash(claim)
    return claim


@transaction.atomic
def claim_purge(*, claim: Claim, actor: User) -> None:
    """Delete a trashed claim for good (superusers), with its citations and status
    history. The history events of the claim and its citations stay."""
    policies.require_may_purge_claim(actor)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    require_in_trash(claim, "claim")
    # The status history refuses deletes; purging is the one door allowed to remove rows,
    # together with the claim they describe.
    with pgtrigger.ignore("claims.StatusChange:status_change_append_only"):
        claim.delete()


@dataclass(frozen=True)
class TransitionRule:
    """What ``claim_transition`` asks of one move, read from the constants it checks."""

    to: str
    needs_rationale: bool
    needs_stance: str | None

    @property
    def text(self) -> str:
        needs = []
        if self.needs_stance:
            stance = Citation.Stance(self.needs_stance).label
            needs.append(f"at least one citation whose stance is “{stance}”")
        if self.needs_rationale:
            needs.append("a rationale")
        return "Needs " + " and ".join(needs) + "." if needs else "No rationale or citation needed."


def transition_rule(*, current: str, to: str) -> TransitionRule:
    verdicts = Status.verdicts()
    return TransitionRule(
        to=to, needs_rationale=to in verdicts or current in verdicts, needs_stance=SUPPORT_NEEDED.get(to)
    )


def claim_moves(*, claim: Claim, actor: User) -> list[TransitionRule]:
    """The moves ``actor`` may make from the claim's current status (never to the same one),
    each with what it needs, in the order of ``Status``. Whether the citations a verdict
    needs are there is checked by ``claim_transition`` when the move is made."""
    moves = []
    for status in Status:
        if status == claim.status:
            continue
        if not policies.can_transition(actor, claim, status):
            continue
        moves.append(transition_rule(current=claim.status, to=status))
    return moves


@transaction.atomic
def claim_transition(
    *, claim: Claim, to: str, actor: User, rationale: str = "", expected_version: int | None = None
) -> StatusChange:
    """Move a claim to a new status and record the change, in one transaction.

    Researchers move claims between unverified and in_review; only reviewers give or
    reopen a verdict, always with a rationale. verified and partly_verified need a
    citation that supports the claim, refuted one that contradicts it.
    """
    if to not in Status.values:
        raise InvalidInput(f'"{to}" is not a status.', field="status", code="invalid_choice")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    check_version(claim, expected_version)
    current = claim.status
    policies.require_may_transition(actor, claim, to)
    if to == current:
        raise Conflict(f"The claim is already {current}.", field="status", code="no_change")
    rationale = rationale.strip()
    rule = transition_rule(current=current, to=to)
    if rule.needs_rationale and not rationale:
        raise InvalidInput(
            "A rationale is required to give or reopen a verdict.", field="rationale", code="required"
        )
    needed = rule.needs_stance
    if needed and not claim.citations.filter(stance=needed).exists():
        raise Conflict(
            f"'{to}' needs at least one citation whose stance is '{needed}'.",
            field="status",
            code="citation_required",
        )
    change = StatusChange.objects.create(
        claim=claim, from_status=current, to_status=to, rationale=rationale, changed_by=actor
    )
    claim.status = to
    # The claim event this writes names the status change, so the history pairs the two by id.
    with pghistory.context(**status_change_context(change)):
        claim.save(update_fields=["status", "updated_at"])
    return change


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


def _check_citation_unique(*, claim: Claim, source: Source, role: str, exclude_id: int | None = None) -> None:
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
    source: Source,
    role: str,
    stance: str,
    added_by: User | SystemActor,
    quote: str = "",
    locator: str = "",
    note: str = "",
) -> Citation:
    """One citation per claim, source and role; neither the claim nor the source may be in
    the trash. ``added_by`` must be one ``policies.can_add_citation`` allows."""
    policies.require_may_add_citation(added_by)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.deleted_at is not None:
        raise Conflict(f"Claim {claim.pk} is in the trash; restore it first.", field="claim", code="in_trash")
    require_live_sources([source.pk], field="source")
    _check_citation_unique(claim=claim, source=source, role=role)
    citation = Citation(
        claim=claim,
        source=source,
        role=role,
        stance=stance,
        quote=quote,
        locator=locator,
        note=note,
        added_by=author(added_by),
    )
    citation.save()
    return citation


@transaction.atomic
def citations_add_bulk(
    *, citations: Sequence[Mapping[str, Any]], added_by: User | SystemActor
) -> list[Citation]:
    """``citation_add`` for many citations, with its rules, in a few queries: one citation per
    claim, source and role (stored or in the batch), and neither the claim nor the source may
    be in the trash. Each item holds ``claim``, ``source``, ``role``, ``stance`` and optionally
    ``quote``, ``locator``, ``note``. A refusal names the item (``citations.<index>.<field>``)
    and adds none. A statement per round of citations (as many as the most any one claim gets)
    so that each claim's versions, counts and history are those of adding them one by one."""
    policies.require_may_add_citation(added_by)
    claim_ids = sorted({item["claim"].pk for item in citations})
    locked = {
        claim.pk: claim for claim in Claim.objects.select_for_update().filter(pk__in=claim_ids).order_by("id")
    }
    require_live_sources({item["source"].pk for item in citations}, field="source")
    taken = set(Citation.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "source_id", "role"))
    built = []
    for index, item in enumerate(citations):
        claim = locked[item["claim"].pk]
        if claim.deleted_at is not None:
            raise at_index(
                Conflict(
                    f"Claim {claim.pk} is in the trash; restore it first.", field="claim", code="in_trash"
                ),
                index,
                "citations",
            )
        key = (claim.pk, item["source"].pk, item["role"])
        if key in taken:
            raise at_index(
                Conflict(
                    f"The claim already cites this source with role '{item['role']}'.",
                    field="source",
                    code="duplicate",
                ),
                index,
                "citations",
            )
        taken.add(key)
        built.append(
            Citation(
                claim=claim,
                source=item["source"],
                role=item["role"],
                stance=item["stance"],
                quote=item.get("quote", ""),
                locator=item.get("locator", ""),
                note=item.get("note", ""),
                added_by=author(added_by),
            )
        )
    # A claim's citations go in by rounds: the first of each claim, then the second ... After
    # each round, each of its claims is touched once, as the trigger would for its one new
    # citation (Citation.touch_claim: its version, its independence counts, its history event),
    # but by one statement per batch: a claim's history then holds, event by event, what
    # adding its citations one by one would have written.
    rounds: list[list[Citation]] = []
    added: Counter[int] = Counter()
    for citation in built:
        position = added[citation.claim.pk]
        added[citation.claim.pk] += 1
        if position == len(rounds):
            rounds.append([])
        rounds[position].append(citation)
    for each_claim_once in rounds:
        for start in range(0, len(each_claim_once), BULK_BATCH_SIZE):
            batch = each_claim_once[start : start + BULK_BATCH_SIZE]
            with pgtrigger.ignore("claims.Citation:touch_claim"):
                Citation.objects.bulk_create(batch)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT claims_touch(%s::bigint[])", [[citation.claim.pk for citation in batch]]
                )
    return built


@transaction.atomic
def citation_update(
    *,
    citation: Citation,
    data: dict[str, Any],
    actor: User | SystemActor,
    expected_version: int | None = None,
) -> Citation:
    """The claim and source of a citation are fixed; role, stance and text may change.
    ``actor`` must be one ``policies.can_edit_citation`` allows."""
    policies.require_may_edit_citation(actor)
    claim = Claim.objects.select_for_update().get(pk=citation.claim_id)
    citation = Citation.objects.select_for_update().get(pk=citation.pk)
    check_version(citation, expected_version)
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
def citation_delete(*, citation: Citation, actor: User, expected_version: int | None = None) -> None:
    """``actor`` must be one ``policies.can_remove_citation`` allows."""
    policies.require_may_remove_citation(actor)
    claim = Claim.objects.select_for_update().get(pk=citation.claim_id)
    citation = Citation.objects.select_for_update().get(pk=citation.pk)
    check_version(citation, expected_version)
    _check_verdict_still_holds(claim, without=citation, stance_after=None)
    citation.delete()


# Same-claim links -------------------------------------------------------------------


def _lock_live_pair(*, claim_id: int, other_id: int) -> None:
    """Lock the two claims of a link, lower id first (two writers on one pair queue up rather
    than deadlock, and a concurrent trash move waits), and refuse one that is gone or in the
    trash, naming which."""
    locked = {
        claim.pk: claim
        for claim in Claim.objects.select_for_update(no_key=True)
        .filter(pk__in=(claim_id, other_id))
        .only("id", "deleted_at")
        .order_by("id")
    }
    for pk, field in ((claim_id, "claim"), (other_id, "other_claim")):
        if pk not in locked:
            raise InvalidInput(f"Claim {pk} does not exist.", field=field, code="does_not_exist")
        if locked[pk].deleted_at is not None:
            raise Conflict(
                f"Claim {pk} is in the trash; restore it first.",
                field=field,
                code="in_trash",
                extra={"claim_id": pk},
            )


@transaction.atomic
def same_claim_link(*, claim: Claim, other: Claim, actor: User, note: str = "") -> SameClaimLink:
    """Record that two claims, in any articles, state the same thing (researchers and
    reviewers). Refused for a claim and itself (400 naming ``other_claim``), for a pair already
    linked either way round (409 naming the existing link) and while either claim is in the
    trash (409)."""
    policies.require_may_link_same_claims(actor)
    if claim.pk == other.pk:
        raise InvalidInput(
            "A claim cannot be linked to itself; give the id of another claim.",
            field="other_claim",
            code="same_claim",
        )
    _lock_live_pair(claim_id=claim.pk, other_id=other.pk)
    low, high = sorted((claim.pk, other.pk))
    existing = (
        SameClaimLink.objects.filter(claim_a_id=low, claim_b_id=high).values_list("id", flat=True).first()
    )
    if existing is not None:
        raise Conflict(
            f"Claims {low} and {high} are already linked as the same claim (link {existing}).",
            field="other_claim",
            code="duplicate",
            extra={"existing_id": existing},
        )
    link = SameClaimLink(claim_a_id=low, claim_b_id=high, note=note.strip(), created_by=actor)
    link.save()
    return link


@transaction.atomic
def same_claim_unlink(*, link: SameClaimLink, actor: User, expected_version: int | None = None) -> None:
    """Remove a same-claim link (reviewers); the removal stays in both claims' history.
    Refused while either claim is in the trash (the link is hidden with it) and when the link
    was removed meanwhile."""
    policies.require_may_unlink_same_claims(actor)
    _lock_live_pair(claim_id=link.claim_a_id, other_id=link.claim_b_id)
    current = SameClaimLink.objects.select_for_update().filter(pk=link.pk).first()
    if current is None:
        raise Conflict("The link was removed meanwhile.", code="already_removed")
    check_version(current, expected_version)
    current.delete()
