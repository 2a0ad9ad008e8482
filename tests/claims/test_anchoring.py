"""Claims are anchored on an exact quote of their article's body, by character offsets."""

import pytest
from django.urls import reverse

from claims.anchoring import anchor_quote, occurrences, reanchor
from claims.demo.loader import article_body
from claims.models import Claim
from core.errors import InvalidInput
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import if_match

BODY = "Rockets hit the zone. Officials said rockets hit the zone again."
REPEATED = "rockets hit the zone"  # lower case: occurs once ("Rockets" is capitalised)
TWICE = "hit the zone"


# anchor_quote -----------------------------------------------------------------------


def test_offsets_are_computed_when_left_out():
    start, end = anchor_quote(body=BODY, quote=REPEATED, quote_start=None, quote_end=None)
    assert (start, end) == (BODY.index(REPEATED), BODY.index(REPEATED) + len(REPEATED))
    assert BODY[start:end] == REPEATED


def test_right_offsets_are_accepted():
    second = BODY.index(TWICE, BODY.index(TWICE) + 1)
    assert anchor_quote(body=BODY, quote=TWICE, quote_start=second, quote_end=second + len(TWICE)) == (
        second,
        second + len(TWICE),
    )


def test_quote_end_never_chooses_the_occurrence():
    # Derived, not input: only quote_start says which occurrence.
    second = BODY.index(TWICE, BODY.index(TWICE) + 1)
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote=TWICE, quote_start=None, quote_end=second + len(TWICE))
    assert (caught.value.code, list(caught.value.errors)) == ("quote_ambiguous", ["quote_start"])


def test_wrong_quote_start_is_refused():
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote=REPEATED, quote_start=0, quote_end=None)
    assert caught.value.code == "quote_mismatch"
    assert list(caught.value.errors) == ["quote_start"]
    assert str(BODY.index(REPEATED)) in caught.value.message


def test_quote_end_inconsistent_with_quote_start_is_refused():
    start = BODY.index(REPEATED)
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote=REPEATED, quote_start=start, quote_end=start + len(REPEATED) + 1)
    assert caught.value.code == "mismatch"
    assert list(caught.value.errors) == ["quote_end"]


def test_quote_end_other_than_the_computed_one_is_refused():
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote=REPEATED, quote_start=None, quote_end=3)
    assert (caught.value.code, list(caught.value.errors)) == ("mismatch", ["quote_end"])
    assert str(BODY.index(REPEATED) + len(REPEATED)) in caught.value.message


def test_quote_start_past_the_body_is_refused():
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote=REPEATED, quote_start=len(BODY) + 5, quote_end=None)
    assert list(caught.value.errors) == ["quote_start"]


def test_quote_not_in_body_is_refused():
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote="missiles", quote_start=None, quote_end=None)
    assert caught.value.code == "quote_not_found"
    assert list(caught.value.errors) == ["quote"]


@pytest.mark.parametrize("quote", ["", " ", "\xa0\xa0", "\n\n"])
def test_blank_quote_is_refused(quote):
    body = article_body()
    # Even whitespace the body holds exactly once at that offset is not a quote.
    start = body.find(quote) if quote else 0
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=body, quote=quote, quote_start=start, quote_end=None)
    assert caught.value.code == "blank"
    assert list(caught.value.errors) == ["quote"]


def test_ambiguous_quote_without_offset_is_refused():
    with pytest.raises(InvalidInput) as caught:
        anchor_quote(body=BODY, quote=TWICE, quote_start=None, quote_end=None)
    assert caught.value.code == "quote_ambiguous"
    assert list(caught.value.errors) == ["quote_start"]


def test_quote_match_is_case_and_character_exact():
    with pytest.raises(InvalidInput):
        anchor_quote(body=BODY, quote="ROCKETS HIT THE ZONE", quote_start=None, quote_end=None)
    demo = article_body()
    # A straight apostrophe is not the article's curly one.
    with pytest.raises(InvalidInput):
        anchor_quote(body=demo, quote="Baghdad's International Zone", quote_start=None, quote_end=None)


def test_occurrences_include_overlaps():
    assert occurrences("aaaa", "aa") == [0, 1, 2]
    assert occurrences("abc", "x") == []


def test_reanchor_keeps_moves_or_loses_the_quote():
    old = "one two three"
    assert reanchor(old_body=old, new_body="one two three four", quote="two", quote_start=4) == 4
    assert reanchor(old_body=old, new_body="zero one two three", quote="two", quote_start=4) == 9
    assert reanchor(old_body=old, new_body="one three", quote="two", quote_start=4) is None
    assert reanchor(old_body=old, new_body="two one two", quote="two", quote_start=4) is None


# Through the API --------------------------------------------------------------------


def create_claim(client, article, **fields):
    body = {"article": article.pk, "statement": "Rockets hit the zone.", "quote": REPEATED, **fields}
    return client.post(reverse("claim-list"), body, format="json")


def error_fields(response) -> list:
    return [error["field"] for error in response.data["errors"]]


@pytest.fixture
def article(db):
    return ArticleFactory(body=BODY)


def test_api_computes_offsets(researcher_client, article):
    response = create_claim(researcher_client, article)
    assert response.status_code == 201, response.data
    start = BODY.index(REPEATED)
    assert (response.data["quote_start"], response.data["quote_end"]) == (start, start + len(REPEATED))
    claim = Claim.objects.get(pk=response.data["id"])
    assert BODY[claim.quote_start : claim.quote_end] == REPEATED


def test_api_accepts_right_offsets(researcher_client, article):
    start = BODY.index(REPEATED)
    response = create_claim(researcher_client, article, quote_start=start, quote_end=start + len(REPEATED))
    assert response.status_code == 201, response.data
    assert (response.data["quote_start"], response.data["quote_end"]) == (start, start + len(REPEATED))


def test_api_refuses_wrong_quote_start(researcher_client, article):
    response = create_claim(researcher_client, article, quote_start=1)
    assert response.status_code == 400
    assert response.data["code"] == "quote_mismatch"
    assert error_fields(response) == ["quote_start"]
    assert not Claim.objects.exists()


def test_api_refuses_inconsistent_quote_end(researcher_client, article):
    start = BODY.index(REPEATED)
    response = create_claim(researcher_client, article, quote_start=start, quote_end=start + 2)
    assert response.status_code == 400
    assert error_fields(response) == ["quote_end"]
    assert not Claim.objects.exists()


def test_api_refuses_quote_not_in_body(researcher_client, article):
    response = create_claim(researcher_client, article, quote="eight missiles")
    assert response.status_code == 400
    assert response.data["code"] == "quote_not_found"
    assert error_fields(response) == ["quote"]
    assert not Claim.objects.exists()


def test_api_refuses_ambiguous_quote(researcher_client, article):
    response = create_claim(researcher_client, article, quote=TWICE)
    assert response.status_code == 400
    assert response.data["code"] == "quote_ambiguous"
    assert error_fields(response) == ["quote_start"]
    assert not Claim.objects.exists()


def test_api_refuses_whitespace_quote(researcher_client):
    body = article_body()
    article = ArticleFactory(body=body)
    response = create_claim(researcher_client, article, quote="\xa0\xa0", quote_start=body.index("\xa0\xa0"))
    assert response.status_code == 400
    assert response.data["code"] == "blank"
    assert error_fields(response) == ["quote"]
    assert not Claim.objects.exists()


def test_api_quote_start_chooses_second_occurrence(researcher_client, article):
    second = BODY.index(TWICE, BODY.index(TWICE) + 1)
    response = create_claim(researcher_client, article, quote=TWICE, quote_start=second)
    assert response.status_code == 201, response.data
    assert (response.data["quote_start"], response.data["quote_end"]) == (second, second + len(TWICE))


def test_api_refuses_negative_offset(researcher_client, article):
    response = create_claim(researcher_client, article, quote_start=-1)
    assert response.status_code == 400
    assert error_fields(response) == ["quote_start"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "quote",
    [
        "Baghdad\u2019s International Zone",
        "U.S.\xa0embassy",
        "\u201calmost certainly conducted by an Iranian-backed rogue militia group.\u201d",
    ],
)
def test_non_ascii_quotes_anchor_by_character_offsets(researcher_client, quote):
    body = article_body()
    article = ArticleFactory(body=body)
    response = create_claim(researcher_client, article, quote=quote)
    assert response.status_code == 201, response.data
    start, end = response.data["quote_start"], response.data["quote_end"]
    assert body[start:end] == quote
    # Byte offsets would be larger: the text before the quote holds multi-byte characters.
    assert len(body[:start].encode("utf-8")) > start
    assert end - start == len(quote)


def test_non_ascii_quote_with_given_character_offsets(researcher_client):
    body = article_body()
    article = ArticleFactory(body=body)
    quote = "Baghdad\u2019s International Zone"
    start = body.index(quote)
    response = create_claim(researcher_client, article, quote=quote, quote_start=start)
    assert response.status_code == 201, response.data
    assert response.data["quote_end"] == start + len(quote)
    byte_start = len(body[:start].encode("utf-8"))
    refused = create_claim(researcher_client, article, quote=quote, quote_start=byte_start)
    assert refused.status_code == 400
    assert error_fields(refused) == ["quote_start"]
    assert Claim.objects.count() == 1


def claim_on(article, quote):
    start = article.body.index(quote)
    return ClaimFactory(article=article, quote=quote, quote_start=start)


def test_patch_quote_reanchors(researcher_client, article):
    claim = claim_on(article, REPEATED)
    new_quote = "Officials said"
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"quote": new_quote}, format="json", **if_match(claim)
    )
    assert response.status_code == 200, response.data
    start = BODY.index(new_quote)
    assert (response.data["quote_start"], response.data["quote_end"]) == (start, start + len(new_quote))
    claim.refresh_from_db()
    assert (claim.quote, claim.quote_start, claim.quote_end) == (new_quote, start, start + len(new_quote))


def test_patch_quote_start_picks_another_occurrence(researcher_client, article):
    claim = claim_on(article, TWICE)
    second = BODY.index(TWICE, claim.quote_start + 1)
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"quote_start": second}, format="json", **if_match(claim)
    )
    assert response.status_code == 200, response.data
    claim.refresh_from_db()
    assert (claim.quote_start, claim.quote_end) == (second, second + len(TWICE))


def test_patch_quote_not_in_body_is_refused(researcher_client, article):
    claim = claim_on(article, REPEATED)
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]),
        {"quote": "eight missiles"},
        format="json",
        **if_match(claim),
    )
    assert response.status_code == 400
    assert error_fields(response) == ["quote"]
    claim.refresh_from_db()
    assert (claim.quote, claim.quote_start) == (REPEATED, BODY.index(REPEATED))


def test_patch_article_reanchors_in_the_new_body(researcher_client, article):
    claim = claim_on(article, REPEATED)
    other = ArticleFactory(body="Preface. " + BODY)
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"article": other.pk}, format="json", **if_match(claim)
    )
    assert response.status_code == 200, response.data
    claim.refresh_from_db()
    assert claim.article == other
    assert other.body[claim.quote_start : claim.quote_end] == REPEATED
    assert claim.quote_start == BODY.index(REPEATED) + len("Preface. ")


def test_patch_article_whose_body_lacks_the_quote_is_refused(researcher_client, article):
    claim = claim_on(article, REPEATED)
    other = ArticleFactory(body="Nothing of the kind happened.")
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"article": other.pk}, format="json", **if_match(claim)
    )
    assert response.status_code == 400
    assert error_fields(response) == ["quote"]
    claim.refresh_from_db()
    assert claim.article == article
    assert (claim.quote_start, claim.quote_end) == (BODY.index(REPEATED), BODY.index(REPEATED) + 20)


def test_resending_the_same_quote_keeps_the_chosen_occurrence(researcher_client, article):
    second = BODY.index(TWICE, BODY.index(TWICE) + 1)
    claim = ClaimFactory(article=article, quote=TWICE, quote_start=second)
    url = reverse("claim-detail", args=[claim.pk])
    patched = researcher_client.patch(
        url, {"quote": TWICE, "article": article.pk}, format="json", **if_match(claim)
    )
    assert patched.status_code == 200, patched.data
    put = researcher_client.put(
        url,
        {"article": article.pk, "statement": "Hit again.", "quote": TWICE},
        format="json",
        **if_match(claim),
    )
    assert put.status_code == 200, put.data
    assert (put.data["quote_start"], put.data["quote_end"]) == (second, second + len(TWICE))
    claim.refresh_from_db()
    assert (claim.statement, claim.quote_start) == ("Hit again.", second)


# quote_end is derived: generated by PostgreSQL, read-only in the API ----------------------------


# Astral characters (one code point, two UTF-16 units), a combining accent (two code points, one
# glyph) and a letter of three UTF-8 bytes: the database counts code points, like Python and the API.
UNICODE_BODY = "Intro 🚀🚀 then e\u0301te\u0301 in Ελλάδα, 🚀 the end."
UNICODE_QUOTE = "🚀 then e\u0301te\u0301 in Ελλάδα, 🚀"


def test_the_database_counts_the_quote_in_code_points_like_python(db):
    article = ArticleFactory(body=UNICODE_BODY)
    claim = ClaimFactory(article=article, quote=UNICODE_QUOTE)
    stored = Claim.objects.values_list("quote_start", "quote_end").get(pk=claim.pk)
    start = UNICODE_BODY.index(UNICODE_QUOTE)
    assert stored == (start, start + len(UNICODE_QUOTE))
    assert UNICODE_BODY[stored[0] : stored[1]] == UNICODE_QUOTE


def test_quote_end_follows_quote_start_whatever_writes_it(article):
    second = BODY.index(TWICE, BODY.index(TWICE) + 1)
    claim = ClaimFactory(article=article, quote=TWICE)
    # Not through a service: PostgreSQL computes the end for any write, raw updates included.
    Claim.objects.filter(pk=claim.pk).update(quote_start=second)
    assert Claim.objects.values_list("quote_end", flat=True).get(pk=claim.pk) == second + len(TWICE)


def test_the_api_answers_the_computed_quote_end_on_create_and_edit(researcher_client, article):
    start = BODY.index(TWICE)
    created = create_claim(researcher_client, article, quote=TWICE, quote_start=start)
    assert created.status_code == 201, created.data
    assert created.data["quote_end"] == start + len(TWICE)
    claim = Claim.objects.get(pk=created.data["id"])
    second = BODY.index(TWICE, start + 1)
    patched = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"quote_start": second}, format="json", **if_match(claim)
    )
    assert patched.status_code == 200, patched.data
    assert (patched.data["quote_start"], patched.data["quote_end"]) == (second, second + len(TWICE))


def test_a_quote_end_sent_on_edit_is_ignored_when_right_and_refused_when_wrong(researcher_client, article):
    claim = claim_on(article, REPEATED)
    url, start = reverse("claim-detail", args=[claim.pk]), BODY.index(REPEATED)
    wrong = researcher_client.patch(
        url, {"statement": "Changed.", "quote_end": start + 3}, format="json", **if_match(claim)
    )
    assert wrong.status_code == 400
    assert (wrong.data["errors"][0]["field"], wrong.data["errors"][0]["code"]) == ("quote_end", "mismatch")
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == (ClaimFactory.statement, 1)
    right = researcher_client.patch(
        url, {"statement": "Changed.", "quote_end": start + len(REPEATED)}, format="json", **if_match(claim)
    )
    assert right.status_code == 200, right.data
    assert (right.data["statement"], right.data["quote_end"]) == ("Changed.", start + len(REPEATED))


def test_a_quote_end_that_is_no_integer_is_refused_naming_it(researcher_client, article):
    response = create_claim(researcher_client, article, quote_end="twenty")
    assert response.status_code == 400
    assert error_fields(response) == ["quote_end"]
    assert not Claim.objects.exists()


def test_a_form_without_quote_end_is_accepted(researcher_client, article):
    # The browsable API's form has no quote_end (read-only); a blank one from an old form is none.
    body = {"article": article.pk, "statement": "Rockets hit the zone.", "quote": REPEATED, "quote_end": ""}
    response = researcher_client.post(reverse("claim-list"), body)
    assert response.status_code == 201, response.data
    assert response.data["quote_end"] == BODY.index(REPEATED) + len(REPEATED)


def test_the_schema_marks_quote_end_read_only():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert components["Claim"]["properties"]["quote_end"]["readOnly"] is True
    assert "quote_end" not in components["ClaimWriteRequest"]["properties"]
    assert "quote_end" not in components["PatchedClaimWriteRequest"]["properties"]
