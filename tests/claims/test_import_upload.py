"""The import as a file upload (multipart/form-data), as the browsable API's form sends it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Article, Claim
from tests.factories import ArticleFactory
from tests.helpers import assert_error, error_fields
from tests.html import field_errors, field_value, parse

pytestmark = pytest.mark.django_db

CSV = "statement,quote\nA militia did it.,almost certainly conducted by a militia group\n"


def upload(client, name: str, content: bytes, content_type: str, **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type=content_type), **fields}
    return client.post(reverse("import"), data, format="multipart")


def test_a_csv_file_is_imported_into_the_article_named_in_the_form(researcher_client):
    article = ArticleFactory()
    response = upload(researcher_client, "claims.csv", CSV.encode(), "text/csv", article=str(article.pk))
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["claims"]["created"] == 1
    assert Claim.objects.filter(article=article, statement="A militia did it.").exists()


def test_a_json_file_is_imported(researcher_client):
    document = {
        "articles": [{"key": "a", "title": "Uploaded", "url": "https://example.org/up", "body": "Text."}]
    }
    response = upload(researcher_client, "data.json", json.dumps(document).encode(), "application/json")
    assert response.status_code == 200, response.content
    assert Article.objects.filter(title="Uploaded").exists()


def test_no_file_is_refused_naming_the_field(researcher_client):
    response = researcher_client.post(reverse("import"), {"article": "1"}, format="multipart")
    body = assert_error(response, 400)
    assert error_fields(body) == ["file"]


def test_a_csv_file_without_its_article_is_refused_and_writes_nothing(researcher_client):
    ArticleFactory()
    response = upload(researcher_client, "claims.csv", CSV.encode(), "text/csv")
    body = assert_error(response, 400)
    assert error_fields(body) == ["article"]
    assert not Claim.objects.exists()


def test_the_import_page_is_an_upload_form_that_keeps_the_article_after_a_refusal(researcher_client):
    page = parse(researcher_client.get(reverse("import"), HTTP_ACCEPT="text/html").content)
    post = page.find(data_form="post")
    assert post.find(data_field="file").find("input").attrs["type"] == "file"
    data = {"file": SimpleUploadedFile("c.csv", CSV.encode(), content_type="text/csv"), "article": "999999"}
    response = researcher_client.post(reverse("import"), data, format="multipart", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    post = parse(response.content).find(data_form="post")
    assert field_value(post, "article") == "999999"
    assert field_errors(post, "article")


def test_the_import_says_what_it_accepts(researcher_client):
    body = researcher_client.get(reverse("import")).json()
    assert "multipart/form-data" in body["media_types"]
    assert "text/csv" in body["media_types"]
