"""The browsable API's page headings, <title> and breadcrumbs say what the page is
(``page_titles`` read by api/renderers.py), not DRF's "Claim Instance" and "Claim List"."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.html import parse

pytestmark = pytest.mark.django_db

HTML = {"HTTP_ACCEPT": "text/html"}


def titles(client, url: str, status_code: int = 200) -> tuple[str, str, list[str]]:
    """The page's heading, its <title> and its breadcrumbs."""
    response = client.get(url, **HTML)
    assert response.status_code == status_code
    document = parse(response.content)
    heading = document.find("div", class_="page-header").find("h1").text().strip()
    title = document.find("title").text().strip()
    crumbs = [item.text().strip() for item in document.find("ul", class_="breadcrumb").find_all("li")]
    return heading, title, crumbs


def test_list_pages_are_named_by_what_they_list(reviewer_client):
    for name, expected in [
        ("claim-list", "Claims"),
        ("article-list", "Articles"),
        ("source-list", "Sources"),
        ("citation-list", "Citations"),
        ("publisher-list", "Publishers"),
        ("trash-list", "Trash"),
    ]:
        heading, title, crumbs = titles(reviewer_client, reverse(name))
        assert heading == expected
        assert title == f"{expected} \N{EN DASH} Claimtrack"
        assert crumbs == ["Claimtrack API", expected]


def test_a_claim_page_is_claim_and_its_id(researcher_client):
    claim = ClaimFactory()
    heading, title, crumbs = titles(researcher_client, reverse("claim-detail", args=[claim.pk]))
    assert heading == f"Claim #{claim.pk}"
    assert title == f"Claim #{claim.pk} \N{EN DASH} Claimtrack"
    assert crumbs == ["Claimtrack API", "Claims", f"Claim #{claim.pk}"]
    assert "Instance" not in title


def test_an_article_page_carries_its_title_cut_short(researcher_client):
    article = ArticleFactory(
        title="Rockets hit the embassy compound in Baghdad, officials say, after a week of warnings"
    )
    heading, title, crumbs = titles(researcher_client, reverse("article-detail", args=[article.pk]))
    assert heading.startswith(f"Article #{article.pk}: Rockets hit the embassy compound")
    assert heading.endswith("…")
    assert title == f"{heading} \N{EN DASH} Claimtrack"
    assert len(heading) < len(f"Article #{article.pk}: {article.title}")
    assert crumbs == ["Claimtrack API", "Articles", heading]


def test_a_short_article_title_is_shown_whole(researcher_client):
    article = ArticleFactory(title="Embassy attacked")
    heading, _, _ = titles(researcher_client, reverse("article-detail", args=[article.pk]))
    assert heading == f"Article #{article.pk}: Embassy attacked"


def test_a_source_and_a_citation_page(researcher_client):
    source = SourceFactory(title="Pentagon statement")
    heading, _, _ = titles(researcher_client, reverse("source-detail", args=[source.pk]))
    assert heading == f"Source #{source.pk}: Pentagon statement"
    citation = CitationFactory()
    heading, _, crumbs = titles(researcher_client, reverse("citation-detail", args=[citation.pk]))
    assert heading == f"Citation #{citation.pk}"
    assert crumbs == ["Claimtrack API", "Citations", heading]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claim-similar", "Claims like #{pk}"),
        ("claim-transition", "Change the status of claim #{pk}"),
        ("claim-history", "History of claim #{pk}"),
        ("claim-provenance", "Provenance of claim #{pk}"),
    ],
)
def test_a_claim_action_page_says_what_it_does_and_its_breadcrumbs_lead_back(
    researcher_client, name, expected
):
    claim = ClaimFactory()
    heading, title, crumbs = titles(researcher_client, reverse(name, args=[claim.pk]))
    assert heading == expected.format(pk=claim.pk)
    assert title == f"{heading} \N{EN DASH} Claimtrack"
    assert crumbs == ["Claimtrack API", "Claims", f"Claim #{claim.pk}", heading]


def test_the_match_and_import_pages(researcher_client):
    heading, _, crumbs = titles(researcher_client, reverse("claim-match"))
    assert heading == "Match a text against the claims"
    assert crumbs == ["Claimtrack API", "Claims", heading]
    heading, _, crumbs = titles(researcher_client, reverse("import"))
    assert heading == "Import"
    assert crumbs == ["Claimtrack API", "Import"]


def test_a_refused_page_keeps_its_title(researcher_client):
    claim = ClaimFactory()
    heading, _, _ = titles(researcher_client, reverse("claim-similar", args=[claim.pk]) + "?limit=0", 400)
    assert heading == f"Claims like #{claim.pk}"
    heading, _, _ = titles(researcher_client, reverse("claim-detail", args=[claim.pk + 1000]), 404)
    assert heading == f"Claim #{claim.pk + 1000}"


def test_a_create_answers_on_the_list_page_title(researcher_client):
    response = researcher_client.post(reverse("claim-list"), {"statement": "x"}, format="multipart", **HTML)
    assert response.status_code == 400
    assert parse(response.content).find("div", class_="page-header").find("h1").text().strip() == "Claims"


def test_applications_and_the_actions_menu_keep_drf_names(researcher_client):
    claim = ClaimFactory()
    options = researcher_client.options(reverse("claim-detail", args=[claim.pk]))
    assert options.json()["name"] == "Claim Instance"
    document = parse(researcher_client.get(reverse("claim-detail", args=[claim.pk]), **HTML).content)
    menu = document.find("ul", aria_labelledby="extra-actions-menu")
    assert "Transition" in [link.text().strip() for link in menu.find_all("a")]
