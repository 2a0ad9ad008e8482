"""``sources.urls_normal.normal_url``: the one way every door stores and looks up a URL."""

import pytest

from core.errors import InvalidInput
from sources.urls_normal import URL_MAX_LENGTH, normal_url, normalize_url


def test_a_url_is_given_back_as_stored():
    assert normal_url("HTTPS://News.Example:443/a?utm_source=x&b=1#top") == "https://news.example/a?b=1"


def test_an_empty_url_stays_empty():
    assert normal_url("") == ""
    assert normal_url("   ") == ""


def test_normalising_twice_changes_nothing():
    once = normal_url("http://News.example:80/story?fbclid=1&x=1")
    assert normal_url(once) == once == "http://news.example/story?x=1"


@pytest.mark.parametrize(("field", "expected"), [(None, "url"), ("archived_url", "archived_url")])
def test_an_invalid_url_is_refused_naming_the_field(field, expected):
    kwargs = {"field": field} if field else {}
    with pytest.raises(InvalidInput) as caught:
        normal_url("http://[::1", **kwargs)
    assert list(caught.value.errors) == [expected]
    assert caught.value.code == "invalid"
    with pytest.raises(ValueError, match="Invalid IPv6"):
        normalize_url("http://[::1")


def test_a_url_too_long_once_normalised_is_refused():
    # Within the column as given, over it once its query is percent-encoded.
    url = "https://example.org/?q=" + "é" * 700
    assert len(url) < URL_MAX_LENGTH < len(normalize_url(url))
    with pytest.raises(InvalidInput) as caught:
        normal_url(url)
    assert caught.value.code == "max_length"
    assert str(URL_MAX_LENGTH) in caught.value.message


def test_the_length_allowed_is_the_callers():
    url = "https://example.org/" + "a" * 100
    assert normal_url(url, max_length=len(url)) == url
    with pytest.raises(InvalidInput) as caught:
        normal_url(url, max_length=len(url) - 1, field="publisher_url")
    assert (caught.value.code, list(caught.value.errors)) == ("max_length", ["publisher_url"])
