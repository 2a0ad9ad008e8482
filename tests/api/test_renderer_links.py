"""Links in the JSON the browsable pages show (api/renderers.py, ``linkify_json``): each string
value that is a whole http(s) URL is a link, everything else is escaped text, hostile strings
included."""

import json

import pytest
from django.urls import reverse

from api.renderers import linkify_json, urlize
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory
from tests.html import parse

HTML = {"HTTP_ACCEPT": "text/html"}


def shown(response):
    """The response-info block of a page: its links and its text."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return parse(response.content).find("div", class_="response-info")


def links(element) -> dict[str, str]:
    return {a.attrs["href"]: a.text() for a in element.find_all("a")}


def test_a_string_that_is_a_url_becomes_a_link_and_the_text_stays_the_json():
    text = json.dumps({"url": "https://example.org/a?b=1&c=2", "count": 3, "next": None}, indent=4)
    html = linkify_json(text)
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">' in html
    assert json.loads(parse(f"<pre>{html}</pre>").find("pre").text()) == json.loads(text)


@pytest.mark.parametrize(
    "value",
    [
        "see https://example.org/page for more",  # a URL inside words
        "javascript:alert(1)",
        "ftp://example.org/file",
        "www.example.org",
        'https://example.org/"><script>alert(1)</script>',  # an escaped quote in the string
        "https://example.org/<img src=x onerror=alert(1)>",
        "https://example.org/a b",
    ],
)
def test_strings_that_are_not_a_whole_http_url_stay_escaped_text(value):
    text = json.dumps({"statement": value}, ensure_ascii=False)
    html = linkify_json(text)
    assert "<a " not in html
    assert "<script" not in html
    assert "<img" not in html
    assert parse(f"<pre>{html}</pre>").find("pre").text() == text


def test_a_url_with_quotes_and_brackets_in_it_is_escaped_inside_the_link():
    urls = ["https://example.org/it's&x=<1>", "https://example.org/'onmouseover=alert(1)'>"]
    text = json.dumps(urls)
    html = linkify_json(text)
    assert "<1>" not in html
    assert "'>" not in html
    document = parse(f"<pre>{html}</pre>")
    assert [(a.attrs["href"], a.attrs["rel"], a.text()) for a in document.find_all("a")] == [
        (url, "nofollow", url) for url in urls
    ]
    assert document.find("pre").text() == text


def test_markup_in_the_text_around_is_escaped():
    html = linkify_json('{"title": "<b>bold</b> & co", "url": "http://example.org/"}')
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    assert '<a href="http://example.org/" rel="nofollow">http://example.org/</a>' in html


def test_the_pages_urlize_keeps_safe_html_and_links_plain_text():
    made = linkify_json('"https://example.org/"')
    assert urlize(made) is made
    assert urlize("Link: https://example.org/ <x>") == (
        'Link: <a href="https://example.org/" rel="nofollow">https://example.org/</a> &lt;x&gt;'
    )


@pytest.mark.django_db
def test_the_record_page_links_its_urls_and_escapes_hostile_text(researcher_client):
    source = SourceFactory(
        title='<script>alert("title")</script>', url="https://news.example.org/r/1?a=1&b=2"
    )
    response = researcher_client.get(reverse("source-detail", args=[source.pk]), **HTML)
    block = shown(response)
    assert links(block)["https://news.example.org/r/1?a=1&b=2"] == "https://news.example.org/r/1?a=1&b=2"
    assert '<script>alert("title")</script>' not in response.content.decode()
    assert '<script>alert(\\"title\\")</script>' in block.text()  # shown as the JSON's text


@pytest.mark.django_db
def test_the_claims_list_page_links_each_articles_url_but_not_words(researcher_client):
    article = ArticleFactory(body="He said https://example.org/x was down. Later more.")
    ClaimFactory(article=article, quote="https://example.org/x was down", statement="Down")
    response = researcher_client.get(reverse("claim-list"), {"article": article.pk}, **HTML)
    found = links(shown(response))
    assert found[article.url] == article.url
    assert "https://example.org/x" not in found  # inside the quote, not a whole value
