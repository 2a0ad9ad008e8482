import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models.functions import Length

from config.models import Trashable, Versioned, track_history, version_trigger
from sources.models import Publisher, Source


@track_history()
class Article(Versioned, Trashable, models.Model):
    title = models.CharField(max_length=500, help_text="Headline of the article.")
    url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="Where the article was published; unique when present. Stored normalised.",
    )
    byline = models.CharField(max_length=300, blank=True, help_text="Authors as credited by the article.")
    publisher = models.ForeignKey(
        Publisher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Who published the article.",
    )
    published_on = models.DateField(null=True, blank=True, help_text="Publication date, if known.")
    language = models.CharField(max_length=35, blank=True, help_text='Language as a BCP 47 tag, e.g. "en".')
    body = models.TextField(
        blank=True,
        help_text="The full text of the article. Claims are anchored in it by exact quote and "
        "character offsets, so an edit that would remove a claim's quote is refused.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who created the record.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the record last changed.")

    class Meta:
        triggers = [version_trigger()]
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="article_url_unique",
                violation_error_message="Another article already has this URL.",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="article_title_not_blank"),
        ]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    PARTLY_VERIFIED = "partly_verified", "Partly verified"
    DISPUTED = "disputed", "Disputed"
    REFUTED = "refuted", "Refuted"
    UNVERIFIABLE = "unverifiable", "Unverifiable"

    @classmethod
    def verdicts(cls) -> frozenset["Status"]:
        return frozenset({cls.VERIFIED, cls.PARTLY_VERIFIED, cls.DISPUTED, cls.REFUTED, cls.UNVERIFIABLE})


@track_history()
class Claim(Versioned, Trashable, models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="claims", help_text="The article making the claim."
    )
    statement = models.TextField(help_text="The claim restated as one neutral sentence.")
    quote = models.TextField(help_text="The exact words of the article that make the claim.")
    quote_start = models.PositiveIntegerField(
        help_text="Offset of the quote's first character in the article body (0-based, in characters)."
    )
    quote_end = models.PositiveIntegerField(
        help_text="Offset just past the quote's last character: body[quote_start:quote_end] == quote."
    )
    claimant = models.CharField(
        max_length=300, blank=True, help_text='Who asserts the claim, e.g. "U.S. Central Command".'
    )
    claim_date = models.DateField(null=True, blank=True, help_text="When the claimant made the claim.")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.UNVERIFIED,
        help_text="Verification status; changed only through the transition endpoint.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the claim.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the claim was recorded.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the claim last changed.")

    class Meta:
        triggers = [version_trigger()]
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(statement=""), name="claim_statement_not_blank"),
            models.CheckConstraint(condition=~models.Q(quote=""), name="claim_quote_not_blank"),
            models.CheckConstraint(
                condition=models.Q(quote_end=models.F("quote_start") + Length("quote")),
                name="claim_quote_offsets_match_length",
            ),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="claim_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def has_verdict(self) -> bool:
        return self.status in Status.verdicts()


class CitationRole(models.TextChoices):
    ATTRIBUTION = "attribution", "Attribution (the article credits this source)"
    EVIDENCE = "evidence", "Evidence (found by a researcher)"


class CitationStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


@track_history()
class Citation(Versioned, models.Model):
    Role = CitationRole
    Stance = CitationStance

    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="The claim this source is cited for.",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", help_text="The source cited."
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        help_text="attribution: the article credits the claim to this source; "
        "evidence: a researcher found it.",
    )
    stance = models.CharField(
        max_length=20,
        choices=Stance.choices,
        help_text="Whether the source supports or contradicts the claim.",
    )
    quote = models.TextField(blank=True, help_text="The relevant words of the source.")
    locator = models.CharField(
        max_length=200,
        blank=True,
        help_text='Where in the source: page, paragraph or timestamp ("p. 4", "02:13").',
    )
    note = models.TextField(blank=True, help_text="The researcher's note on this citation.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who added the citation.",
    )
    added_at = models.DateTimeField(auto_now_add=True, help_text="When the citation was added.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the citation last changed.")

    class Meta:
        triggers = [
            version_trigger(),
            # A claim is read with its citations, so a change to them is a change to the claim:
            # its version (and ETag) move, whatever door the citation came through.
            pgtrigger.Trigger(
                name="touch_claim",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF TG_OP = 'DELETE' THEN
                    UPDATE claims_claim SET updated_at = clock_timestamp() WHERE id = OLD.claim_id;
                ELSIF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN
                    UPDATE claims_claim SET updated_at = clock_timestamp() WHERE id = NEW.claim_id;
                    IF TG_OP = 'UPDATE' AND NEW.claim_id <> OLD.claim_id THEN
                        UPDATE claims_claim SET updated_at = clock_timestamp() WHERE id = OLD.claim_id;
                    END IF;
                END IF;
                RETURN NULL;
                """,
            ),
        ]
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source", "role"], name="citation_unique_per_role"),
            models.CheckConstraint(
                condition=models.Q(role__in=CitationRole.values), name="citation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=CitationStance.values), name="citation_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.role}, {self.stance})"


class StatusChange(models.Model):
    """One step of a claim's verification history. Rows are never updated or deleted."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="status_changes", help_text="The claim that changed."
    )
    from_status = models.CharField(
        max_length=20, choices=Status.choices, help_text="Status before the change."
    )
    to_status = models.CharField(max_length=20, choices=Status.choices, help_text="Status after the change.")
    rationale = models.TextField(blank=True, help_text="Why the status changed; required for verdicts.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who changed the status.",
    )
    changed_at = models.DateTimeField(auto_now_add=True, help_text="When the status changed.")

    class Meta:
        ordering = ["-changed_at", "-id"]
        get_latest_by = "changed_at"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")), name="status_change_changes"
            ),
        ]
        indexes = [models.Index(fields=["claim", "-changed_at"])]
        triggers = [
            pgtrigger.Protect(
                name="status_change_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
