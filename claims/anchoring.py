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
