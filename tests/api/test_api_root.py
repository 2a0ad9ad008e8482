"""The API root says what Claimtrack is and links only what the signed-in user may use."""

import pytest
from django.urls import reverse

from tests.html import parse

pytestmark = pytest.mark.django_db


def links(client) -> dict:
    response = client.get(reverse("api-root"))
    assert response.status_code == 200
    return response.json()


def test_researcher_gets_the_working_links_and_no_trash(researcher_client):
    root = links(researcher_client)
    for name in ("articles", "claims", "citations", "sources", "claims_in_review", "match", "import", "docs"):
        assert name in root
    assert root["claims_in_review"].endswith("/api/v1/claims/?status=in_review")
    assert "trash" not in root
    assert "admin" not in root


def test_every_link_offered_to_a_researcher_answers_them(researcher_client):
    for name, url in links(researcher_client).items():
        if name in ("match", "import"):  # POST only: their forms are shown on the page
            continue
        assert researcher_client.get(url).status_code == 200, name


def test_reviewer_also_gets_the_trash_and_the_admin(reviewer_client, reviewer):
    reviewer.is_staff = True
    reviewer.save(update_fields=["is_staff"])
    root = links(reviewer_client)
    assert "trash" in root
    assert root["admin"].endswith(reverse("admin:index"))


def test_root_page_names_claimtrack_and_explains_the_api(researcher_client):
    document = parse(researcher_client.get(reverse("api-root"), HTTP_ACCEPT="text/html").content)
    assert document.find("title").text().strip() == "Claimtrack API \N{EN DASH} Claimtrack"
    description = document.find(data_description=True).text()
    assert "Claimtrack records the claims an article makes" in description
    assert "DefaultRouter" not in description


def test_favicon_is_served_by_the_app(anon_client):
    response = anon_client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("claimtrack/favicon.ico")
