"""Admin for reviewers: articles, claims with their citations and history, and the workflow.

Every write goes through ``claims.services`` (see ``ServiceModelAdmin``). A claim's status
is never a form field: it changes on the claim's "Change status" page or through the two
list actions, all of which call ``claim_transition`` with the signed-in user as the actor.
"""

import json
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from claims import policies, selectors, services
from claims.admin_same_claim import ConfirmedEquivalentsAdminMixin
from claims.history import HistoryEntry, HistoryKind, claim_history
from claims.models import Article, Citation, Claim, Status, StatusChange
from claims.provenance import origins_html
from core.admin import PolicyPermissions, ServiceModelForm, TrashModelAdmin, add_domain_errors
from core.errors import DomainError, Forbidden
from core.search import web_search_query
from sources.models import Publisher, Source

STATEMENT_COLUMN_LENGTH = 90
# The list's selection boxes, with the class and id Django's actions script looks for.
SELECT_ALL_CHECKBOX = '<input type="checkbox" id="action-toggle" aria-label="Select all claims">'
ROW_CHECKBOX = (
    '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="Select this claim">'
)
HISTORY_ON_EVIDENCE_PAGE = 10


class ClaimtrackAdminMedia:
    """The admin pages' own stylesheet (status colours, the evidence page): no inline styles."""

    css = {"all": ("claims/admin/claimtrack-admin.css",)}


def status_badge(status: str):
    """A status as a coloured badge; the colours are in ``claimtrack-admin.css``."""
    return format_html(
        '<span class="claim-status claim-status-{}" data-status="{}">{}</span>',
        status,
        status,
        Status(status).label if status in Status.values else status,
    )


def cut_at_word(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters at a word boundary, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def citation_count_subquery() -> Coalesce:
    counts = Citation.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("id"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), Value(0))


def claim_url(claim: Claim, action: str = "change") -> str:
    return reverse(f"admin:claims_claim_{action}", args=[quote(claim.pk)])


def mark_nothing_saved(formset) -> None:
    """A read-only inline saves nothing; the change message still reads these lists."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


HISTORY_PAGE_SIZE = 100


# History fields that hold a row's id, shown by that row's name (and linked when it has a page).
_LINKED_FIELDS = {"article": (Article, "title"), "source": (Source, "title")}
_USER_FIELDS = frozenset({"created_by", "deleted_by", "added_by"})
HISTORY_VALUE_LENGTH = 300


class HistoryNames:
    """Names for the ids in history entries of one claim: articles and sources linked to their
    admin pages, users by username, the claim itself as "this claim". Three queries at most,
    however long the history."""

    def __init__(
        self, entries: list[HistoryEntry], *, claim_id: int, known: dict[str, dict[int, str]] | None = None
    ):
        self.claim_id = claim_id
        wanted: dict[str, set[int]] = defaultdict(set)
        self.citation_sources: dict[int, int] = {}
        for entry in entries:
            for name, change in entry.changes.items():
                values = {change.get("before"), change.get("after")} - {None, ""}
                if name in _LINKED_FIELDS:
                    wanted[name] |= values
                elif name in _USER_FIELDS:
                    wanted["user"] |= values
                if name == "source" and entry.citation is not None and values:
                    self.citation_sources.setdefault(entry.citation, next(iter(values)))
        wanted["source"] |= set(self.citation_sources.values())
        self.names: dict[str, dict[int, str]] = {}
        for name, (model, label) in _LINKED_FIELDS.items():
            self.names[name] = dict((known or {}).get(name, {}))
            ids = wanted.get(name, set()) - self.names[name].keys()
            rows = model._base_manager.filter(pk__in=ids).values_list("pk", label) if ids else []
            self.names[name].update(rows)
            self.names[name] = {pk: cut_at_word(text, 120) for pk, text in self.names[name].items()}
        ids = wanted.get("user")
        users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username") if ids else []
        self.names["user"] = dict(users)

    def value(self, name: str, value):
        if value in (None, ""):
            return "—"
        if name == "claim" and value == self.claim_id:
            return "this claim"
        if name in _USER_FIELDS:
            return self.names["user"].get(value, f"user {value}")
        if name in _LINKED_FIELDS:
            model = _LINKED_FIELDS[name][0]
            title = self.names[name].get(value)
            if title is None:
                return f"{model._meta.verbose_name} {value} (purged)"
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(value)])
            return format_html('<a href="{}" data-history-link="{}">{}</a>', url, name, title)
        return Truncator(str(value)).chars(HISTORY_VALUE_LENGTH)

    def citation(self, citation_id: int | None):
        """A citation named by the source it cites."""
        if citation_id is None:
            return ""
        source = self.citation_sources.get(citation_id)
        if source is None:
            return f"#{citation_id}"
        return format_html("#{} ({})", citation_id, self.value("source", source))


def history_rows(
    entries: list[HistoryEntry], *, claim: Claim, known: dict[str, dict[int, str]] | None = None
) -> list[dict]:
    """Entries of ``claims.history.claim_history`` as the admin shows them; ``known`` holds
    names the page has already read (``{"source": {id: title}}``), which are not asked again."""
    names = HistoryNames(entries, claim_id=claim.pk, known=known)
    return [
        {
            "entry": entry,
            "label": HistoryKind(entry.kind).label,
            "citation": names.citation(entry.citation),
            "from_badge": status_badge(entry.from_status) if entry.from_status else "",
            "to_badge": status_badge(entry.to_status) if entry.to_status else "",
            "changes": [
                (
                    name.replace("_", " "),
                    names.value(name, change["before"]) if "before" in change else None,
                    names.value(name, change["after"]) if "after" in change else None,
                )
                for name, change in entry.changes.items()
            ],
        }
        for entry in entries
    ]


class EstimatedCountPaginator(Paginator):
    """The claims list's pages, counted the way a million rows allow: below ``EXACT_BELOW``
    matching rows the count is exact; above, it is PostgreSQL's planner estimate (what
    ``EXPLAIN`` expects the query to return), because counting every matching row takes
    longer than rendering the page. The list then says "about" that many."""

    EXACT_BELOW = 20_000

    @cached_property
    def count(self) -> int:
        estimate = planner_estimate(self.object_list)
        if estimate is None or estimate < self.EXACT_BELOW:
            return super().count
        self.estimated = True
        return estimate


def planner_estimate(queryset) -> int | None:
    """How many rows PostgreSQL's planner expects ``queryset`` to return (no rows are read)."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    rows = plan[0]["Plan"].get("Plan Rows")
    return int(rows) if rows is not None else None


class ClaimChangeList(ChangeList):
    """Django's claims list, each row's link made from one ``reverse`` per page rather than
    one per row (50 of them were a tenth of the page's time)."""

    @cached_property
    def _change_url_parts(self) -> tuple[str, str]:
        marker = "0"
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(marker,),
            current_app=self.model_admin.admin_site.name,
        )
        return url[: url.rindex(f"/{marker}/") + 1], url[url.rindex(f"/{marker}/") + len(marker) + 1 :]

    def url_for_result(self, result):
        before, after = self._change_url_parts
        return f"{before}{quote(getattr(result, self.pk_attname))}{after}"


# Filters ----------------------------------------------------------------------------


class SearchListFilter(admin.SimpleListFilter):
    """A filter typed rather than picked: a text box in the sidebar (a GET form that keeps the
    list's other parameters), so it works the same with ten publishers or fifty thousand and
    renders no list of them."""

    template = "admin/claims/search_filter.html"
    placeholder = ""

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def text(self) -> str:
        return (self.value() or "").strip()[:200]

    def queryset(self, request, queryset):
        text = self.text()
        return self.matching(queryset, text) if text else queryset

    def matching(self, queryset, text: str):
        raise NotImplementedError

    def choices(self, changelist):
        kept = QueryDict(changelist.get_query_string(remove=[self.parameter_name, "p"])[1:])
        yield {
            "parameter": self.parameter_name,
            "value": self.text(),
            "placeholder": self.placeholder,
            "hidden": [(name, value) for name in kept for value in kept.getlist(name)],
            "clear_url": changelist.get_query_string(remove=[self.parameter_name, "p"]),
        }


class ArticleFilter(SearchListFilter):
    """Claims of one article: its id (the article page links here) or words of its title."""

    title = "article"
    parameter_name = "article"
    placeholder = "Title words or id"

    def matching(self, queryset, text):
        if text.isdigit():
            return queryset.filter(article_id=int(text))
        return queryset.filter(article__title__icontains=text)


class ArticlePublisherFilter(SearchListFilter):
    """Claims made in an article from a publisher whose name contains the words typed."""

    title = "article's publisher"
    parameter_name = "article_publisher"
    placeholder = "Publisher name"

    def matching(self, queryset, text):
        return queryset.filter(article__publisher__name__icontains=text)


class CitedPublisherFilter(SearchListFilter):
    """Claims citing at least one source from a publisher whose name contains the words typed
    (a semi-join, so no duplicate rows)."""

    title = "cited publisher"
    parameter_name = "cited_publisher"
    placeholder = "Publisher name"

    def matching(self, queryset, text):
        # The publishers first (a query of their own, through the trigram index on their names),
        # then the claims among those their sources' citations name. Written as one EXISTS,
        # PostgreSQL walked the newest claims one by one probing each for such a citation: for a
        # word held by many publishers, seconds at a million claims (and a 503).
        publishers = list(Publisher.objects.filter(name__icontains=text).values_list("id", flat=True))
        citing = Citation.objects.filter(source__publisher_id__in=publishers).values("claim_id")
        return queryset.filter(pk__in=citing)


# Forms --------------------------------------------------------------------------------


class ArticleForm(ServiceModelForm):
    """The body reaches the service as typed: the service normalises it (line endings) the
    same way for every door; the form's default stripping would be a second, admin-only rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].strip = False


class ClaimForm(ServiceModelForm):
    quote_start = forms.IntegerField(
        required=False,
        min_value=0,
        label="Quote start",
        help_text="Leave empty to find the quote in the article body; give the offset only when "
        "the quote occurs more than once.",
    )


class TransitionForm(forms.Form):
    """The status form: no status chosen in advance, only the moves the signed-in user may
    make from the claim's current status (``services.claim_moves``), each with its rule."""

    # Every status validates, so the service gives the reason for a move it refuses (a page
    # left open while the claim moved on); only the allowed moves are offered.
    status = forms.ChoiceField(label="New status", widget=forms.RadioSelect, choices=Status.choices)
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80, "data-rationale": ""}),
        required=False,
        max_length=5000,
        label="Rationale",
        help_text="Why the status changes; a verdict, and reopening one, need it.",
    )

    def __init__(self, *args, moves: list[services.TransitionRule] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moves = moves or []

    def options(self, stance_counts: dict[str, int]) -> list[dict]:
        """Each allowed move with its rule and, for a verdict that needs citations of a
        stance, how many this claim has; the one chosen before an error stays chosen."""
        chosen = self["status"].value() if self.is_bound else None
        return [
            {
                "value": move.to,
                "label": Status(move.to).label,
                "badge": status_badge(move.to),
                "rule": move.text,
                "stance": Citation.Stance(move.needs_stance).label if move.needs_stance else "",
                "have": stance_counts.get(move.needs_stance, 0) if move.needs_stance else None,
                "checked": chosen == move.to,
                "is_verdict": move.to in Status.verdicts(),
            }
            for move in self.moves
        ]


class BulkTransitionForm(TransitionForm):
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Recorded on every claim changed.",
    )


# Inlines ------------------------------------------------------------------------------


class _FrozenWithVerdict:
    """Citations of a claim with a verdict are what the verdict was given on: read-only (the
    services refuse the edits anyway; the page does not offer them)."""

    def has_add_permission(self, request, obj=None):
        return (obj is None or not obj.has_verdict) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.has_verdict) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.has_verdict) and super().has_delete_permission(request, obj)


class CitationInline(_FrozenWithVerdict, PolicyPermissions, admin.TabularInline):
    """The claim's citations. A citation's source never changes (``citation_update``), so it
    is shown, not offered in a widget that would query once per row."""

    model = Citation
    extra = 0
    fields = ("source", "role", "stance", "quote", "locator", "note", "added_by", "added_at")
    readonly_fields = ("source", "added_by", "added_at")
    verbose_name_plural = "Citations"
    may_add = staticmethod(policies.can_add_citation)
    may_change = staticmethod(policies.can_edit_citation)
    may_delete = staticmethod(policies.can_remove_citation)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "added_by")

    def has_add_permission(self, request, obj=None):
        return False


class NewCitationInline(_FrozenWithVerdict, PolicyPermissions, admin.TabularInline):
    """Rows to add citations, the source found by typing (autocomplete)."""

    model = Citation
    extra = 0
    fields = ("source", "role", "stance", "quote", "locator", "note")
    autocomplete_fields = ("source",)
    verbose_name = "new citation"
    verbose_name_plural = "Add citations"
    may_add = staticmethod(policies.can_add_citation)
    may_change = staticmethod(policies.can_edit_citation)
    may_delete = staticmethod(policies.can_remove_citation)

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ArticleClaimInline(PolicyPermissions, admin.TabularInline):
    """An article's claims (not those in the trash), read-only, each linking to its own page."""

    model = Claim
    extra = 0
    can_delete = False
    fields = ("claim_link", "status_badge", "claimant", "citation_count")
    readonly_fields = fields
    ordering = ("quote_start", "id")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(deleted_at__isnull=True)
        return queryset.annotate(citation_count=citation_count_subquery())

    @admin.display(description="Claim")
    def claim_link(self, obj):
        return format_html('<a href="{}">{}</a>', claim_url(obj), obj)

    @admin.display(description="Status")
    def status_badge(self, obj):
        return status_badge(obj.status)

    @admin.display(description="Citations")
    def citation_count(self, obj):
        return obj.citation_count

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Articles -----------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(TrashModelAdmin):
    form = ArticleForm
    list_display = ("title", "publisher", "published_on", "claim_count", "updated_at")
    list_filter = ("publisher",)
    list_select_related = ("publisher",)
    search_fields = ("title", "byline", "url")
    autocomplete_fields = ("publisher",)
    fields = (*services.ARTICLE_FIELDS, "created_by", "created_at", "updated_at")
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = (ArticleClaimInline,)
    may_add = staticmethod(policies.can_create_article)
    may_change = staticmethod(policies.can_edit_article)
    may_delete = staticmethod(policies.can_delete_article)
    Media = ClaimtrackAdminMedia

    def get_queryset(self, request):
        live_claims = Count("claims", filter=Q(claims__deleted_at__isnull=True))
        return super().get_queryset(request).annotate(claim_count=live_claims)

    @admin.display(description="Claims", ordering="claim_count")
    def claim_count(self, obj):
        return obj.claim_count

    def service_create(self, request, form):
        fields = {name: form.cleaned_data[name] for name in services.ARTICLE_FIELDS}
        return services.article_create(created_by=request.user, **fields)

    def service_update(self, request, obj, form):
        return services.article_update(
            article=obj, data=self.changed_values(form, services.ARTICLE_FIELDS), actor=request.user
        )

    def service_delete(self, request, obj):
        services.article_delete(article=obj, actor=request.user)

    def service_restore(self, request, obj):
        services.article_restore(article=obj, actor=request.user)

    def service_blockers(self, obj):
        return [f"Claim {pk} is not in the trash" for pk in services.article_blockers(obj)]

    def save_related(self, request, form, formsets, change):
        # The only inline lists claims read-only; an article has nothing else to save.
        for formset in formsets:
            mark_nothing_saved(formset)


# Claims -------------------------------------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(ConfirmedEquivalentsAdminMixin, TrashModelAdmin):
    """A claim's change page is the reviewer's evidence page: the quote in its paragraph, the
    citations with their sources, the provenance, the history and the status form, above the
    claim's own fields. A claim with a verdict is read-only there, with "Reopen"."""

    may_add = staticmethod(policies.can_create_claim)
    may_change = staticmethod(policies.can_edit_claim)
    may_delete = staticmethod(policies.can_delete_claim)

    form = ClaimForm
    list_display = (
        "statement_short", "status_badge", "article", "claimant", "citation_count", "independent_support",
        "last_change",
    )  # fmt: skip
    list_filter = ("status", ArticleFilter, ArticlePublisherFilter, CitedPublisherFilter)
    list_select_related = ("article",)
    search_fields = ("statement", "quote", "claimant")
    autocomplete_fields = ("article",)
    fields = (
        "article", "statement", "quote", "quote_start", "quote_end", "claimant", "claim_date",
        "status_badge", "created_by", "created_at", "updated_at",
    )  # fmt: skip
    readonly_fields = ("quote_end", "status_badge", "created_by", "created_at", "updated_at")
    inlines = (CitationInline, NewCitationInline)
    actions = [*TrashModelAdmin.actions, "move_to_in_review", "transition_selected"]
    Media = ClaimtrackAdminMedia
    # At a million claims an exact count of every row costs more than the page: see
    # EstimatedCountPaginator (and README, "Verification workflow and roles").
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        latest_change = (
            StatusChange.objects.filter(claim=OuterRef("pk")).order_by("-changed_at").values("changed_at")[:1]
        )
        return (
            super()
            .get_queryset(request)
            # The list shows an article by its title: its body stays in the database.
            .defer("search_vector", "article__body", "article__search_vector")
            .annotate(
                citation_count=citation_count_subquery(),
                # PostgreSQL's GREATEST skips NULL, so claims without history show updated_at.
                last_change=Greatest("updated_at", Subquery(latest_change)),
            )
        )

    def get_object(self, request, object_id, from_field=None):
        """Django's, with the claim's author (a read-only field of the page) in the same query."""
        queryset = self.get_queryset(request).select_related("created_by")
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Claim.DoesNotExist, ValidationError, ValueError):
            return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            # The autocomplete box shows the chosen article by its title: its body and search
            # vector, the article's bulk, stay in the database.
            kwargs.setdefault("queryset", Article._default_manager.defer("body", "search_vector"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return ClaimChangeList

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        transition = path(
            "<path:object_id>/transition/",
            self.admin_site.admin_view(self.transition_view),
            name="{}_{}_transition".format(*info),
        )
        return [transition, *super().get_urls()]

    def get_search_results(self, request, queryset, search_term):
        """The search box matches like the API's ``?q=``: full-text over statement, claimant and
        quote (web-search syntax), through the search index rather than a scan of every row."""
        term = search_term.strip()[:500]
        if not term:
            return queryset, False
        return queryset.filter(search_vector=web_search_query(term)), False

    def has_change_permission(self, request, obj=None):
        """A claim with a verdict is shown read-only: the service refuses its edits until it is
        reopened, so the page does not offer them."""
        if obj is not None and obj.has_verdict:
            return False
        return super().has_change_permission(request, obj)

    # Columns and read-only fields -------------------------------------------------------

    @admin.display(
        description=mark_safe('<input type="checkbox" id="action-toggle" aria-label="Select all claims">')
    )
    def action_checkbox(self, obj):
        """The row's selection box, written out: Django renders it through a widget template,
        which was a third of the list's time."""
        return format_html(ROW_CHECKBOX, helpers.ACTION_CHECKBOX_NAME, obj.pk)

    @admin.display(description="Statement", ordering="statement")
    def statement_short(self, obj):
        return format_html(
            '<span title="{}" data-statement>{}</span>',
            obj.statement,
            cut_at_word(obj.statement, STATEMENT_COLUMN_LENGTH),
        )

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return status_badge(obj.status)

    # Not sortable: ordering by a per-row subquery would compute it for every claim.
    @admin.display(description="Citations")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="Independent support", ordering="independent_support")
    def independent_support(self, obj):
        return obj.independent_support

    @admin.display(description="Last change")
    def last_change(self, obj):
        return obj.last_change

    # The evidence page ------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(self.evidence_context(request, obj))
            context["title"] = "Evidence (verdict given, read-only)" if obj.has_verdict else "Evidence"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def evidence_context(self, request, claim: Claim, form: "TransitionForm | None" = None) -> dict:
        """The evidence page's sections; a bounded number of queries, whatever the claim holds."""
        evidence = selectors.claim_evidence(claim=claim)
        moves = (
            services.claim_moves(claim=claim, actor=request.user)
            if super().has_change_permission(request)
            else []
        )
        if form is None:
            form = TransitionForm(moves=moves, auto_id="status_%s")
        entries = claim_history(claim=claim)
        known = {
            "article": {evidence.article.pk: evidence.article.title},
            "source": {citation.source_id: citation.source.title for citation in evidence.citations},
        }
        return {
            "evidence": evidence,
            "independence": origins_html(claim, provenance=evidence.provenance),
            "status_form": form,
            "status_options": form.options(evidence.stance_counts),
            "can_reopen": claim.has_verdict and Status.IN_REVIEW in {move.to for move in moves},
            "transition_url": claim_url(claim, "transition"),
            "history_url": claim_url(claim, "history"),
            "recent_history": history_rows(entries[:HISTORY_ON_EVIDENCE_PAGE], claim=claim, known=known),
            "history_count": len(entries),
            "current_status": status_badge(claim.status),
        }

    # Saving through the services --------------------------------------------------------

    def service_create(self, request, form):
        data = form.cleaned_data
        return services.claim_create(
            article=data["article"],
            statement=data["statement"],
            quote=data["quote"],
            quote_start=data.get("quote_start"),
            claimant=data.get("claimant") or "",
            claim_date=data.get("claim_date"),
            created_by=request.user,
        )

    def service_update(self, request, obj, form):
        return services.claim_update(
            claim=obj, data=self.changed_values(form, services.CLAIM_FIELDS), actor=request.user
        )

    def service_delete(self, request, obj):
        services.claim_delete(claim=obj, actor=request.user)

    def service_restore(self, request, obj):
        services.claim_restore(claim=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Citation:
            mark_nothing_saved(formset)  # the history inline is read-only
            return
        claim = form.instance
        formset.save(commit=False)  # fills new/changed/deleted_objects; writes nothing
        added = []
        # Adds before deletes, so a verdict's supporting citation can be replaced in one save.
        for citation in formset.new_objects:
            added.append(
                services.citation_add(
                    claim=claim,
                    source=citation.source,
                    role=citation.role,
                    stance=citation.stance,
                    quote=citation.quote,
                    locator=citation.locator,
                    note=citation.note,
                    added_by=request.user,
                )
            )
        formset.new_objects = added
        editable = ("source", *services.CITATION_EDITABLE)
        for citation, changed in formset.changed_objects:
            data = {name: getattr(citation, name) for name in changed if name in editable}
            services.citation_update(citation=citation, data=data, actor=request.user)
        for citation in formset.deleted_objects:
            services.citation_delete(citation=citation, actor=request.user)

    # The workflow -----------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """The admin's "History" page: the claim's history as the API gives it (the same
        selector), with who made each change and through which door. Read-only."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        page = Paginator(claim_history(claim=claim), HISTORY_PAGE_SIZE).get_page(request.GET.get("p"))
        page.object_list = history_rows(list(page.object_list), claim=claim)
        context = {
            **self.admin_site.each_context(request),
            "title": "History",
            "subtitle": str(claim),
            "opts": self.opts,
            "original": claim,
            "page": page,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/claims/claim/history.html", context)

    def transition_view(self, request, object_id):
        """The one page that changes a claim's status (the evidence page's form posts here);
        the service decides who may. A refusal shows the form again with what was typed."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        # Model-wide: a claim with a verdict is read-only, but may still be reopened.
        if not super().has_change_permission(request):
            raise PermissionDenied
        moves = services.claim_moves(claim=claim, actor=request.user)
        form = TransitionForm(request.POST or None, moves=moves, auto_id="status_%s")
        if request.method == "POST" and form.is_valid():
            before = claim.status
            try:
                change = services.claim_transition(
                    claim=claim,
                    to=form.cleaned_data["status"],
                    rationale=form.cleaned_data["rationale"],
                    actor=request.user,
                )
            except Forbidden as error:
                form.add_error("status", error.message)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                label = Status(change.to_status).label
                self.log_change(request, claim, f"Changed status from {Status(before).label} to {label}.")
                self.message_user(request, f"The claim is now {label}.", messages.SUCCESS)
                return HttpResponseRedirect(claim_url(claim))
        context = {
            **self.admin_site.each_context(request),
            **self.evidence_context(request, claim, form),
            "title": "Change status",
            "subtitle": str(claim),
            "opts": self.opts,
            "original": claim,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/claims/claim/transition.html", context)

    def _transition_each(self, request, queryset, *, to: str, rationale: str) -> None:
        """Each claim goes through the service on its own; one refusal does not stop the rest."""
        changed, refused = 0, []
        for claim in queryset.order_by("pk"):
            before = claim.status
            try:
                services.claim_transition(claim=claim, to=to, rationale=rationale, actor=request.user)
            except DomainError as error:
                refused.append(f"#{claim.pk} “{claim}”: {error.message}")
            else:
                changed += 1
                self.log_change(
                    request, claim, f"Changed status from {Status(before).label} to {Status(to).label}."
                )
        if changed:
            noun = "claim" if changed == 1 else "claims"
            self.message_user(request, f"Moved {changed} {noun} to {Status(to).label}.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"Not changed ({len(refused)}): " + " ".join(refused), messages.ERROR)

    @admin.action(permissions=["change"], description="Move to in review")
    def move_to_in_review(self, request, queryset):
        self._transition_each(request, queryset, to=Status.IN_REVIEW, rationale="")

    @admin.action(permissions=["change"], description="Give or reopen a verdict…")
    def transition_selected(self, request, queryset):
        form = BulkTransitionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._transition_each(
                request, queryset, to=form.cleaned_data["status"], rationale=form.cleaned_data["rationale"]
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Give or reopen a verdict",
            "subtitle": None,
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action_name": "transition_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/claims/claim/transition_selected.html", context)


@admin.register(StatusChange)
class StatusChangeAdmin(PolicyPermissions, admin.ModelAdmin):
    """The verification history, read-only for everyone."""

    may_view = staticmethod(policies.can_view_status_history)

    list_display = ("changed_at", "claim", "from_status", "to_status", "changed_by")
    list_filter = ("to_status", "from_status")
    list_select_related = ("claim", "changed_by")
    search_fields = ("claim__statement", "rationale")
    fields = ("claim", "from_status", "to_status", "rationale", "changed_by", "changed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
