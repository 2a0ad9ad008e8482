"""The reading view's segmentation (claims.reading): the body stays whole, each quote is
highlighted in place, nested and crossing quotes included."""

import pytest

from claims.reading import Span, highlighted_texts, paragraph_starts, plain_text, segment

BODY = "First paragraph has words.\n\nSecond one 😀 has more words here.\nThird line."


def spans_for(body: str, *quotes: str) -> list[Span]:
    return [
        Span(claim_id=n, start=body.index(q), end=body.index(q) + len(q)) for n, q in enumerate(quotes, 1)
    ]


def shape(paragraphs) -> list[list[str]]:
    """Each paragraph as a list of tokens: text, <id> for an opening, / for a closing."""
    out = []
    for paragraph in paragraphs:
        tokens = []
        for piece in paragraph.pieces:
            if piece.open is not None:
                split = f" {piece.part}/{piece.parts}" if piece.parts > 1 else ""
                tokens.append(f"<{piece.open.claim_id}{split}")
            elif piece.close:
                tokens.append("/")
            else:
                tokens.append(piece.text)
        out.append(tokens)
    return out


def test_paragraphs_keep_their_line_breaks_and_start_where_the_text_does():
    assert paragraph_starts(BODY) == [0, BODY.index("Second"), BODY.index("Third")]
    paragraphs = segment(BODY, [])
    assert [p.start for p in paragraphs] == paragraph_starts(BODY)
    assert shape(paragraphs)[0] == ["First paragraph has words.\n\n"]
    assert plain_text(paragraphs) == BODY


@pytest.mark.parametrize("body", ["", "one line", "a  \n\n\n\nb  \r\n\r\nc\n", "\n\nstarts blank", "tail\n"])
def test_the_text_is_the_body_whatever_its_line_breaks(body):
    assert plain_text(segment(body, [])) == body


def test_a_quote_is_one_element_whose_text_is_the_quote():
    paragraphs = segment(BODY, spans_for(BODY, "has more"))
    assert shape(paragraphs)[1] == ["Second one 😀 ", "<1", "has more", "/", " words here.\n"]
    assert highlighted_texts(paragraphs) == {1: "has more"}


def test_offsets_count_code_points_so_a_quote_after_an_emoji_lands_exactly():
    start = BODY.index("has more")
    paragraphs = segment(BODY, [Span(claim_id=7, start=start, end=start + 8)])
    assert highlighted_texts(paragraphs) == {7: "has more"}


def test_a_nested_quote_is_an_element_inside_the_outer_one():
    paragraphs = segment(BODY, spans_for(BODY, "Second one 😀 has more words", "has more"))
    assert shape(paragraphs)[1] == ["<1", "Second one 😀 ", "<2", "has more", "/", " words", "/", " here.\n"]
    assert highlighted_texts(paragraphs) == {1: "Second one 😀 has more words", 2: "has more"}
    assert plain_text(paragraphs) == BODY


def test_two_claims_on_the_same_words_are_both_whole():
    quote = "has more"
    paragraphs = segment(BODY, spans_for(BODY, quote, quote))
    assert highlighted_texts(paragraphs) == {1: quote, 2: quote}
    assert shape(paragraphs)[1][1:6] == ["<1", "<2", quote, "/", "/"]


def test_a_crossing_quote_is_split_into_parts_that_make_up_the_quote():
    paragraphs = segment(BODY, spans_for(BODY, "one 😀 has more", "has more words"))
    assert shape(paragraphs)[1] == [
        "Second ", "<1", "one 😀 ", "<2 1/2", "has more", "/", "/", "<2 2/2", " words", "/", " here.\n",
    ]  # fmt: skip
    assert highlighted_texts(paragraphs) == {1: "one 😀 has more", 2: "has more words"}
    assert plain_text(paragraphs) == BODY


def test_a_quote_over_a_paragraph_break_is_split_at_the_break():
    quote = "words.\n\nSecond"
    paragraphs = segment(BODY, spans_for(BODY, quote))
    assert shape(paragraphs)[0] == ["First paragraph has ", "<1 1/2", "words.\n\n", "/"]
    assert shape(paragraphs)[1][:3] == ["<1 2/2", "Second", "/"]
    assert highlighted_texts(paragraphs) == {1: quote}


def test_many_overlapping_quotes_stay_whole_and_balanced():
    body = "abcdefghij" * 3
    offsets = [(0, 5), (2, 8), (3, 4), (4, 12), (0, 30), (7, 9)]
    spans = [Span(claim_id=n, start=s, end=e) for n, (s, e) in enumerate(offsets, 1)]
    paragraphs = segment(body, spans)
    assert highlighted_texts(paragraphs) == {s.claim_id: body[s.start : s.end] for s in spans}
    depth = 0
    for piece in paragraphs[0].pieces:
        depth += 1 if piece.open else -1 if piece.close else 0
        assert depth >= 0
    assert depth == 0


def test_spans_outside_the_body_or_empty_are_left_out():
    paragraphs = segment("short", [Span(claim_id=1, start=2, end=99), Span(claim_id=2, start=3, end=3)])
    assert highlighted_texts(paragraphs) == {}
    assert plain_text(paragraphs) == "short"
