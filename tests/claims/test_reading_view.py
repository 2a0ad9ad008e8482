"""The article reading view in the browsable API (claims.reading.reading_panel), and the
article's cache validators following its claims."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from claims import services
from claims.demo.loader import load_demo
from claims.models import Article, Claim, Status
from claims.views import ArticleViewSet
from tests.factories import ARTICLE_BODY, ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.helpers import etag, if_match

pytestmark = pytest.mark.django_db

EMOJI_BODY = "Rockets 🚀 first.\r\n\r\nThen the militia 😀 said 21 rockets were fired."


class ReadingPage(HTMLParser):
    """What a browser would read of the reading view: the text of [data-article-body], the
    text each claim's highlight parts hold, and the side list's and form's markers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.body_text = ""
        self.highlights: dict[int, str] = {}
        self.statuses: dict[int, str] = {}
        self.parts: dict[int, list[str]] = {}
        self.listed: list[int] = []
        self.record_form = False
        self.links: list[str] = []
        self._stack: list[tuple[str, int | None, bool]] = []  # tag, claim id, inside the body

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = bool(self._stack and self._stack[-1][2]) or "data-article-body" in attrs
        claim = int(attrs["data-claim-id"]) if inside and "data-claim-id" in attrs else None
        if claim is not None:
            self.highlights.setdefault(claim, "")
            self.statuses[claim] = attrs["data-status"]
            self.parts.setdefault(claim, []).append(attrs.get("data-claim-part", ""))
        if "data-claim-item" in attrs:
            self.listed.append(int(attrs["data-claim-id"]))
        if "data-record-form" in attrs:
            self.record_form = True
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag not in ("input", "link", "br", "meta", "img"):
            self._stack.append((tag, claim, inside))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not (self._stack and self._stack[-1][2]):
            return
        self.body_text += data
        for _tag, claim, _inside in self._stack:
            if claim is not None:
                self.highlights[claim] += data


def read_page(client, article) -> tuple[object, ReadingPage]:
    response = client.get(reverse("article-detail", args=[article.pk]), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = ReadingPage()
    page.feed(response.content.decode())
    return response, page


@pytest.fixture
def browser_of(db):
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def test_every_demo_claim_is_highlighted_with_exactly_its_quote(researcher, browser_of):
    load_demo(user=researcher)
    article = Article.objects.get()
    _response, page = read_page(browser_of(researcher), article)
    claims = list(Claim.objects.filter(article=article))
    assert len(claims) == 15
    assert page.body_text == article.body
    assert page.highlights == {claim.pk: claim.quote for claim in claims}
    assert page.statuses == {claim.pk: claim.status for claim in claims}


def test_the_side_list_is_in_body_order_and_links_each_claim_and_the_claims_list(researcher, browser_of):
    article = ArticleFactory()
    later = ClaimFactory(article=article, quote="21 rockets were fired", statement="Later.")
    earlier = ClaimFactory(article=article, quote="militia group", statement="Earlier.")
    _response, page = read_page(browser_of(researcher), article)
    assert page.listed == [earlier.pk, later.pk]
    assert reverse("claim-detail", args=[earlier.pk]) in page.links
    assert f"{reverse('claim-list')}?article={article.pk}" in page.links
    assert f"{reverse('claim-list')}?article={article.pk}&status=unverified" in page.links


def test_the_page_shows_citation_counts_and_statuses(researcher, browser_of):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    CitationFactory(claim=claim, source=SourceFactory())
    response, _page = read_page(browser_of(researcher), claim.article)
    html = response.content.decode()
    assert "2 citations" in html
    assert '"citation_count": 2' in html
    assert "data-claim-status>Unverified<" in html


def test_a_claim_in_the_trash_is_not_highlighted(reviewer, browser_of):
    kept = ClaimFactory()
    gone = ClaimFactory(article=kept.article, quote="21 rockets were fired")
    services.claim_delete(claim=gone, actor=reviewer)
    _response, page = read_page(browser_of(reviewer), kept.article)
    assert page.highlights == {kept.pk: kept.quote}
    assert page.listed == [kept.pk]


def test_nested_and_crossing_quotes_keep_their_whole_text(researcher, browser_of):
    article = ArticleFactory()
    outer = ClaimFactory(article=article, quote="almost certainly conducted by a militia group")
    inner = ClaimFactory(article=article, quote="conducted by")
    crossing = ClaimFactory(article=article, quote="militia group. The attack")
    _response, page = read_page(browser_of(researcher), article)
    assert page.body_text == ARTICLE_BODY
    assert page.highlights == {outer.pk: outer.quote, inner.pk: inner.quote, crossing.pk: crossing.quote}
    assert page.parts[outer.pk] == [""]
    assert page.parts[crossing.pk] == ["1/2", "2/2"]


def test_text_after_an_emoji_and_carriage_returns_stays_the_body(researcher, browser_of):
    article = ArticleFactory(body=EMOJI_BODY)
    claim = ClaimFactory(article=article, quote="said 21 rockets")
    assert claim.quote_start == EMOJI_BODY.index("said")
    _response, page = read_page(browser_of(researcher), article)
    assert page.body_text == EMOJI_BODY
    assert page.highlights == {claim.pk: "said 21 rockets"}


def test_researchers_get_the_record_form_and_readers_do_not(researcher, outsider, browser_of):
    article = ArticleFactory()
    assert read_page(browser_of(researcher), article)[1].record_form
    assert not read_page(browser_of(outsider), article)[1].record_form


def test_json_clients_get_the_json_only(researcher_client):
    article = ArticleFactory()
    response = researcher_client.get(reverse("article-detail", args=[article.pk]))
    assert response["Content-Type"] == "application/json"
    assert response.json()["body"] == ARTICLE_BODY
    assert b"data-article-body" not in response.content


@pytest.mark.parametrize("claims", [1, 30])
def test_the_reading_view_runs_the_same_queries_whatever_its_claims(
    researcher, browser_of, django_assert_num_queries, claims
):
    article = ArticleFactory()
    for _ in range(claims):
        CitationFactory(claim=ClaimFactory(article=article))
    client = browser_of(researcher)
    client.get(reverse("api-root"), HTTP_ACCEPT="text/html")  # the session and groups, once
    with django_assert_num_queries(5):
        _response, page = read_page(client, article)
    assert len(page.listed) == claims


# Cache validators ---------------------------------------------------------------------


def detail(article) -> str:
    return reverse("article-detail", args=[article.pk])


def current_etag(client, article) -> str:
    response = client.get(detail(article))
    assert response.status_code == 200
    return response["ETag"]


def still_fresh(client, article, tag) -> bool:
    return client.get(detail(article), HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_the_etag_is_stable_while_nothing_changes(researcher_client):
    claim = ClaimFactory()
    tag = current_etag(researcher_client, claim.article)
    assert tag == etag(claim.article)
    assert tag.startswith(f'"article-{claim.article.pk}-v1.c')
    assert still_fresh(researcher_client, claim.article, tag)


def test_an_article_without_claims_has_its_plain_etag(researcher_client):
    article = ArticleFactory()
    assert current_etag(researcher_client, article) == f'"article-{article.pk}-v1"'


def claim_added(article, user):
    services.claim_create(article=article, statement="New.", quote="21 rockets were fired", created_by=user)


def claim_edited(article, user):
    claim = article.claims.get()
    services.claim_update(claim=claim, data={"claimant": "Someone else"}, actor=user)


def claim_moved_to_review(article, user):
    services.claim_transition(claim=article.claims.get(), to=Status.IN_REVIEW, actor=user)


def claim_trashed(article, user):
    services.claim_delete(claim=article.claims.get(), actor=user)


def claim_cited(article, user):
    CitationFactory(claim=article.claims.get())


@pytest.mark.parametrize(
    "change", [claim_added, claim_edited, claim_moved_to_review, claim_trashed, claim_cited]
)
def test_a_change_to_the_articles_claims_changes_its_etag(reviewer_client, reviewer, change):
    article = ClaimFactory().article
    before = current_etag(reviewer_client, article)
    change(article, reviewer)
    assert not still_fresh(reviewer_client, article, before)
    after = current_etag(reviewer_client, article)
    assert after != before
    assert after == etag(article)
    assert still_fresh(reviewer_client, article, after)


def test_a_claim_of_another_article_leaves_the_etag_alone(researcher_client, researcher):
    article = ClaimFactory().article
    before = current_etag(researcher_client, article)
    claim_added(ArticleFactory(), researcher)
    assert still_fresh(researcher_client, article, before)


def test_a_write_on_the_article_checks_its_own_version_not_its_claims(researcher_client, researcher):
    article = ClaimFactory().article
    read = current_etag(researcher_client, article)
    claim_added(article, researcher)  # the claims moved on; the article did not
    response = researcher_client.patch(detail(article), {"byline": "B. Writer"}, HTTP_IF_MATCH=read)
    assert response.status_code == 200, response.content
    assert response["ETag"] == etag(article) != read
    assert Article.objects.get(pk=article.pk).byline == "B. Writer"


def test_a_write_on_a_stale_article_version_is_refused_whatever_the_digest(researcher_client):
    article = ClaimFactory().article
    read = current_etag(researcher_client, article)
    researcher_client.patch(detail(article), {"byline": "First"}, **if_match(article))
    response = researcher_client.patch(detail(article), {"byline": "Second"}, HTTP_IF_MATCH=read)
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert Article.objects.get(pk=article.pk).byline == "First"


def test_without_a_script_the_record_form_posts_to_the_claims_api(researcher, browser_of):
    """The form works as a plain HTML form too (the page's script only makes it pleasant)."""
    article = ArticleFactory()
    client = browser_of(researcher)
    response, _page = read_page(client, article)
    html = response.content.decode()
    assert f'action="{reverse("claim-list")}"' in html
    fields = {
        "article": str(article.pk),
        "quote": "21 rockets were fired",
        "quote_start": "",
        "statement": "Officials said 21 rockets were fired.",
        "claimant": "",
        "claim_date": "",
    }
    answer = client.post(reverse("claim-list"), fields, HTTP_ACCEPT="text/html")
    assert answer.status_code == 201, answer.content[:500]
    claim = Claim.objects.get()
    assert (claim.quote_start, claim.claim_date) == (ARTICLE_BODY.index("21 rockets were fired"), None)


def test_without_a_script_a_blank_statement_is_refused_and_nothing_written(researcher, browser_of):
    article = ArticleFactory()
    fields = {"article": str(article.pk), "quote": "21 rockets were fired", "statement": " "}
    answer = browser_of(researcher).post(reverse("claim-list"), fields, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400
    assert [error["field"] for error in answer.json()["errors"]] == ["statement"]
    assert Claim.objects.count() == 0


def test_the_etag_of_an_article_read_otherwise_still_carries_its_claims():
    claim = ClaimFactory()
    plain = Article.objects.get(pk=claim.article.pk)  # without the selector's digest
    assert ArticleViewSet().etag(plain) == etag(claim.article)
