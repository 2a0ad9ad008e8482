"""Sources as CSL-JSON (Citation Style Language, https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html),
which Zotero, Mendeley, pandoc and citeproc read.

``GET /api/v1/sources/?format=csl`` (or ``Accept: application/vnd.citationstyles.csl+json``)
gives a JSON array of CSL items: CSL-JSON is an array, so the page envelope moves to headers:
``Link`` (``rel="next"``/``rel="prev"``, the same page/page_size URLs as the JSON list) and
``X-Total-Count``. ``GET /api/v1/sources/{id}/?format=csl`` gives one item (an object, as
doi.org's content negotiation answers for one DOI).

Source kind to CSL type:

    news_report             article-newspaper  container-title = the publisher
    official_statement      document           genre "Official statement"
    press_release           report             genre "Press release"
    government_designation  report             genre "Government designation"; number = identifier
    report                  report             number = identifier
    social_media_post       post               container-title = the publisher (the platform or account)
    video                   motion_picture
    interview               interview
    other                   webpage when the source has a URL, else document

Authors are split on ";". A name with a comma is "Family, Given"; a name of two to four
capitalised words with no word of an organisation's name (Command, Department, Ministry …)
is a person, whose last word (with any lower-case particle before it: "van", "de", "al-")
is the family name; anything else is an organisation, given as ``literal``. A statement,
press release, designation or report with no author credited has its publisher as its
(institutional) author. The identifier becomes ``DOI`` when it is a DOI, ``ISBN`` when it is
an ISBN, and ``number`` otherwise.

Every item carries a ``citation-key`` (``source_`` and the source's id: letters, digits and
underscores, as BibTeX and biber need): the same for a source in every export, and never the
same for two sources, where keys made from author and year would repeat.
"""

import re

from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import renderers, serializers

from api.export_formats import ExportContentNegotiation, ExportRenderer, ExportViewMixin
from api.schema import ErrorSerializer
from sources.models import Source, SourceKind

CSL_MEDIA_TYPE = "application/vnd.citationstyles.csl+json"
CSL_FORMAT = "csl"
CSL_ACTIONS = frozenset({"list", "retrieve"})

KIND_TYPES = {
    SourceKind.NEWS_REPORT: "article-newspaper",
    SourceKind.OFFICIAL_STATEMENT: "document",
    SourceKind.PRESS_RELEASE: "report",
    # Not "legislation": APA renders that without its author or publisher, so a designation
    # lost its issuing agency. A report keeps author, date, genre and number, and publisher.
    SourceKind.GOVERNMENT_DESIGNATION: "report",
    SourceKind.REPORT: "report",
    SourceKind.SOCIAL_MEDIA_POST: "post",
    SourceKind.VIDEO: "motion_picture",
    SourceKind.INTERVIEW: "interview",
}
KIND_GENRES = {
    SourceKind.OFFICIAL_STATEMENT: "Official statement",
    SourceKind.PRESS_RELEASE: "Press release",
    SourceKind.GOVERNMENT_DESIGNATION: "Government designation",
}
CONTAINER_KINDS = frozenset({SourceKind.NEWS_REPORT, SourceKind.SOCIAL_MEDIA_POST})
INSTITUTIONAL_KINDS = frozenset(
    {
        SourceKind.OFFICIAL_STATEMENT,
        SourceKind.PRESS_RELEASE,
        SourceKind.GOVERNMENT_DESIGNATION,
        SourceKind.REPORT,
    }
)
ORGANISATION_WORDS = frozenset(
    [
        "academy",
        "agency",
        "army",
        "associated",
        "association",
        "authority",
        "board",
        "bureau",
        "center",
        "centre",
        "command",
        "commission",
        "committee",
        "company",
        "corporation",
        "council",
        "court",
        "department",
        "directorate",
        "embassy",
        "forces",
        "foundation",
        "government",
        "group",
        "guard",
        "inc",
        "institute",
        "international",
        "journal",
        "league",
        "ltd",
        "media",
        "ministry",
        "mission",
        "network",
        "news",
        "office",
        "organisation",
        "organization",
        "party",
        "police",
        "post",
        "press",
        "reports",
        "service",
        "staff",
        "times",
        "unit",
        "united",
        "university",
    ]
)
NAME_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le", "bin", "ibn"}
)

DOI_PATTERN = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
ISBN_PREFIX = re.compile(r"^isbn(?:-1[03])?:?\s*", re.IGNORECASE)


def csl_type(source: Source) -> str:
    if source.kind in KIND_TYPES:
        return KIND_TYPES[source.kind]
    return "webpage" if source.url else "document"


def _is_person(name: str) -> bool:
    words = name.replace(".", ". ").split()
    if not 2 <= len(words) <= 4:
        return False
    if any(word.strip(".,'\u2019").lower() in ORGANISATION_WORDS for word in words):
        return False
    return all(
        word[0].isupper() or word.lower() in NAME_PARTICLES or word.lower().startswith("al-")
        for word in words
    )


def csl_name(name: str) -> dict:
    """One credited name as a CSL name: family/given for a person, literal otherwise."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        if family.strip() and given.strip():
            return {"family": family.strip(), "given": given.strip()}
    if _is_person(name):
        words = name.split()
        cut = len(words) - 1
        while cut > 1 and words[cut - 1].lower() in NAME_PARTICLES:
            cut -= 1
        return {"family": " ".join(words[cut:]), "given": " ".join(words[:cut])}
    return {"literal": name}


def csl_date(value) -> dict | None:
    return {"date-parts": [[value.year, value.month, value.day]]} if value else None


def _isbn(identifier: str) -> str | None:
    """The ISBN in ``identifier`` (digits and X, hyphens and spaces dropped), if it is one
    with a valid check digit."""
    digits = ISBN_PREFIX.sub("", identifier).replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        values = [10 if c == "X" else int(c) for c in digits]
        return digits if sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0 else None
    if len(digits) == 13 and digits.isdigit() and digits.startswith(("978", "979")):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return digits if total % 10 == 0 else None
    return None


def citation_key(source: Source) -> str:
    """The source's key in bibliographies: stable and unique, ``[A-Za-z0-9_]+``."""
    return f"source_{source.pk}"


def csl_item(source: Source) -> dict:
    """One source as a CSL-JSON item, for :class:`CslItemSerializer`."""
    publisher = source.publisher.name if source.publisher else ""
    item = {
        "id": f"source-{source.pk}",
        "citation-key": citation_key(source),
        "type": csl_type(source),
        "title": source.title,
    }
    authors = [csl_name(name) for name in source.authors.split(";") if name.strip()]
    if not authors and publisher and source.kind in INSTITUTIONAL_KINDS:
        authors = [{"literal": publisher}]
    if authors:
        item["author"] = authors
    if publisher:
        item["publisher"] = publisher
        if source.kind in CONTAINER_KINDS:
            item["container-title"] = publisher
    if source.kind in KIND_GENRES:
        item["genre"] = KIND_GENRES[source.kind]
    if source.published_on:
        item["issued"] = csl_date(source.published_on)
    if source.accessed_on:
        item["accessed"] = csl_date(source.accessed_on)
    if source.url or source.archived_url:
        item["URL"] = source.url or source.archived_url
    identifier = source.identifier.strip()
    if identifier:
        doi, isbn = DOI_PATTERN.match(identifier), _isbn(identifier)
        if doi:
            item["DOI"] = doi.group(1)
        elif isbn:
            item["ISBN"] = isbn
        else:
            item["number"] = identifier
    if source.language:
        item["language"] = source.language
    if source.summary:
        item["abstract"] = source.summary
    if source.archived_url and source.url:
        item["note"] = f"Archived copy: {source.archived_url}"
    return item


class CslSerializer(serializers.Serializer):
    # Output only. A declared name's underscores are CSL's hyphens (container_title is
    # "container-title"); a field that is not ``required`` is left out when absent.

    def get_fields(self):
        return {name.replace("_", "-"): field for name, field in super().get_fields().items()}


class CslNameSerializer(CslSerializer):
    """A CSL name: ``family`` and ``given`` for a person, ``literal`` for an organisation."""

    family = serializers.CharField(required=False, help_text="Family name of a person.")
    given = serializers.CharField(required=False, help_text="Given names of a person.")
    literal = serializers.CharField(required=False, help_text="An organisation's name, as credited.")


class CslDateSerializer(CslSerializer):
    """A CSL date: ``{"date-parts": [[year, month, day]]}``."""

    date_parts = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=3),
        min_length=1,
        max_length=1,
        help_text="One date as [[year, month, day]].",
    )


class CslItemSerializer(CslSerializer):
    """A source as a CSL-JSON item (Citation Style Language 1.0.2)."""

    id = serializers.CharField(help_text="The item's key: \"source-\" and the source's id.")
    citation_key = serializers.RegexField(
        r"^[A-Za-z0-9_]+$",
        help_text='The key a bibliography (BibTeX, biber) cites it by: "source_" and the source\'s id; '
        "letters, digits and underscores, stable for a source and unique in every export.",
    )
    type = serializers.CharField(
        help_text="CSL item type, from the source's kind: "
        + ", ".join(f"{k} → {v}" for k, v in KIND_TYPES.items())
        + ", other → webpage (with a URL) or document."
    )
    title = serializers.CharField(help_text="The source's title.")
    author = CslNameSerializer(
        many=True,
        required=False,
        help_text="The credited authors; for a statement, press release, designation or report "
        "with none, its publisher.",
    )
    container_title = serializers.CharField(
        required=False, help_text="The newspaper or platform (the publisher) of a news report or post."
    )
    publisher = serializers.CharField(required=False, help_text="The publisher's name.")
    genre = serializers.CharField(
        required=False, help_text="What kind of document, where CSL has no type for it."
    )
    issued = CslDateSerializer(required=False, help_text="Publication date.")
    accessed = CslDateSerializer(required=False, help_text="When a researcher last read the source.")
    URL = serializers.URLField(
        required=False, help_text="Where to read it (its archived copy if that is all there is)."
    )
    DOI = serializers.CharField(required=False, help_text="The identifier, when it is a DOI.")
    ISBN = serializers.CharField(required=False, help_text="The identifier, when it is an ISBN.")
    number = serializers.CharField(required=False, help_text="Any other identifier (report or order number).")
    language = serializers.CharField(required=False, help_text="BCP 47 language tag.")
    abstract = serializers.CharField(required=False, help_text="The source's summary.")
    note = serializers.CharField(
        required=False, help_text="The archived copy, when the source also has a URL."
    )

    def to_representation(self, instance):
        return super().to_representation(csl_item(instance) if isinstance(instance, Source) else instance)


class CSLRenderer(ExportRenderer, renderers.JSONRenderer):
    """CSL-JSON: a list page is rendered as the bare array of its items."""

    media_type = CSL_MEDIA_TYPE
    format = CSL_FORMAT

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        return super().render(data, accepted_media_type, renderer_context)


def _link_header(next_url: str | None, previous_url: str | None) -> str:
    links = [f'<{url}>; rel="{rel}"' for url, rel in ((next_url, "next"), (previous_url, "prev")) if url]
    return ", ".join(links)


class SourceCslMixin(ExportViewMixin):
    """Offers CSL-JSON on the sources list and detail (see the module docstring)."""

    content_negotiation_class = ExportContentNegotiation
    unpaged_media_types = (CSL_MEDIA_TYPE,)

    def get_renderers(self):
        found = super().get_renderers()
        if getattr(self, "action", None) in CSL_ACTIONS:
            found.append(CSLRenderer())
        return found

    def wants_csl(self) -> bool:
        return getattr(getattr(self.request, "accepted_renderer", None), "format", None) == CSL_FORMAT

    def get_serializer_class(self):
        if self.request is not None and self.wants_csl():
            return CslItemSerializer
        return super().get_serializer_class()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) in CSL_ACTIONS:
            patch_vary_headers(response, ["Accept"])
        return response

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.wants_csl():
            link = _link_header(self.paginator.get_next_link(), self.paginator.get_previous_link())
            if link:
                response["Link"] = link
            response["X-Total-Count"] = str(self.paginator.page.paginator.count)
        return response


CSL_HEADERS = [
    OpenApiParameter(
        "Link",
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description='CSL-JSON only: the next and previous pages, as `<url>; rel="next"` and '
        '`<url>; rel="prev"` (absent on a single page).',
    ),
    OpenApiParameter(
        "X-Total-Count",
        int,
        OpenApiParameter.HEADER,
        response=[200],
        description="CSL-JSON only: the number of sources on all pages together.",
    ),
]
CSL_NOTE = (
    " With `?format=csl` or `Accept: application/vnd.citationstyles.csl+json` the answer is "
    "CSL-JSON for citation managers such as Zotero"
)
BAD_FORMAT = OpenApiResponse(ErrorSerializer, description="`format` is not `json` or `csl`.")


def csl_list_schema(read_serializer: type) -> dict:
    """``extend_schema`` arguments for a list that also answers in CSL-JSON."""
    return {
        "description": "Pages of `count`, `next`, `previous` and `results`."
        + CSL_NOTE
        + ": a bare array of the page's items, the paging in the `Link` and `X-Total-Count` headers.",
        "parameters": CSL_HEADERS,
        "responses": {
            (200, "application/json"): read_serializer(many=True),
            (200, CSL_MEDIA_TYPE): CslItemSerializer(many=True),
        },
    }


def csl_detail_schema(read_serializer: type) -> dict:
    """``extend_schema`` arguments for a detail that also answers in CSL-JSON."""
    return {
        "description": CSL_NOTE.strip() + ": one CSL item.",
        "responses": {
            (200, "application/json"): read_serializer,
            (200, CSL_MEDIA_TYPE): CslItemSerializer,
            400: BAD_FORMAT,
        },
    }
