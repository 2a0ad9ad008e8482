"""Exact quote anchoring: a claim's quote is a span of its article's body."""

from config.errors import InvalidInput

MAX_LISTED_OFFSETS = 10


def occurrences(body: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``body`` (overlaps included)."""
    found, start = [], body.find(quote)
    while start != -1:
        found.append(start)
        start = body.find(quote, start + 1)
    return found


def anchor_quote(*, body: str, quote: str, quote_start: int | None, quote_end: int | None) -> tuple[int, int]:
    """Return ``(start, end)`` with ``body[start:end] == quote``.

    Offsets given are checked; offsets left out are computed, which needs the quote to
    occur exactly once (otherwise the caller must say which occurrence with
    ``quote_start``).
    """
    if not quote.strip():
        raise InvalidInput("The quote may not be blank.", field="quote", code="blank")
    length = len(quote)
    if quote_start is None and quote_end is not None:
        quote_start = quote_end - length
        if quote_start < 0:
            raise InvalidInput("quote_end is smaller than the quote's length.", field="quote_end")
    if quote_start is not None:
        end = quote_start + length
        if quote_end is not None and quote_end != end:
            raise InvalidInput(
                f"quote_end must be quote_start + length of the quote ({end}).",
                field="quote_end",
                code="mismatch",
            )
        if body[quote_start:end] == quote:
            return quote_start, end
        found = occurrences(body, quote)
        hint = (
            f" It occurs at {found[:MAX_LISTED_OFFSETS]}."
            if found
            else " It does not occur in the body at all."
        )
        raise InvalidInput(
            f"The article body does not contain the quote at offset {quote_start}.{hint}",
            field="quote_start",
            code="quote_mismatch",
        )
    found = occurrences(body, quote)
    if not found:
        raise InvalidInput(
            "The quote does not occur in the article body; copy the article's exact words.",
            field="quote",
            code="quote_not_found",
        )
    if len(found) > 1:
        raise InvalidInput(
            f"The quote occurs {len(found)} times in the article body (at offsets "
            f"{found[:MAX_LISTED_OFFSETS]}); give quote_start to choose one.",
            field="quote_start",
            code="quote_ambiguous",
        )
    return found[0], found[0] + length


def reanchor(*, old_body: str, new_body: str, quote: str, quote_start: int) -> int | None:
    """Where a claim's quote stands in an edited body: same offset if still there, else the
    single new occurrence; None when it is gone or ambiguous."""
    if new_body[quote_start : quote_start + len(quote)] == quote:
        return quote_start
    found = occurrences(new_body, quote)
    return found[0] if len(found) == 1 else None


# Article text that stays what it was ---------------------------------------------------


def normalise_text(text: str) -> str:
    """The one normalisation an article body (and a quote of it) gets, at every door: line
    endings become ``\\n`` (``\\r\\n`` from a browser's textarea, a lone ``\\r`` from old Mac
    files). Nothing else changes (no Unicode normalisation, no trimming): any other change
    would alter characters that someone quoted or counted offsets on."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalised_offset(text: str, offset: int, *, end: bool = False) -> int:
    """Where ``offset`` of ``text`` lands in ``normalise_text(text)``. An offset between the
    ``\\r`` and ``\\n`` of a pair belongs to the whole pair: before it for a start, after it
    for an end, so a span never loses half a line break."""
    if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n":
        offset += 1 if end else -1
    return len(normalise_text(text[:offset]))


def normalise_stored_bodies(*, article_model, claim_model, batch_size: int = 500) -> int:
    """Normalise every stored article body that is not yet normalised (the data migration
    ``normalise_article_bodies`` runs this), moving each claim's quote and offsets with it so
    that ``body[quote_start:quote_end] == quote`` still holds. Takes the models as arguments
    so the migration passes its historical ones. Returns how many articles changed.

    Every row is written by ``save()``, so the history triggers record each change (the
    caller supplies the history context) and versions move."""
    changed = 0
    pending = article_model._base_manager.filter(body__contains="\r").order_by("pk")
    for article in pending.iterator(chunk_size=batch_size):
        old = article.body
        article.body = normalise_text(old)
        claims = claim_model._base_manager.filter(article_id=article.pk).order_by("pk")
        for claim in claims:
            start = normalised_offset(old, claim.quote_start)
            end = normalised_offset(old, claim.quote_end, end=True)
            claim.quote_start, claim.quote_end, claim.quote = start, end, article.body[start:end]
            claim.save(update_fields=["quote_start", "quote_end", "quote", "updated_at"])
        article.save(update_fields=["body", "updated_at"])
        changed += 1
    return changed


def quote_in_paragraph(*, body: str, start: int, end: int, limit: int = 1500) -> tuple[str, str, str]:
    """``(before, quote, after)``: the quote with the rest of its paragraph (the lines it
    stands on; a paragraph ends at a line break), each side cut to ``limit`` characters at a
    word, with "…" where it was cut."""
    first = body.rfind("\n", 0, start) + 1
    last = body.find("\n", end)
    last = len(body) if last == -1 else last
    before, after = body[first:start], body[end:last]
    if len(before) > limit:
        cut = before[-limit:]
        before = "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut
    if len(after) > limit:
        cut = after[:limit]
        after = (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"
    return before, body[start:end], after
