"""Admin for reviewers: articles, claims with their citations and history, and the workflow.

Every write goes through ``claims.services`` (see ``ServiceModelAdmin``). A claim's status
is never a form field: it changes on the claim's "Change status" page or through the two
list actions, all of which call ``claim_transition`` with the signed-in user as the actor.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from claims import selectors, services
from claims.admin_same_claim import ConfirmedEquivalentsAdminMixin
from claims.history import HistoryEntry, HistoryKind, claim_history
from claims.models import Article, Citation, Claim, Status, StatusChange
from claims.provenance import origins_html
from config.errors import DomainError, Forbidden
from sources.admin import ServiceModelForm, TrashModelAdmin, add_domain_errors
from sources.models import Publisher

STATUS_COLOURS = {
    Status.UNVERIFIED: "#6c757d",
    Status.IN_REVIEW: "#0b5ed7",
    Status.VERIFIED: "#198754",
    Status.PARTLY_VERIFIED: "#5c8a00",
    Status.DISPUTED: "#c85a00",
    Status.REFUTED: "#c82333",
    Status.UNVERIFIABLE: "#6f42c1",
}


def status_badge(status: str):
    return format_html(
        '<span class="claim-status claim-status-{}" style="background:{};color:#fff;padding:2px 8px;'
        'border-radius:9px;white-space:nowrap">{}</span>',
        status,
        STATUS_COLOURS.get(status, "#6c757d"),
        Status(status).label if status in Status.values else status,
    )


def citation_count_subquery() -> Coalesce:
    counts = Citation.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("id"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), Value(0))


def claim_url(claim: Claim, action: str = "change") -> str:
    return reverse(f"admin:claims_claim_{action}", args=[quote(claim.pk)])


def mark_nothing_saved(formset) -> None:
    """A read-only inline saves nothing; the change message still reads these lists."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


HISTORY_PAGE_SIZE = 100


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def history_row(entry: HistoryEntry) -> dict:
    """An entry of ``claims.history.claim_history`` as the admin's history page shows it."""
    return {
        "entry": entry,
        "label": HistoryKind(entry.kind).label,
        "from_badge": status_badge(entry.from_status) if entry.from_status else "",
        "to_badge": status_badge(entry.to_status) if entry.to_status else "",
        "changes": [
            (
                name,
                _shown(change["before"]) if "before" in change else None,
                _shown(change["after"]) if "after" in change else None,
            )
            for name, change in entry.changes.items()
        ],
    }


# Filters ----------------------------------------------------------------------------


class _PublisherFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        publishers = Publisher.objects.order_by("name", "id").values_list("id", "name")
        return [(str(pk), name) for pk, name in publishers]

    def publisher_id(self) -> int | None:
        value = self.value()
        return int(value) if value and value.isdigit() else None


class ArticlePublisherFilter(_PublisherFilter):
    """Claims made in an article from this publisher."""

    title = "article's publisher"
    parameter_name = "article_publisher"

    def queryset(self, request, queryset):
        publisher_id = self.publisher_id()
        if publisher_id is None:
            return queryset
        return queryset.filter(article__publisher_id=publisher_id)


class CitedPublisherFilter(_PublisherFilter):
    """Claims citing at least one source from this publisher (EXISTS, so no duplicate rows)."""

    title = "cited publisher"
    parameter_name = "cited_publisher"

    def queryset(self, request, queryset):
        publisher_id = self.publisher_id()
        if publisher_id is None:
            return queryset
        cites = Citation.objects.filter(claim=OuterRef("pk"), source__publisher_id=publisher_id)
        return queryset.filter(Exists(cites))


# Forms --------------------------------------------------------------------------------


class ClaimForm(ServiceModelForm):
    quote_start = forms.IntegerField(
        required=False,
        min_value=0,
        label="Quote start",
        help_text="Leave empty to find the quote in the article body; give the offset only when "
        "the quote occurs more than once.",
    )


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=Status.choices)
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
        help_text="Why the status changes. Required to give or reopen a verdict.",
    )

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["status"].choices = [(v, label) for v, label in Status.choices if v != current]


class BulkTransitionForm(TransitionForm):
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Recorded on every claim changed.",
    )


# Inlines ------------------------------------------------------------------------------


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    fields = ("source", "role", "stance", "quote", "locator", "note", "added_by", "added_at")
    readonly_fields = ("added_by", "added_at")
    autocomplete_fields = ("source",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "added_by")


class StatusChangeInline(admin.TabularInline):
    """The history, read-only: rows are written only by ``claim_transition``."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "rationale", "changed_by")
    readonly_fields = fields
    ordering = ("-changed_at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArticleClaimInline(admin.TabularInline):
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
    list_display = ("title", "publisher", "published_on", "claim_count", "updated_at")
    list_filter = ("publisher",)
    list_select_related = ("publisher",)
    search_fields = ("title", "byline", "url")
    autocomplete_fields = ("publisher",)
    fields = (*services.ARTICLE_FIELDS, "created_by", "created_at", "updated_at")
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = (ArticleClaimInline,)

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
        return services.article_update(article=obj, data=self.changed_values(form, services.ARTICLE_FIELDS))

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
    form = ClaimForm
    list_display = ("statement_short", "status_badge", "article", "claimant", "citation_count", "last_change")
    list_filter = ("status", "article", ArticlePublisherFilter, CitedPublisherFilter)
    list_select_related = ("article",)
    search_fields = ("statement", "quote", "claimant")
    autocomplete_fields = ("article",)
    fields = (
        "article", "statement", "quote", "quote_start", "quote_end", "claimant", "claim_date",
        "status_badge", "independent_origins", "created_by", "created_at", "updated_at",
    )  # fmt: skip
    readonly_fields = (
        "quote_end", "status_badge", "independent_origins", "created_by", "created_at", "updated_at",
    )  # fmt: skip
    inlines = (CitationInline, StatusChangeInline)
    actions = [*TrashModelAdmin.actions, "move_to_in_review", "transition_selected"]

    def get_queryset(self, request):
        latest_change = (
            StatusChange.objects.filter(claim=OuterRef("pk")).order_by("-changed_at").values("changed_at")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                citation_count=citation_count_subquery(),
                # PostgreSQL's GREATEST skips NULL, so claims without history show updated_at.
                last_change=Greatest("updated_at", Subquery(latest_change)),
            )
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        transition = path(
            "<path:object_id>/transition/",
            self.admin_site.admin_view(self.transition_view),
            name="{}_{}_transition".format(*info),
        )
        return [transition, *super().get_urls()]

    # Columns and read-only fields -------------------------------------------------------

    @admin.display(description="Statement", ordering="statement")
    def statement_short(self, obj):
        return str(obj)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        if obj.pk is None:
            return status_badge(obj.status)
        return format_html(
            '{} <a href="{}" class="claim-transition-link">Change status</a>',
            status_badge(obj.status),
            claim_url(obj, "transition"),
        )

    @admin.display(description="Citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="Independent origins")
    def independent_origins(self, obj):
        return origins_html(obj)

    @admin.display(description="Last change", ordering="last_change")
    def last_change(self, obj):
        return obj.last_change

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
        return services.claim_update(claim=obj, data=self.changed_values(form, services.CLAIM_FIELDS))

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
            services.citation_update(citation=citation, data=data)
        for citation in formset.deleted_objects:
            services.citation_delete(citation=citation)

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
        page.object_list = [history_row(entry) for entry in page.object_list]
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
        """The one page that changes a claim's status; the service decides who may."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        form = TransitionForm(request.POST or None, current=claim.status)
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
                self.message_user(request, error.message, messages.ERROR)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                label = Status(change.to_status).label
                self.log_change(request, claim, f"Changed status from {Status(before).label} to {label}.")
                self.message_user(request, f"The claim is now {label}.", messages.SUCCESS)
                return HttpResponseRedirect(claim_url(claim))
        context = {
            **self.admin_site.each_context(request),
            "title": "Change status",
            "subtitle": str(claim),
            "opts": self.opts,
            "original": claim,
            "current_status": status_badge(claim.status),
            "form": form,
            "history": selectors.claim_history(claim=claim)[:50],
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
class StatusChangeAdmin(admin.ModelAdmin):
    """The verification history, read-only for everyone."""

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
