"""POST /api/v1/import/: a JSON document or a CSV of one article's claims, all or nothing and
idempotent (interchange.importing)."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from pghistory.models import Context

from claims.demo import content
from claims.demo.loader import article_body
from claims.models import Article, Citation, Claim, Status
from sources.models import Publisher, Source, SourceReliance
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = reverse("import")
MODELS = (Publisher, Source, SourceReliance, Article, Claim, Citation)
SECTIONS = ("publishers", "sources", "articles", "claims", "citations")
BODY = (
    "The ministry said on Monday that 40 people were hurt. Witnesses said the fire began at noon. "
    "A spokesman denied that the army was involved. The ministry said on Monday that 40 people were hurt."
)


def snapshot() -> dict:
    """Rows, versions and history events of every imported model."""
    return {
        model.__name__: (
            sorted(model.objects.values_list("pk", *(["version"] if hasattr(model, "version") else []))),
            model.pgh_event_model.objects.count(),
        )
        for model in MODELS
    } | {"contexts": Context.objects.count()}


def post_json(client, document, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.post(
        f"{URL}?{query}" if query else URL,
        data=json.dumps(document, cls=DjangoJSONEncoder),
        content_type="application/json",
    )


def post_csv(client, text: str | bytes, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    data = text.encode() if isinstance(text, str) else text
    return client.post(f"{URL}?{query}", data=data, content_type="text/csv")


def counts(created=0, updated=0, unchanged=0) -> dict:
    return {"created": created, "updated": updated, "unchanged": unchanged}


def document() -> dict:
    return {
        "publishers": [
            {"name": "Daily Planet", "kind": "news_media", "country": "us", "url": "HTTPS://Planet.example/"},
            {"name": "Ministry of Things", "kind": "government"},
        ],
        "sources": [
            {
                "key": "report",
                "kind": "news_report",
                "title": "Fire at the depot",
                "publisher": "daily planet",
                "url": "https://Planet.example/fire?utm_source=x",
                "published_on": "2024-05-01",
                "relies_on": ["statement"],
            },
            {
                "key": "statement",
                "kind": "official_statement",
                "title": "Ministry statement",
                "publisher": "Ministry of Things",
                "identifier": "MIN-2024-17",
            },
        ],
        "articles": [
            {
                "key": "art",
                "title": "What happened at the depot",
                "url": "https://news.example/depot#top",
                "byline": "A. Writer",
                "publisher": "Daily Planet",
                "body": BODY,
            }
        ],
        "claims": [
            {
                "key": "hurt",
                "article": "art",
                "statement": "The ministry said 40 people were hurt.",
                "quote": "The ministry said on Monday that 40 people were hurt.",
                "quote_start": 0,
                "claimant": "Ministry of Things",
                "claim_date": "2024-05-01",
            },
            {
                "key": "noon",
                "article": "https://news.example/depot",
                "statement": "The fire began at noon.",
                "quote": "the fire began at noon",
            },
        ],
        "citations": [
            {"claim": "hurt", "source": "statement", "role": "attribution", "stance": "supports"},
            {
                "claim": {"article": "art", "quote": "the fire began at noon"},
                "source": "https://planet.example/fire",
                "role": "evidence",
                "stance": "supports",
                "locator": "para 2",
            },
        ],
    }


# A valid document ---------------------------------------------------------------------------


def test_a_document_is_imported_through_the_services(researcher_client, researcher):
    response = post_json(researcher_client, document())

    assert response.status_code == 200, response.content
    assert response.json() == {
        "dry_run": False,
        "counts": {
            "publishers": counts(created=2),
            "sources": counts(created=2),
            "articles": counts(created=1),
            "claims": counts(created=2),
            "citations": counts(created=2),
        },
    }
    planet = Publisher.objects.get(name="Daily Planet")
    assert (planet.country, planet.url) == ("US", "https://planet.example/")
    report = Source.objects.get(title="Fire at the depot")
    assert report.url == "https://planet.example/fire"
    assert report.publisher == planet
    assert list(report.relies_on.values_list("identifier", flat=True)) == ["MIN-2024-17"]
    article = Article.objects.get()
    assert (article.url, article.created_by) == ("https://news.example/depot", researcher)
    noon = Claim.objects.get(statement="The fire began at noon.")
    assert (noon.quote_start, noon.quote_end, noon.article) == (
        BODY.index("the fire"),
        BODY.index(" at noon") + 8,
        article,
    )
    assert noon.created_by == researcher
    hurt = Claim.objects.get(quote_start=0)
    assert hurt.claim_date.isoformat() == "2024-05-01"
    assert hurt.citations.get().source.identifier == "MIN-2024-17"
    assert noon.citations.get().locator == "para 2"
    assert noon.citations.get().added_by == researcher


def test_history_records_the_import_with_the_api_door(reviewer_client, reviewer):
    post_json(reviewer_client, document())

    for model in MODELS:
        for event in model.pgh_event_model.objects.all():
            metadata = event.pgh_context.metadata
            assert (metadata["door"], metadata["url"], metadata["user"]) == ("api", URL, reviewer.pk)


def test_importing_the_same_document_again_changes_nothing(researcher_client):
    assert post_json(researcher_client, document()).status_code == 200
    before = snapshot()

    response = post_json(researcher_client, document())

    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {
        "publishers": counts(unchanged=2),
        "sources": counts(unchanged=2),
        "articles": counts(unchanged=1),
        "claims": counts(unchanged=2),
        "citations": counts(unchanged=2),
    }
    assert snapshot() == before


def test_a_changed_row_updates_its_record_through_the_service(researcher_client):
    post_json(researcher_client, document())
    claim = Claim.objects.get(quote_start=0)
    changed = document()
    changed["claims"][0]["statement"] = "The ministry said forty people were hurt."
    changed["citations"][1]["stance"] = "context"
    changed["sources"][0]["relies_on"] = []
    changed["publishers"][1]["country"] = "fr"

    response = post_json(researcher_client, changed)

    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {
        "publishers": counts(updated=1, unchanged=1),
        "sources": counts(updated=1, unchanged=1),
        "articles": counts(unchanged=1),
        "claims": counts(updated=1, unchanged=1),
        "citations": counts(updated=1, unchanged=1),
    }
    claim.refresh_from_db()
    assert claim.statement == "The ministry said forty people were hurt."
    assert claim.version > 1
    assert Citation.objects.get(role="evidence").stance == "context"
    assert not SourceReliance.objects.exists()
    assert Publisher.objects.get(name="Ministry of Things").country == "FR"


def test_rows_match_stored_records_by_natural_key(researcher_client):
    article = ArticleFactory(url="https://news.example/stored", body=BODY)
    stored_claim = ClaimFactory(article=article, quote="A spokesman denied", statement="Denied.")
    source = SourceFactory(url="https://planet.example/stored")
    before = Claim.objects.count()

    response = post_json(
        researcher_client,
        {
            "claims": [
                {
                    "article": "HTTPS://news.example/stored",
                    "statement": "Denied.",
                    "quote": "A spokesman denied",
                },
                {"article": article.pk, "statement": "Witnesses spoke.", "quote": "Witnesses said"},
            ],
            "citations": [
                {"claim": stored_claim.pk, "source": source.pk, "role": "evidence", "stance": "supports"},
                {
                    "claim": {"article": article.pk, "quote": "Witnesses said"},
                    "source": "https://planet.example/stored",
                    "role": "evidence",
                    "stance": "context",
                },
            ],
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["counts"]["claims"] == counts(created=1, unchanged=1)
    assert response.json()["counts"]["citations"] == counts(created=2)
    assert Claim.objects.count() == before + 1
    assert stored_claim.citations.get().source == source


def test_dry_run_counts_but_writes_nothing(researcher_client):
    before = snapshot()

    response = post_json(researcher_client, document(), dry_run="true")

    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True
    assert response.json()["counts"]["claims"] == counts(created=2)
    assert snapshot() == before


def test_reviewers_may_import_and_outsiders_may_not(reviewer_client, outsider_client, anon_client):
    before = snapshot()
    assert_error(post_json(outsider_client, document()), 403)
    assert_error(post_json(anon_client, document()), 401)
    assert snapshot() == before
    assert post_json(reviewer_client, document()).status_code == 200


# The demo article ----------------------------------------------------------------------------


def demo_document() -> dict:
    """The demo content as an export would give it: keys for the records without URLs."""
    names = {spec["key"]: spec["name"] for spec in content.PUBLISHERS}
    sources = []
    for spec in content.SOURCES:
        row = {name: value for name, value in spec.items() if name not in ("publisher", "relies_on")}
        row.update(publisher=names.get(spec["publisher"]), relies_on=list(spec["relies_on"]))
        sources.append(row)
    article = {name: value for name, value in content.ARTICLE.items() if name != "publisher"}
    article.update(key="demo", publisher=names[content.ARTICLE["publisher"]], body=article_body())
    claims, citations = [], []
    for number, spec in enumerate(content.CLAIMS):
        claims.append(
            {
                "key": f"claim-{number}",
                "article": "demo",
                **{name: spec[name] for name in ("statement", "quote", "claimant", "claim_date")},
            }
        )
        citations += [{"claim": f"claim-{number}", **cite} for cite in spec["citations"]]
    return {
        "publishers": [{k: v for k, v in spec.items() if k != "key"} for spec in content.PUBLISHERS],
        "sources": sources,
        "articles": [article],
        "claims": claims,
        "citations": citations,
    }


def test_the_demo_content_imports_into_an_empty_database_and_again_changes_nothing(researcher_client):
    doc = demo_document()
    assert not Article.objects.exists()

    response = post_json(researcher_client, doc)

    assert response.status_code == 200, response.content
    created = {section: counts(created=len(doc[section])) for section in SECTIONS}
    assert response.json()["counts"] == created
    article = Article.objects.get()
    assert article.body == article_body()
    assert article.claims.count() == len(content.CLAIMS)
    for claim in article.claims.all():
        assert article.body[claim.quote_start : claim.quote_end] == claim.quote
    assert SourceReliance.objects.count() == sum(len(spec["relies_on"]) for spec in content.SOURCES)
    before = snapshot()

    again = post_json(researcher_client, doc)

    assert again.json()["counts"] == {section: counts(unchanged=len(doc[section])) for section in SECTIONS}
    assert snapshot() == before


def test_the_demo_document_matches_what_load_demo_stored(researcher_client, researcher):
    call_command("load_demo", user=researcher.username, stdout=StringIO())
    before = snapshot()

    response = post_json(researcher_client, demo_document())

    assert response.status_code == 200, response.content
    assert all(row["created"] == row["updated"] == 0 for row in response.json()["counts"].values())
    assert snapshot() == before


# CSV -----------------------------------------------------------------------------------------


@pytest.fixture
def article():
    return ArticleFactory(url="https://news.example/csv", body=BODY)


CSV_TEXT = (
    "statement,quote,quote_start,claimant,claim_date\n"
    'The fire began at noon.,"Witnesses said the fire began at noon.",,Witnesses,2024-05-01\n'
    '"A spokesman denied army involvement, it says.",A spokesman denied,,,\n'
)


def test_a_csv_imports_claims_of_one_article(researcher_client, article, researcher):
    response = post_csv(researcher_client, CSV_TEXT, article=article.pk)

    assert response.status_code == 200, response.content
    assert response.json()["counts"]["claims"] == counts(created=2)
    noon = article.claims.get(claimant="Witnesses")
    assert noon.quote_start == BODY.index("Witnesses")
    assert noon.created_by == researcher
    assert article.claims.get(claimant="").statement == "A spokesman denied army involvement, it says."
    before = snapshot()

    again = post_csv(researcher_client, CSV_TEXT, article="https://NEWS.example/csv")

    assert again.json()["counts"]["claims"] == counts(unchanged=2)
    assert snapshot() == before


def test_a_csv_with_a_byte_order_mark_and_crlf_lines_is_read(researcher_client, article):
    data = "\ufeff" + CSV_TEXT.replace("\n", "\r\n")
    response = post_csv(researcher_client, data.encode("utf-8"), article=article.pk)
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["claims"] == counts(created=2)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "required"),
        ({"article": "999999999"}, "not_found"),
        ({"article": "https://nowhere.example/"}, "not_found"),
    ],
)
def test_a_csv_must_name_a_stored_article(researcher_client, article, params, code):
    body = assert_error(post_csv(researcher_client, CSV_TEXT, **params), 400)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("article", code)]
    assert not Claim.objects.exists()


def test_a_csv_for_an_article_in_the_trash_is_refused(researcher_client, article, reviewer):
    from claims.services import article_delete

    article_delete(article=article, actor=reviewer)
    body = assert_error(post_csv(researcher_client, CSV_TEXT, article=article.pk), 400)
    assert body["errors"][0]["code"] == "in_trash"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(None, "empty")]),
        (b"statement,quote\n", [(None, "empty")]),
        ("statement,quote\nCaf\xe9,Witnesses said\n".encode("latin-1"), [(None, "encoding")]),
        (
            b"statement,qoute\nx,Witnesses said\n",
            [("line 1: qoute", "unknown_column"), ("line 1: quote", "missing_column")],
        ),
        (b"statement,quote,quote\nx,y,z\n", [("line 1: quote", "duplicate_column")]),
        (
            b"statement,quote,quote_start\nNo row,Witnesses said,abc\n"
            b"Too,many,values,here\n,Witnesses said,\n",
            [("line 2: quote_start", "invalid"), ("line 3", "wrong_length"), ("line 4: statement", "blank")],
        ),
        (
            b"statement,quote\nNot there,Nobody said this\n\nTwice,The ministry said on Monday\n",
            [("line 2: quote", "quote_not_found"), ("line 4: quote_start", "quote_ambiguous")],
        ),
        (
            b"statement,quote\nOne,Witnesses said\nSame,Witnesses said\n",
            [("line 3: quote", "duplicate")],
        ),
        (b'statement,quote\n"unterminated,Witnesses said\n', [("line 2", "parse_error")]),
    ],
)
def test_a_malformed_csv_is_refused_naming_line_and_column(researcher_client, article, data, expected):
    before = snapshot()

    body = assert_error(post_csv(researcher_client, data, article=article.pk), 400, "invalid")

    assert [(e["field"], e["code"]) for e in body["errors"]] == expected
    assert body["error_count"] == len(expected)
    assert all(e["section"] in ("csv", None) for e in body["errors"])
    assert snapshot() == before


# Malformed documents -------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_refused(researcher_client):
    response = researcher_client.post(URL, data=b'{"claims": [', content_type="application/json")
    body = assert_error(response, 400)
    assert body["errors"][0]["code"] == "parse_error"
    assert body["error_count"] == 1


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], [(None, "invalid")]),
        ({}, [(None, "empty")]),
        ({"claims": []}, [(None, "empty")]),
        ({"claims": {"a": 1}}, [("claims", "not_a_list")]),
        ({"clams": [{}]}, [("clams", "unknown_field")]),
        ({"claims": [5]}, [("claims[1]", "invalid")]),
    ],
)
def test_a_document_of_the_wrong_shape_is_refused(researcher_client, doc, expected):
    body = assert_error(post_json(researcher_client, doc), 400, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == expected


def test_every_problem_is_listed_by_section_row_and_field_and_nothing_is_written(researcher_client):
    doc = document()
    doc["publishers"][1]["country"] = "F1"  # not ISO 3166-1 alpha-2
    doc["publishers"].append({"name": "daily planet"})  # the same publisher, in another case
    doc["sources"][0]["url"] = "not a url"
    doc["sources"][1]["relies_on"] = ["nothing-by-this-key"]
    doc["sources"][1]["kind"] = "rumour"
    doc["articles"][0]["publisher"] = "Unknown Press"
    doc["claims"][0]["quote_start"] = "first"
    doc["claims"][1]["quote"] = "Nobody said this"
    doc["claims"].append({"key": "hurt", "article": "art", "statement": 7, "quote": "Witnesses said"})
    doc["claims"].append({"article": "art", "quote": "Witnesses said", "extra": 1})
    doc["citations"][0]["claim"] = "no-such-claim"
    doc["citations"][1]["role"] = "gossip"
    del doc["citations"][1]["stance"]
    before = snapshot()

    body = assert_error(post_json(researcher_client, doc), 400, "invalid")

    found = {(e["field"], e["code"]) for e in body["errors"]}
    assert found == {
        ("publishers[2].country", "invalid"),
        ("publishers[3].name", "duplicate"),
        ("sources[1].url", "invalid"),
        ("sources[2].kind", "invalid_choice"),
        ("articles[1].publisher", "unknown_reference"),
        ("claims[1].quote_start", "invalid"),
        ("claims[2].quote", "quote_not_found"),
        ("claims[3].statement", "invalid"),
        ("claims[4].statement", "required"),
        ("claims[4].extra", "unknown_field"),
        ("citations[1].claim", "unknown_reference"),
        ("citations[2].role", "invalid_choice"),
        ("citations[2].stance", "required"),
    }
    by_field = {e["field"]: e for e in body["errors"]}
    assert (by_field["claims[2].quote"]["section"], by_field["claims[2].quote"]["row"]) == ("claims", 2)
    assert body["error_count"] == len(body["errors"])
    assert snapshot() == before


def test_references_duplicates_and_cycles_are_refused(researcher_client):
    doc = document()
    doc["claims"][1]["key"] = "hurt"  # the key of row 1 again
    doc["sources"][1]["relies_on"] = ["report"]  # report relies on statement: a circle
    doc["citations"].append(dict(doc["citations"][0]))  # the same citation twice
    doc["articles"].append(dict(doc["articles"][0], key="other", url="https://news.example/depot"))
    doc["claims"].append(dict(doc["claims"][0], key="third", article="art"))  # same article, quote, start
    before = snapshot()

    body = assert_error(post_json(researcher_client, doc), 400)

    found = {(e["field"], e["code"]) for e in body["errors"]}
    assert ("claims[2].key", "duplicate") in found
    assert ("articles[2]", "duplicate") in found
    assert ("claims[3].quote", "duplicate") in found
    assert ("citations[3].source", "duplicate") in found
    assert any(code == "cycle" for _field, code in found)
    assert snapshot() == before


def test_a_self_reliance_and_an_unknown_stored_id_are_refused(researcher_client):
    doc = document()
    doc["sources"][1]["relies_on"] = ["statement"]
    doc["citations"][0]["source"] = 999_999_999
    doc["citations"][1]["claim"] = 999_999_999
    body = assert_error(post_json(researcher_client, doc), 400)
    found = {(e["field"], e["code"]) for e in body["errors"]}
    assert {
        ("sources[2].relies_on", "self_reliance"),
        ("citations[1].source", "unknown_reference"),
        ("citations[2].claim", "unknown_reference"),
    } <= found


def test_a_rule_refused_while_writing_rolls_everything_back(researcher_client):
    post_json(researcher_client, document())
    Claim.objects.filter(quote_start=0).update(status=Status.VERIFIED)
    changed = document()
    changed["publishers"].append({"name": "A New Publisher"})
    changed["claims"][0]["statement"] = "An edit of a judged claim."
    before = snapshot()

    body = assert_error(post_json(researcher_client, changed), 400)

    assert [(e["field"], e["code"], e["row"]) for e in body["errors"]] == [("claims[1]", "has_verdict", 1)]
    assert snapshot() == before
    assert not Publisher.objects.filter(name="A New Publisher").exists()


def test_the_list_of_problems_is_capped(researcher_client):
    doc = {"claims": [{"article": "nowhere", "statement": "x", "quote": "y"}] * 1200}
    body = assert_error(post_json(researcher_client, doc), 400)
    assert len(body["errors"]) == 1000
    assert body["error_count"] == 1200
    assert "the first 1000 are listed" in body["detail"]


def test_query_parameters_are_checked(researcher_client, article):
    body = assert_error(post_json(researcher_client, document(), dry_run="maybe"), 400)
    assert body["errors"][0]["field"] == "dry_run"
    body = assert_error(post_json(researcher_client, document(), article=article.pk), 400)
    assert body["errors"][0]["field"] == "article"
    assert not Publisher.objects.exists()


def test_a_urlencoded_form_body_is_an_unsupported_media_type(researcher_client):
    # A form sends the import as an uploaded file (multipart/form-data; test_import_upload.py).
    response = researcher_client.post(URL, data="claims=x", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415)


# Size ----------------------------------------------------------------------------------------


def test_an_import_may_be_larger_than_other_requests_up_to_its_own_limit(researcher_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.IMPORT_MAX_BYTES = 100_000
    doc = document()
    assert len(json.dumps(doc)) > 1000
    assert post_json(researcher_client, doc).status_code == 200

    settings.IMPORT_MAX_BYTES = 1000
    before = snapshot()
    doc["articles"][0]["title"] = "Another title"
    body = assert_error(post_json(researcher_client, doc), 413, "too_large")
    assert "1000 bytes" in body["detail"]
    assert snapshot() == before


def big_document(claims_per_article: int = 500, articles: int = 20) -> dict:
    doc = {
        "publishers": [{"name": "Bulk Press"}],
        "sources": [],
        "articles": [],
        "claims": [],
        "citations": [],
    }
    for a in range(articles):
        sentences = [
            f"Sentence {a}-{c} says that {c * 7 + a} things happened. " for c in range(claims_per_article)
        ]
        body = "".join(sentences)
        doc["articles"].append(
            {"key": f"a{a}", "title": f"Bulk article {a}", "url": f"https://bulk.example/{a}", "body": body}
        )
        doc["sources"].append(
            {
                "key": f"s{a}",
                "kind": "report",
                "title": f"Bulk report {a}",
                "url": f"https://bulk.example/r/{a}",
            }
        )
        start = 0
        for c, sentence in enumerate(sentences):
            doc["claims"].append(
                {
                    "key": f"c{a}-{c}",
                    "article": f"a{a}",
                    "statement": f"Claim {a}-{c}.",
                    "quote": sentence.strip(),
                    "quote_start": start if c % 2 else None,
                }
            )
            if c % 10 == 0:
                doc["citations"].append(
                    {"claim": f"c{a}-{c}", "source": f"s{a}", "role": "evidence", "stance": "supports"}
                )
            start += len(sentence)
    return doc


def test_ten_thousand_claims_import_at_once_and_again_change_nothing(researcher_client):
    doc = big_document()
    assert len(doc["claims"]) == 10_000

    response = post_json(researcher_client, doc)

    assert response.status_code == 200, response.content[:2000]
    assert response.json()["counts"]["claims"] == counts(created=10_000)
    assert Claim.objects.count() == 10_000
    assert Citation.objects.count() == 1_000
    before = snapshot()

    again = post_json(researcher_client, copy.deepcopy(doc))

    assert again.json()["counts"]["claims"] == counts(unchanged=10_000)
    assert snapshot() == before


def claims_csv(count: int) -> tuple[str, str]:
    sentences = [f"Fact number {n} is stated here. " for n in range(count)]
    rows = "".join(f"Claim {n}.,{sentence.strip()}\n" for n, sentence in enumerate(sentences))
    return "".join(sentences), "statement,quote\n" + rows


def test_new_claims_are_written_in_bulk_so_queries_do_not_grow_with_rows(
    researcher_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small_body, small_csv = claims_csv(3)
    big_body, big_csv = claims_csv(60)
    small, big = ArticleFactory(body=small_body), ArticleFactory(body=big_body)
    # A first request reads the user's groups once (core.roles caches them on the user).
    post_csv(researcher_client, small_csv, article=small.pk, dry_run="true")
    with CaptureQueriesContext(connection) as small_run:
        assert post_csv(researcher_client, small_csv, article=small.pk).status_code == 200

    with django_assert_num_queries(len(small_run.captured_queries)):
        response = post_csv(researcher_client, big_csv, article=big.pk)

    assert response.json()["counts"]["claims"] == counts(created=60)
