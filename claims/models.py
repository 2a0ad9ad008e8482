import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Length

from core.change_log import ChangeType
from core.models import Trashable, Versioned, change_log_trigger, track_history, version_trigger
from core.search import Unaccent, search_vector_field
from sources.models import Publisher, Source, SourceReliance

# Term statistics for matching (claims/matching.py): how many live claims hold each lexeme of
# ``Claim.search_vector``. The row of the empty term ``''`` (never a lexeme) holds the totals:
# the number of live claims and the sum of their lengths in lexeme occurrences.
#
# Concurrency: a claim's write never updates a shared counter. Its statement-level trigger
# appends the change, summed per term, to ``ClaimTermDelta`` (inserts never conflict, so
# writers neither wait for each other nor deadlock). The same trigger then folds every pending
# delta into ``ClaimTerm``, but only if it wins ``pg_try_advisory_xact_lock``: one folder at a
# time, the others skip (their deltas are folded by the next winner), so no two transactions
# ever update the same counter rows, and nothing is lost: a delta row is deleted by the very
# statement that adds it to its counter. Readers sum ``ClaimTerm`` and the pending deltas.
TERM_STATS_LOCK = 7_361_902  # pg_try_advisory_xact_lock key of the fold, unique to it.

# One row per lexeme occurrence set of each changed claim, signed: +1 for a live claim as it
# now is, -1 for a live claim as it was. ``{rows}`` is filled per trigger.
_TERM_CHANGES = """
INSERT INTO claims_claimtermdelta (term, claims, occurrences)
SELECT term, sum(claims), sum(occurrences) FROM (
    {rows}
) AS changes
GROUP BY term
HAVING sum(claims) <> 0 OR sum(occurrences) <> 0;
IF pg_try_advisory_xact_lock({lock}) THEN
    WITH moved AS (
        DELETE FROM claims_claimtermdelta RETURNING term, claims, occurrences
    ), summed AS (
        SELECT term, sum(claims) AS claims, sum(occurrences) AS occurrences
        FROM moved GROUP BY term
    )
    INSERT INTO claims_claimterm AS stat (term, claims, occurrences)
    SELECT term, claims, occurrences FROM summed ORDER BY term
    ON CONFLICT (term) DO UPDATE
        SET claims = stat.claims + EXCLUDED.claims,
            occurrences = stat.occurrences + EXCLUDED.occurrences;
    DELETE FROM claims_claimterm WHERE claims <= 0 AND term <> '';
END IF;
RETURN NULL;
"""


def _term_rows(table: str, sign: str) -> str:
    """The signed (term, claims, occurrences) rows of the live claims in a transition table:
    one per lexeme, plus the totals row ``''`` (one claim, its length). ``table`` and ``sign``
    are constants of this module, never input."""
    return f"""
    SELECT lexeme AS term, {sign}1 AS claims,
           {sign}coalesce(array_length(positions, 1), 1) AS occurrences
    FROM {table}, unnest({table}.search_vector)
    WHERE {table}.deleted_at IS NULL
    UNION ALL
    SELECT '', {sign}1, {sign}coalesce((
        SELECT sum(coalesce(array_length(positions, 1), 1)) FROM unnest({table}.search_vector)
    ), 0)
    FROM {table} WHERE {table}.deleted_at IS NULL
    """  # noqa: S608


def _term_trigger(name: str, operation, *, new: bool, old: bool) -> pgtrigger.Trigger:
    rows = [_term_rows("new_claims", "+")] if new else []
    rows += [_term_rows("old_claims", "-")] if old else []
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=operation,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(
            **({"new": "new_claims"} if new else {}), **({"old": "old_claims"} if old else {})
        ),
        func=_TERM_CHANGES.format(rows="UNION ALL".join(rows), lock=TERM_STATS_LOCK),
    )


class TrigramCount(models.Func):
    """``claimtrack_trigram_count(text)``: how many distinct trigrams pg_trgm finds in the
    unaccented text (claims/sql/matching.sql); indexed on ``Claim.statement``."""

    function = "claimtrack_trigram_count"
    output_field = models.IntegerField()


@track_history(exclude=["search_vector"])
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
    search_vector = search_vector_field(("title", "A"), ("byline", "B"))
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
        triggers = [version_trigger(exclude=["search_vector"]), change_log_trigger(ChangeType.ARTICLE)]
        indexes = [GinIndex(fields=["search_vector"], name="article_search_gin")]
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


@track_history(exclude=["search_vector"])
class Claim(Versioned, Trashable, models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="claims", help_text="The article making the claim."
    )
    statement = models.TextField(help_text="The claim restated as one neutral sentence.")
    quote = models.TextField(help_text="The exact words of the article that make the claim.")
    quote_start = models.PositiveIntegerField(
        help_text="Offset of the quote's first character in the article body (0-based, in characters)."
    )
    # Derived, so never sent or checked by hand: PostgreSQL's length() of text counts characters
    # (code points, in the UTF8 database), as Python's len() and every offset of the API do.
    quote_end = models.GeneratedField(
        expression=models.F("quote_start") + Length("quote"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        help_text="Offset just past the quote's last character: body[quote_start:quote_end] == quote. "
        "Computed by the server (quote_start + the quote's length).",
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
    search_vector = search_vector_field(("statement", "A"), ("claimant", "A"), ("quote", "B"))
    # Kept by database triggers (claims.provenance): never written by Python code.
    independent_support = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="How many independent origins support the claim: the sources at the end of the "
        "chains behind its supporting citations, counted once per publisher (an origin without "
        "a publisher counts on its own). Ten articles repeating one press release count as one.",
    )
    independent_contradiction = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="How many independent origins contradict the claim, counted like "
        "`independent_support` over its contradicting citations.",
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
        # The independence counts are derived: the trigger that changes them moves the version
        # itself (through updated_at) when the change did not come with a citation edit.
        triggers = [
            version_trigger(
                exclude=["search_vector", "quote_end", "independent_support", "independent_contradiction"]
            ),
            # PostgreSQL allows transition tables only on a trigger of one event: three triggers.
            _term_trigger("term_stats_insert", pgtrigger.Insert, new=True, old=False),
            _term_trigger("term_stats_update", pgtrigger.Update, new=True, old=True),
            _term_trigger("term_stats_delete", pgtrigger.Delete, new=False, old=True),
            change_log_trigger(ChangeType.CLAIM),
        ]
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(statement=""), name="claim_statement_not_blank"),
            models.CheckConstraint(condition=~models.Q(quote=""), name="claim_quote_not_blank"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="claim_status_valid"),
        ]
        indexes = [
            # (key, id) pairs: a cursor page is one index range scan, however deep.
            models.Index(fields=["status", "id"], name="claim_status_id"),
            models.Index(fields=["created_at", "id"], name="claim_created_id"),
            models.Index(fields=["updated_at", "id"], name="claim_updated_id"),
            # No pending list (fastupdate): every matching and search query scans GIN's whole
            # pending list, which grows with each insert to 4 MB before a flush (about 17,000
            # claims): stage 1 of matching read twice the pages after 5,000 inserts
            # (benchmarks/README.md, "Matching at a million claims, stage 1"). Each write updates
            # the index at once instead.
            GinIndex(fields=["search_vector"], name="claim_search_gin", fastupdate=False),
            GinIndex(OpClass(Unaccent("statement"), name="gin_trgm_ops"), name="claim_statement_trgm"),
            # Matching's trigram-count filter (claims.matching.matching_queryset).
            models.Index(TrigramCount("statement"), name="claim_statement_trgm_count"),
            # ?independent_support_min= / _max= and the same for contradiction.
            models.Index(fields=["independent_support", "id"], name="claim_support_id"),
            models.Index(fields=["independent_contradiction", "id"], name="claim_contradiction_id"),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def has_verdict(self) -> bool:
        return self.status in Status.verdicts()


class ClaimTerm(models.Model):
    """How many live claims hold a lexeme of ``Claim.search_vector`` (``claims``) and how often
    in all (``occurrences``); the row of the empty term holds the number of live claims and
    their total length. Written only by the claim triggers: pending changes are in
    ``ClaimTermDelta`` until folded, so a reader sums both (claims.matching.term_statistics)."""

    term = models.TextField(
        primary_key=True, help_text="A lexeme of the claimtrack text search configuration."
    )
    claims = models.BigIntegerField(help_text="How many live claims hold the term.")
    occurrences = models.BigIntegerField(help_text="How many times the term occurs in the live claims.")

    def __str__(self) -> str:
        return f"{self.term}: {self.claims}"


class ClaimTermDelta(models.Model):
    """A change to ``ClaimTerm`` not folded in yet (see ``TERM_STATS_LOCK``)."""

    id = models.BigAutoField(primary_key=True)
    term = models.TextField(help_text="The lexeme whose counts change.")
    claims = models.BigIntegerField(help_text="Change of the number of live claims holding the term.")
    occurrences = models.BigIntegerField(help_text="Change of the term's number of occurrences.")

    class Meta:
        indexes = [models.Index(fields=["term"], name="claim_term_delta_term")]

    def __str__(self) -> str:
        return f"{self.term}: {self.claims:+}"


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
            # its version (and ETag) move, whatever door the citation came through. The same
            # write stores its independence counts (claims_touch, claims/sql/independence.sql).
            pgtrigger.Trigger(
                name="touch_claim",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF TG_OP = 'DELETE' THEN
                    PERFORM claims_touch(ARRAY[OLD.claim_id]);
                ELSIF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN
                    PERFORM claims_touch(ARRAY[NEW.claim_id]);
                    IF TG_OP = 'UPDATE' AND NEW.claim_id <> OLD.claim_id THEN
                        PERFORM claims_touch(ARRAY[OLD.claim_id]);
                    END IF;
                END IF;
                RETURN NULL;
                """,
            ),
            change_log_trigger(ChangeType.CITATION),
        ]
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["added_at", "id"], name="citation_added_id")]
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


@track_history()
class SameClaimLink(Versioned, models.Model):
    """Two claims, in any articles, that a researcher recorded as stating the same thing.

    One row per unordered pair: the lower claim id is always ``claim_a`` (a check constraint
    holds it), so the unique constraint on the pair refuses the same link recorded either way
    round. A link of a claim in the trash is hidden with the claim and comes back with it."""

    claim_a = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="+",
        # The unique constraint's index (claim_a, claim_b) serves lookups by claim_a.
        db_index=False,
        help_text="The claim of the pair with the lower id.",
    )
    claim_b = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The claim of the pair with the higher id.",
    )
    note = models.TextField(blank=True, help_text="Why the two claims state the same thing (optional).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the link.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the link was recorded.")

    class Meta:
        triggers = [version_trigger(), change_log_trigger(ChangeType.SAME_CLAIM_LINK)]
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claim_a__lt=models.F("claim_b")), name="same_claim_link_ordered_pair"
            ),
            models.UniqueConstraint(fields=["claim_a", "claim_b"], name="same_claim_link_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_a_id} is the same claim as {self.claim_b_id}"

    def other_claim(self, claim_id: int) -> Claim:
        """The claim of the pair that is not ``claim_id`` (as loaded: no query when the two
        claims were fetched with the link)."""
        return self.claim_b if self.claim_a_id == claim_id else self.claim_a


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
            change_log_trigger(ChangeType.STATUS_CHANGE),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


# The independence counts' triggers on sources' tables. The rule is claims' (the functions are in
# claims/sql/independence.sql) and sources knows nothing about claims, so they are declared here,
# on proxies of sources' models (pgtrigger's way to put triggers on another app's table): they
# live in claims' migrations, which depend on sources', never the other way round.


def _reliance_trigger(name: str, operation, *, new: bool, old: bool) -> pgtrigger.Trigger:
    """A statement-level trigger on reliance links passing the sources of every row it wrote
    (as they are, as they were, or both) to ``claims_reliance_changed``."""
    tables = (["new_rows"] if new else []) + (["old_rows"] if old else [])
    rows = " UNION ".join(f"SELECT source_id FROM {table}" for table in tables)  # noqa: S608 (constants)
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=operation,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(**{table.split("_")[0]: table for table in tables}),
        func=f"PERFORM claims_reliance_changed(ARRAY({rows})); RETURN NULL;",
    )


class SourceRelianceIndependence(SourceReliance):
    """Reliance links, as the independence counts see them: a statement that adds, changes or
    removes links refreshes every claim whose chain passes through a source that gained or
    lost one, once per statement however many links it wrote. (PostgreSQL allows transition
    tables only on a trigger of one event: three triggers.)"""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = [
            _reliance_trigger("independence_insert", pgtrigger.Insert, new=True, old=False),
            _reliance_trigger("independence_update", pgtrigger.Update, new=True, old=True),
            _reliance_trigger("independence_delete", pgtrigger.Delete, new=False, old=True),
        ]


class SourceIndependence(Source):
    """Sources, as the independence counts see them: a change of publisher matters where the
    source is an origin (a source's trash move needs no trigger: the services keep a live
    claim's chains free of trashed sources)."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = [
            pgtrigger.Trigger(
                name="independence_publisher",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("publisher_id"),
                condition=pgtrigger.Condition("OLD.publisher_id IS DISTINCT FROM NEW.publisher_id"),
                func="PERFORM claims_source_publisher_changed(NEW.id); RETURN NULL;",
            ),
        ]
