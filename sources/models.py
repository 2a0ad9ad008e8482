from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Lower, Upper

from core.change_log import ChangeType
from core.models import Trashable, Versioned, change_log_trigger, track_history, version_trigger
from core.search import search_vector_field


class PublisherKind(models.TextChoices):
    GOVERNMENT = "government", "Government"
    MILITARY = "military", "Military"
    NEWS_MEDIA = "news_media", "News media"
    NGO = "ngo", "NGO"
    COMPANY = "company", "Company"
    PERSON = "person", "Person"
    OTHER = "other", "Other"


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news_report", "News report"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    PRESS_RELEASE = "press_release", "Press release"
    GOVERNMENT_DESIGNATION = "government_designation", "Government designation"
    REPORT = "report", "Report"
    SOCIAL_MEDIA_POST = "social_media_post", "Social media post"
    VIDEO = "video", "Video"
    INTERVIEW = "interview", "Interview"
    OTHER = "other", "Other"


@track_history(exclude=["search_vector", "name_key"])
class Publisher(Versioned, models.Model):
    Kind = PublisherKind

    name = models.CharField(
        max_length=200,
        help_text="Name of the publisher, unique by its identity key: regardless of letter case, "
        "white space, invisible characters, compatibility forms and look-alike letters from "
        "other scripts (Unicode NFKC and the confusable skeleton of UTS #39).",
    )
    # Null, not empty, for a stored look-alike: the unique constraint must let several be.
    name_key = models.CharField(  # noqa: DJ001
        max_length=1000,
        null=True,
        editable=False,
        help_text="The identity key of the name (sources.identity.name_key), set by the service. "
        "Null only for a look-alike stored before the key existed (manage.py publisher_lookalikes).",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, help_text="What kind of body publishes."
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 country code, upper case; empty if unknown."
    )
    url = models.URLField(max_length=500, blank=True, help_text="Home page of the publisher.")
    search_vector = search_vector_field(("name", "A"))
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the record last changed.")

    class Meta:
        triggers = [
            version_trigger(exclude=["search_vector", "name_key"]),
            change_log_trigger(ChangeType.PUBLISHER),
        ]
        ordering = ["name", "id"]
        indexes = [
            # Typed name filters (``name__icontains``: UPPER(name) LIKE UPPER('%words%'), the
            # admin's publisher filters) find their publishers by trigrams, not by reading them all.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="publisher_name_upper_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="publisher_name_unique_ci",
                violation_error_message="A publisher with this name (ignoring case) already exists.",
            ),
            models.UniqueConstraint(
                fields=["name_key"],
                name="publisher_name_key_unique",
                violation_error_message="A publisher whose name looks the same already exists.",
            ),
            models.CheckConstraint(condition=~models.Q(name_key=""), name="publisher_name_key_not_blank"),
            models.CheckConstraint(condition=~models.Q(name=""), name="publisher_name_not_blank"),
            models.CheckConstraint(
                condition=models.Q(kind__in=PublisherKind.values), name="publisher_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(country="") | models.Q(country__regex=r"^[A-Z]{2}$"),
                name="publisher_country_iso2",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@track_history(exclude=["search_vector"])
class Source(Versioned, Trashable, models.Model):
    Kind = SourceKind

    kind = models.CharField(max_length=30, choices=Kind.choices, help_text="What kind of source this is.")
    title = models.CharField(max_length=500, help_text="Title or short description of the source.")
    publisher = models.ForeignKey(
        Publisher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="Who published the source; null if unknown.",
    )
    authors = models.CharField(
        max_length=500, blank=True, help_text="Authors or speakers, as credited, separated by semicolons."
    )
    url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="Where the source can be read. Stored normalised (lower-case scheme and host, no "
        "fragment, no tracking parameters) and unique when present.",
    )
    archived_url = models.URLField(
        max_length=2000, blank=True, help_text="A snapshot of the source in a web archive."
    )
    published_on = models.DateField(null=True, blank=True, help_text="Publication date, if known.")
    accessed_on = models.DateField(null=True, blank=True, help_text="When a researcher last read the source.")
    identifier = models.CharField(
        max_length=300,
        blank=True,
        help_text='Formal identifier, for example "Executive Order 13224", a DOI or a report number.',
    )
    language = models.CharField(
        max_length=35, blank=True, help_text='Language as a BCP 47 tag, for example "en" or "fa".'
    )
    summary = models.TextField(blank=True, help_text="What the source is and says, in brief.")
    relies_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="SourceReliance",
        through_fields=("source", "relies_on"),
        related_name="relied_on_by",
        blank=True,
        help_text="Other sources this one depends on.",
    )
    search_vector = search_vector_field(
        ("title", "A"), ("identifier", "A"), ("authors", "B"), ("summary", "C")
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the record last changed.")

    class Meta:
        triggers = [version_trigger(exclude=["search_vector"]), change_log_trigger(ChangeType.SOURCE)]
        ordering = ["-published_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="source_url_unique",
                violation_error_message="Another source already has this URL.",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="source_title_not_blank"),
            models.CheckConstraint(condition=models.Q(kind__in=SourceKind.values), name="source_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["published_on"]),
            GinIndex(fields=["search_vector"], name="source_search_gin"),
        ]

    def __str__(self) -> str:
        return self.title


@track_history()
class SourceReliance(models.Model):
    """One source depending on another (a newspaper report on a command's review)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="reliance_links")
    relies_on = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="dependent_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        triggers = [change_log_trigger(ChangeType.SOURCE_RELIANCE)]
        constraints = [
            models.UniqueConstraint(fields=["source", "relies_on"], name="source_reliance_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("relies_on")), name="source_reliance_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} relies on {self.relies_on_id}"
