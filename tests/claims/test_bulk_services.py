"""claims_create_bulk and citations_add_bulk: the rules of claim_create and citation_add, for
many records at once (the import's path)."""

import pytest

from claims import services
from claims.models import Article, Citation, Claim
from core.errors import Conflict, Forbidden, InvalidInput
from sources import services as source_services
from tests.factories import ARTICLE_BODY, ArticleFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.policy_roles import make_actor

pytestmark = pytest.mark.django_db


def test_claims_are_created_anchored_in_the_body(researcher):
    article = ArticleFactory(body=ARTICLE_BODY)
    second = ARTICLE_BODY.rindex("21 rockets")

    created = services.claims_create_bulk(
        article=article,
        claims=[
            {
                "statement": "  A militia did it. ",
                "quote": "almost certainly conducted",
                "claimant": " CENTCOM ",
            },
            {"statement": "21 rockets.", "quote": "21 rockets", "quote_start": second},
        ],
        created_by=researcher,
    )

    assert [(c.quote_start, c.quote_end) for c in created] == [
        (ARTICLE_BODY.index("almost"), ARTICLE_BODY.index("almost") + len("almost certainly conducted")),
        (second, second + len("21 rockets")),
    ]
    first = Claim.objects.get(pk=created[0].pk)
    assert (first.statement, first.claimant, first.created_by) == ("A militia did it.", "CENTCOM", researcher)


@pytest.mark.parametrize(
    ("item", "field", "code"),
    [
        ({"statement": "x", "quote": "not in the body"}, "claims.1.quote", "quote_not_found"),
        ({"statement": "x", "quote": "21 rockets"}, "claims.1.quote_start", "quote_ambiguous"),
        (
            {"statement": "x", "quote": "21 rockets", "quote_start": 3},
            "claims.1.quote_start",
            "quote_mismatch",
        ),
    ],
)
def test_a_claim_whose_quote_does_not_stand_refuses_the_whole_batch(researcher, item, field, code):
    article = ArticleFactory(body=ARTICLE_BODY)
    with pytest.raises(InvalidInput) as refused:
        services.claims_create_bulk(
            article=article,
            claims=[{"statement": "fine", "quote": "almost certainly"}, item],
            created_by=researcher,
        )
    assert (list(refused.value.errors), refused.value.code, refused.value.extra["index"]) == (
        [field],
        code,
        1,
    )
    assert not Claim.objects.exists()


def test_claims_cannot_be_added_to_an_article_in_the_trash(researcher, reviewer):
    article = ArticleFactory(body=ARTICLE_BODY)
    services.article_delete(article=article, actor=reviewer)
    with pytest.raises(Conflict) as refused:
        services.claims_create_bulk(
            article=article, claims=[{"statement": "x", "quote": "almost certainly"}], created_by=researcher
        )
    assert refused.value.code == "in_trash"
    assert not Claim.objects.exists()


def test_citations_are_added(researcher):
    claim, source = ClaimFactory(), SourceFactory()
    created = services.citations_add_bulk(
        citations=[
            {"claim": claim, "source": source, "role": "attribution", "stance": "supports"},
            {"claim": claim, "source": source, "role": "evidence", "stance": "context", "locator": "p. 2"},
        ],
        added_by=researcher,
    )
    assert [(c.role, c.locator, c.added_by) for c in created] == [
        ("attribution", "", researcher),
        ("evidence", "p. 2", researcher),
    ]


def test_a_citation_twice_or_already_stored_refuses_the_batch(researcher):
    claim, source, other = ClaimFactory(), SourceFactory(), SourceFactory()
    services.citation_add(claim=claim, source=source, role="evidence", stance="supports", added_by=researcher)
    twice = {"claim": claim, "source": other, "role": "evidence", "stance": "supports"}
    stored = {"claim": claim, "source": source, "role": "evidence", "stance": "context"}

    for batch, index in (([twice, twice], 1), ([twice, stored], 1)):
        with pytest.raises(Conflict) as refused:
            services.citations_add_bulk(citations=batch, added_by=researcher)
        assert (refused.value.code, refused.value.extra["index"]) == ("duplicate", index)
        assert list(refused.value.errors) == [f"citations.{index}.source"]
    assert Citation.objects.count() == 1


def test_citations_of_trashed_claims_or_sources_are_refused(researcher, reviewer):
    claim, source = ClaimFactory(), SourceFactory()
    services.claim_delete(claim=claim, actor=reviewer)
    with pytest.raises(Conflict, match="in the trash"):
        services.citations_add_bulk(
            citations=[{"claim": claim, "source": source, "role": "evidence", "stance": "supports"}],
            added_by=researcher,
        )
    live = ClaimFactory()
    source_services.source_delete(source=source, actor=reviewer)
    with pytest.raises(Conflict, match="in the trash"):
        services.citations_add_bulk(
            citations=[{"claim": live, "source": source, "role": "evidence", "stance": "supports"}],
            added_by=researcher,
        )
    assert not Citation.objects.exists()


def test_articles_are_created_as_article_create_stores_them(researcher):
    publisher = PublisherFactory()
    created = services.articles_create_bulk(
        articles=[
            {
                "title": "One",
                "url": "HTTPS://News.example/1#top",
                "body": "Line one.\r\nLine two.",
                "publisher": publisher,
            },
            {"title": "Two", "byline": "A. Writer"},
        ],
        created_by=researcher,
    )
    one, two = (Article.objects.get(pk=article.pk) for article in created)
    assert (one.url, one.body, one.publisher, one.created_by) == (
        "https://news.example/1",
        "Line one.\nLine two.",
        publisher,
        researcher,
    )
    assert (two.url, two.byline, two.body) == ("", "A. Writer", "")


@pytest.mark.parametrize(("stored_url", "index"), [("https://news.example/1", 0), ("", 1)])
def test_an_article_url_already_stored_or_twice_in_the_batch_refuses_it(researcher, stored_url, index):
    stored = ArticleFactory(url=stored_url)
    with pytest.raises(Conflict) as refused:
        services.articles_create_bulk(
            articles=[
                {"title": "One", "url": "https://news.example/1"},
                {"title": "Two", "url": "https://NEWS.example/2" if stored_url else "https://NEWS.example/1"},
            ],
            created_by=researcher,
        )
    assert (list(refused.value.errors), refused.value.code, refused.value.extra["index"]) == (
        [f"articles.{index}.url"],
        "duplicate",
        index,
    )
    assert list(Article.objects.all()) == [stored]


def test_claims_of_several_articles_are_created_at_once_each_anchored_in_its_body(researcher):
    first, second = ArticleFactory(body="Rockets hit the base."), ArticleFactory(body="The base was hit.")

    created = services.claims_create_bulk(
        claims=[
            {"article": second, "statement": "Hit.", "quote": "was hit"},
            {"article": first, "statement": "Rockets.", "quote": "Rockets"},
        ],
        created_by=researcher,
    )

    assert [(c.article, c.quote_start, c.quote_end) for c in created] == [(second, 9, 16), (first, 0, 7)]


def test_claims_of_an_article_in_the_trash_are_refused_naming_the_first(researcher, reviewer):
    live, trashed = ArticleFactory(body=ARTICLE_BODY), ArticleFactory(body=ARTICLE_BODY)
    services.article_delete(article=trashed, actor=reviewer)
    item = {"statement": "x", "quote": "almost certainly"}
    with pytest.raises(Conflict) as refused:
        services.claims_create_bulk(
            claims=[{**item, "article": live}, {**item, "article": trashed}, {**item, "article": trashed}],
            created_by=researcher,
        )
    assert (list(refused.value.errors), refused.value.code, refused.value.extra["index"]) == (
        ["claims.1.article"],
        "in_trash",
        1,
    )
    assert not Claim.objects.exists()


@pytest.mark.parametrize("name", ["none", "anonymous", "outsider", "staff outsider", "inactive reviewer"])
def test_articles_create_bulk_is_refused_without_the_role_and_writes_nothing(name):
    with pytest.raises(Forbidden) as refused:
        services.articles_create_bulk(articles=[{"title": "One"}], created_by=make_actor(name))
    assert refused.value.code == "researcher_required"
    assert not Article.objects.exists()


def test_several_citations_of_one_claim_touch_it_as_adding_them_one_by_one_does(researcher):
    """Each citation raises the claim's version once, and each history event of the claim
    counts the citations added up to it: as many statements as citations of one claim."""
    publishers = PublisherFactory.create_batch(3)
    sources = [SourceFactory(publisher=publisher) for publisher in publishers]
    claim, other = ClaimFactory(), ClaimFactory()

    services.citations_add_bulk(
        citations=[
            {"claim": claim, "source": source, "role": "evidence", "stance": "supports"} for source in sources
        ]
        + [{"claim": other, "source": sources[0], "role": "evidence", "stance": "contradicts"}],
        added_by=researcher,
    )

    events = claim.events.order_by("pgh_id").values_list("version", "independent_support")
    assert list(events) == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert Claim.objects.get(pk=other.pk).independent_contradiction == 1
