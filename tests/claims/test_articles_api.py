import pytest
from django.urls import reverse

from claims.models import Article, Claim
from tests.factories import ARTICLE_BODY, ArticleFactory, ClaimFactory, PublisherFactory
from tests.helpers import assert_error, if_match

pytestmark = pytest.mark.django_db


def detail_url(article: Article) -> str:
    return reverse("article-detail", args=[article.pk])


def test_researcher_creates_article(researcher_client, researcher):
    publisher = PublisherFactory(name="The Daily")
    response = researcher_client.post(
        reverse("article-list"),
        {
            "title": " Rockets hit base ",
            "url": "HTTPS://Blog.Example.org/post?utm_source=rss#comments",
            "byline": "A. Writer",
            "publisher": publisher.pk,
            "published_on": "2024-01-31",
            "language": "en",
            "body": ARTICLE_BODY,
        },
    )
    assert response.status_code == 201, response.data
    article = Article.objects.get()
    assert response.data["id"] == article.pk
    assert response.data["title"] == article.title == "Rockets hit base"
    assert response.data["url"] == article.url == "https://blog.example.org/post"
    assert response.data["publisher"]["name"] == "The Daily"
    assert response.data["claim_count"] == 0
    assert response.data["created_by"] == researcher.username
    assert article.created_by == researcher


def test_researcher_edits_article(researcher_client):
    article = ArticleFactory(title="Before")
    response = researcher_client.patch(
        detail_url(article), {"title": "After", "byline": "B. Writer"}, **if_match(article)
    )
    assert response.status_code == 200, response.data
    article.refresh_from_db()
    assert (article.title, article.byline) == ("After", "B. Writer")
    assert response.data["title"] == "After"


@pytest.mark.parametrize(("client_name", "status_code"), [("outsider_client", 403), ("anon_client", 401)])
def test_outsiders_may_not_write_articles(request, client_name, status_code):
    client = request.getfixturevalue(client_name)
    article = ArticleFactory(title="Keep")
    assert_error(client.post(reverse("article-list"), {"title": "New"}), status_code)
    assert_error(client.patch(detail_url(article), {"title": "Changed"}, **if_match(article)), status_code)
    assert_error(client.delete(detail_url(article), **if_match(article)), status_code)
    assert list(Article.objects.values_list("title", flat=True)) == ["Keep"]


def test_article_url_unique_when_present(researcher_client):
    existing = ArticleFactory(url="https://blog.example.org/post")
    response = researcher_client.post(
        reverse("article-list"), {"title": "Copy", "url": "https://BLOG.example.org/post#top"}
    )
    body = assert_error(response, 409, "duplicate")
    assert [error["field"] for error in body["errors"]] == ["url"]
    assert body["existing_id"] == existing.pk
    assert Article.objects.count() == 1


def test_article_edit_onto_another_url_is_refused(researcher_client):
    ArticleFactory(url="https://blog.example.org/a")
    other = ArticleFactory(url="https://blog.example.org/b")
    response = researcher_client.patch(
        detail_url(other), {"url": "https://blog.example.org/a"}, **if_match(other)
    )
    assert_error(response, 409, "duplicate")
    other.refresh_from_db()
    assert other.url == "https://blog.example.org/b"


def test_article_with_exactly_the_same_url_is_a_409_too(researcher_client):
    ArticleFactory(url="https://blog.example.org/post")
    response = researcher_client.post(
        reverse("article-list"), {"title": "Copy", "url": "https://blog.example.org/post"}
    )
    assert_error(response, 409, "duplicate")
    assert Article.objects.count() == 1


def test_articles_without_url_may_share_the_empty_url(researcher_client):
    for title in ("Notes one", "Notes two"):
        response = researcher_client.post(reverse("article-list"), {"title": title, "url": ""})
        assert response.status_code == 201, response.data
    assert Article.objects.filter(url="").count() == 2


def test_body_edit_keeping_quotes_moves_their_offsets(researcher_client):
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    untouched = ClaimFactory(article=article, quote="The U.S. Central Command", statement="CENTCOM spoke.")
    head, prefix = "The U.S. Central Command said ", "on Thursday, after a review, "
    assert ARTICLE_BODY.startswith(head)
    new_body = head + prefix + ARTICLE_BODY[len(head) :]
    response = researcher_client.patch(
        detail_url(article), {"body": new_body}, format="json", **if_match(article)
    )
    assert response.status_code == 200, response.data
    assert response.data["body"] == new_body
    claim.refresh_from_db()
    untouched.refresh_from_db()
    assert new_body[claim.quote_start : claim.quote_end] == claim.quote
    assert claim.quote_start == ARTICLE_BODY.index(claim.quote) + len(prefix)
    assert (untouched.quote_start, untouched.quote_end) == (0, len("The U.S. Central Command"))


def test_body_edit_losing_a_quote_is_refused(researcher_client):
    article = ArticleFactory(title="Original")
    keeps = ClaimFactory(article=article, quote="The attack involved 21 rockets.", statement="21 rockets.")
    loses = ClaimFactory(article=article)
    before = {claim.pk: (claim.quote_start, claim.quote_end) for claim in (keeps, loses)}
    new_body = "Prefix. " + ARTICLE_BODY.replace("almost certainly", "possibly")
    response = researcher_client.patch(
        detail_url(article), {"title": "Changed", "body": new_body}, **if_match(article)
    )
    body = assert_error(response, 409, "breaks_anchors")
    assert body["claims"] == [loses.pk]
    assert [error["field"] for error in body["errors"]] == ["body"]
    article.refresh_from_db()
    assert (article.title, article.body) == ("Original", ARTICLE_BODY)
    after = {
        claim.pk: (claim.quote_start, claim.quote_end) for claim in Claim.objects.filter(article=article)
    }
    assert after == before


def test_body_edit_making_a_quote_ambiguous_is_refused(researcher_client):
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    doubled = ARTICLE_BODY.replace("almost certainly", "surely") + " " + claim.quote + " " + claim.quote
    response = researcher_client.put(
        detail_url(article), {"title": article.title, "body": doubled}, **if_match(article)
    )
    body = assert_error(response, 409, "breaks_anchors")
    assert body["claims"] == [claim.pk]
    article.refresh_from_db()
    assert article.body == ARTICLE_BODY


def test_article_with_claims_cannot_be_deleted(reviewer_client):
    claim = ClaimFactory()
    response = reviewer_client.delete(detail_url(claim.article), **if_match(claim.article))
    body = assert_error(response, 409, "in_use")
    assert body["claims"] == [claim.pk]
    assert Article.objects.filter(pk=claim.article_id).exists()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_reviewer_deletes_article_without_claims(reviewer_client):
    article = ArticleFactory()
    response = reviewer_client.delete(detail_url(article), **if_match(article))
    assert response.status_code == 204
    # Moved to the trash (tests/interchange/test_trash.py), not deleted.
    assert Article.objects.get(pk=article.pk).deleted_at is not None


def test_researcher_may_not_delete_article(researcher_client):
    article = ArticleFactory()
    assert_error(researcher_client.delete(detail_url(article), **if_match(article)), 403, "permission_denied")
    assert Article.objects.filter(pk=article.pk).exists()


def test_article_list_shows_claim_count_and_filters(researcher_client):
    publisher = PublisherFactory()
    article = ArticleFactory(publisher=publisher, published_on="2024-01-01")
    ClaimFactory.create_batch(2, article=article)
    other = ArticleFactory(published_on="2020-01-01")
    url = reverse("article-list")
    response = researcher_client.get(url, {"ordering": "published_on"})
    assert [(row["id"], row["claim_count"]) for row in response.data["results"]] == [
        (other.pk, 0),
        (article.pk, 2),
    ]
    assert [row["id"] for row in researcher_client.get(url, {"publisher": publisher.pk}).data["results"]] == [
        article.pk
    ]
    after = researcher_client.get(url, {"published_after": "2023-01-01"})
    assert [row["id"] for row in after.data["results"]] == [article.pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_article_list_and_detail_query_count(researcher_client, django_assert_num_queries, rows):
    publisher = PublisherFactory()
    articles = ArticleFactory.create_batch(rows, publisher=publisher)
    for article in articles:
        ClaimFactory(article=article)
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("article-list"))
    assert response.data["count"] == rows
    assert all(row["claim_count"] == 1 for row in response.data["results"])
    with django_assert_num_queries(1):
        response = researcher_client.get(detail_url(articles[-1]))
    assert response.data["publisher"]["id"] == publisher.pk


def test_the_list_leaves_bodies_out_and_the_detail_has_them(researcher_client):
    """A page of 200 articles of 500,000 characters would be 100 MB: lists carry no body."""
    big = ArticleFactory(body="Long body. " * 40_000)
    ArticleFactory()
    response = researcher_client.get(reverse("article-list"), {"page_size": 200})
    assert response.status_code == 200
    assert len(response.data["results"]) == 2
    assert all("body" not in item for item in response.data["results"])
    assert all(
        {"id", "title", "url", "claim_count", "version"} <= item.keys() for item in response.data["results"]
    )
    assert len(response.content) < 10_000
    detail = researcher_client.get(detail_url(big))
    assert detail.data["body"] == big.body


def test_the_schema_shows_the_list_without_the_body(anon_client):
    import yaml

    schema = yaml.safe_load(anon_client.get(reverse("schema")).content)
    components = schema["components"]["schemas"]
    listed = schema["paths"][reverse("article-list")]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    page = components[listed["schema"]["$ref"].rsplit("/", 1)[-1]]
    item = components[page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]]
    assert "body" not in item["properties"]
    assert "title" in item["properties"]
    detail = schema["paths"][reverse("article-detail", args=[1]).replace("/1/", "/{id}/")]["get"]
    ref = detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert "body" in components[ref.rsplit("/", 1)[-1]]["properties"]
