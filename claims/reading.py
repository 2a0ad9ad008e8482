"""The article reading view: the body cut into paragraphs and highlight pieces.

The rule the page's script and tests rely on: the text of the body's container is the
stored body, character for character, so an offset counted in it (in code points, as Python
counts) is an offset into ``Article.body``. Highlights are elements wrapped around parts of
that text; nothing is added or left out.

Quotes may nest (one inside another) or cross (each holding part of the other). A quote is
one element where the nesting allows it, its text exactly the quote, with the quotes inside
it as nested elements. Where it cannot be (a quote crossing another's end, or running over a
paragraph break) it is split into consecutive parts: each part is an element with the same
``data-claim-id``, and the parts' texts, in document order, make up the quote.
"""

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from claims.models import Article, Status
from claims.policies import can_create_claim
from claims.selectors import article_claims_for_reading

# A paragraph ends after its run of line breaks (and the blanks between them), which it keeps
# as its last characters: the text stays whole, and a browser shows the run as nothing.
PARAGRAPH_END = re.compile(r"[ \t]*(?:\r\n|\r|\n)(?:[ \t\r\n]*(?:\r\n|\r|\n))?")


@dataclass(frozen=True)
class Span:
    """One highlight to place: a claim's offsets in the body and what the page shows of it."""

    claim_id: int
    start: int
    end: int
    status: str = ""


@dataclass
class Piece:
    """One step of a paragraph: ``text`` to print, or an element to ``open`` (its span, and
    ``part``/``parts`` when the quote is split), or one to ``close``."""

    text: str = ""
    open: Span | None = None
    close: bool = False
    part: int = 1
    parts: int = 1

    @property
    def html(self) -> str:
        # A carriage return as a character reference: an HTML parser would turn a raw one
        # into a line feed, and the page's text would no longer be the body.
        return mark_safe(escape(self.text).replace("\r", "&#13;"))  # noqa: S308 (escaped above)


@dataclass
class Paragraph:
    start: int
    pieces: list[Piece] = field(default_factory=list)


def paragraph_starts(body: str) -> list[int]:
    """Offsets where paragraphs begin; the first is 0 (even for an empty body)."""
    starts = [0]
    for match in PARAGRAPH_END.finditer(body):
        if match.end() < len(body):
            starts.append(match.end())
    return starts


def _outer_first(span: Span) -> tuple[int, int, int]:
    # Of two quotes covering the same characters, the one starting first (or, from the same
    # character, ending last) is the outer element.
    return (span.start, -span.end, span.claim_id)


def segment(body: str, spans: Iterable[Span]) -> list[Paragraph]:
    """Cut ``body`` into paragraphs of pieces, each span's quote highlighted in place.

    Spans outside the body, or empty, are left out (a claim whose article is being edited
    may point past the end for a moment; the page must still render)."""
    spans = sorted((s for s in spans if 0 <= s.start < s.end <= len(body)), key=_outer_first)
    starts = paragraph_starts(body)
    cuts = sorted({0, len(body), *starts, *(s.start for s in spans), *(s.end for s in spans)})
    para_starts = set(starts)

    paragraphs: list[Paragraph] = []
    open_stack: list[Span] = []
    parts_done: dict[int, int] = {}
    pieces: list[Piece] = []
    active: list[Span] = []
    pending = iter(spans)
    waiting = next(pending, None)

    for left, right in itertools.pairwise(cuts):
        if left in para_starts:
            pieces.extend(Piece(close=True) for _ in open_stack)
            open_stack = []
            pieces = []
            paragraphs.append(Paragraph(start=left, pieces=pieces))
        while waiting is not None and waiting.start <= left:
            active.append(waiting)
            waiting = next(pending, None)
        active = [s for s in active if s.end > left]
        covering = sorted(active, key=_outer_first)
        keep = 0
        while keep < len(open_stack) and keep < len(covering) and open_stack[keep] is covering[keep]:
            keep += 1
        pieces.extend(Piece(close=True) for _ in open_stack[keep:])
        del open_stack[keep:]
        for span in covering[keep:]:
            parts_done[span.claim_id] = parts_done.get(span.claim_id, 0) + 1
            pieces.append(Piece(open=span, part=parts_done[span.claim_id]))
            open_stack.append(span)
        pieces.append(Piece(text=body[left:right]))
    pieces.extend(Piece(close=True) for _ in open_stack)
    if not paragraphs:
        paragraphs.append(Paragraph(start=0, pieces=pieces))

    for paragraph in paragraphs:
        for piece in paragraph.pieces:
            if piece.open is not None:
                piece.parts = parts_done[piece.open.claim_id]
    return paragraphs


def plain_text(paragraphs: Sequence[Paragraph]) -> str:
    """The text the pieces print: the body itself (the rule this module keeps)."""
    return "".join(piece.text for paragraph in paragraphs for piece in paragraph.pieces)


def highlighted_texts(paragraphs: Sequence[Paragraph]) -> dict[int, str]:
    """Each claim's highlighted text, its parts joined in order: its quote."""
    texts: dict[int, str] = {}
    for paragraph in paragraphs:
        stack: list[int] = []
        for piece in paragraph.pieces:
            if piece.open is not None:
                stack.append(piece.open.claim_id)
                texts.setdefault(piece.open.claim_id, "")
            elif piece.close:
                stack.pop()
            else:
                for claim_id in stack:
                    texts[claim_id] += piece.text
    return texts


def reading_panel(*, article: Article, user) -> dict:
    """The browsable API's panel for one article (claims/templates/claims/reading_view.html):
    its body segmented with every live claim highlighted, the claims in body order, the
    legend, and the "Record a claim" form for users who may record claims."""
    claims = list(article_claims_for_reading(article=article))
    labels = dict(Status.choices)
    paragraphs = segment(
        article.body,
        (Span(claim_id=c.pk, start=c.quote_start, end=c.quote_end, status=c.status) for c in claims),
    )
    counts = dict.fromkeys(Status.values, 0)
    for claim in claims:
        counts[claim.status] = counts.get(claim.status, 0) + 1
    claims_url = reverse("claim-list")
    entries = [
        {
            "id": claim.pk,
            "url": reverse("claim-detail", args=[claim.pk]),
            "statement": claim.statement,
            "claimant": claim.claimant,
            "status": claim.status,
            "status_label": labels.get(claim.status, claim.status),
            "citation_count": claim.citation_count,  # type: ignore[attr-defined]  # annotated by the selector
            "quote_start": claim.quote_start,
            "quote_end": claim.quote_end,
        }
        for claim in claims
    ]
    return {
        "template": "claims/reading_view.html",
        "article": article,
        "paragraphs": paragraphs,
        "claims": entries,
        "legend": [
            {
                "status": value,
                "label": label,
                "count": counts[value],
                "url": f"{claims_url}?article={article.pk}&status={value}",
            }
            for value, label in Status.choices
        ],
        "claims_url": f"{claims_url}?article={article.pk}",
        "create_url": claims_url,
        "may_record": can_create_claim(user),
        # What the page's script needs for tooltips and the crossing check, keyed by claim id.
        "script_data": {
            "article": article.pk,
            "createUrl": claims_url,
            "claims": {str(e["id"]): {k: v for k, v in e.items() if k != "id"} for e in entries},
        },
    }
