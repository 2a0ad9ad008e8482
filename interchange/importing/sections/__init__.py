"""One section type per resource of an import document, in the order they are planned and
written: each may refer to those before it."""

from interchange.importing.sections.articles import ArticleSection
from interchange.importing.sections.citations import CitationSection
from interchange.importing.sections.claims import ClaimSection
from interchange.importing.sections.publishers import PublisherSection
from interchange.importing.sections.sources import SourceSection

SECTION_TYPES = (PublisherSection, SourceSection, ArticleSection, ClaimSection, CitationSection)
