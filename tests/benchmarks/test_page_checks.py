"""The benchmark's check on browsable pages: the right page, under the HTML budget."""

from benchmarks.run import MAX_PAGE_BYTES, _html_page_check


def test_a_page_with_its_marker_under_the_budget_passes():
    assert _html_page_check("data-article-body")("<div data-article-body>text</div>") is None


def test_a_page_without_its_marker_fails():
    assert "missing" in _html_page_check("data-article-body")("<p>Not found</p>")
    assert "missing" in _html_page_check("data-article-body")({"status": 500})


def test_a_page_over_the_budget_fails():
    page = "<div data-article-body>" + "x" * MAX_PAGE_BYTES + "</div>"
    assert "bytes of HTML, over" in _html_page_check("data-article-body")(page)
