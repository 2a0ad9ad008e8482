from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnDict

from api.pagination import KeysetPagination, PageNumberPagination
from api.permissions import ReviewersOnly
from api.raw_json import RawJSON
from api.renderers import render_form
from api.schema import ErrorSerializer
from api.viewsets import ServiceModelViewSet
from claims import policies, rendering, selectors, services
from claims.export_views import ClaimExportsMixin
from claims.filters import ArticleFilter, CitationFilter, ClaimFilter
from claims.history import claim_history, parse_as_of
from claims.matching_serializers import ClaimCreatedSerializer, ClaimMatchTextSerializer
from claims.matching_views import ClaimMatchingMixin
from claims.models import Claim, Status
from claims.provenance import ClaimProvenanceSerializer, claim_provenance
from claims.reading import reading_panel
from claims.same_claim_views import ClaimSameAsMixin
from claims.serializers import (
    ArticleListSerializer,
    ArticleSerializer,
    ArticleWriteSerializer,
    CitationSerializer,
    CitationWriteSerializer,
    ClaimHistoryEntrySerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    TransitionOptionsSerializer,
    TransitionSerializer,
)
from core.concurrency import etag_for, expected_version, sent_value
from core.idempotency import idempotent


def transition_options(*, claim: Claim, actor) -> dict:
    """The claim's status, version and the moves ``actor`` may make (``services.claim_moves``)."""
    labels = dict(Status.choices)
    moves = [
        {
            "status": move.to,
            "label": labels[move.to],
            "rationale_required": move.needs_rationale,
            "citation_stance_required": move.needs_stance,
            "text": move.text,
        }
        for move in services.claim_moves(claim=claim, actor=actor)
    ]
    return {"status": claim.status, "version": claim.version, "moves": moves}


def transition_help(options: dict) -> str:
    """The transition form's words on what each offered move needs."""
    labels = dict(Status.choices)
    if not options["moves"]:
        return f"The claim is {labels[options['status']]}; your role may not move it from there."
    parts = [f"Now {labels[options['status']]}."]
    parts.extend(f"{move['label']}: {move['text']}" for move in options["moves"])
    return " ".join(parts)


@extend_schema_view(
    list=extend_schema(summary="List articles"),
    retrieve=extend_schema(summary="Get an article with its full body"),
    create=extend_schema(summary="Create an article"),
    update=extend_schema(summary="Replace an article (claims stay anchored or the edit is refused)"),
    partial_update=extend_schema(summary="Edit an article (claims stay anchored or the edit is refused)"),
    destroy=extend_schema(
        summary="Move an article to the trash (refused while it has claims not in the trash)"
    ),
)
class ArticleViewSet(ServiceModelViewSet):
    page_titles = {"list": "Articles", "retrieve": "Article #{pk}", "restore": "Restore article #{pk}"}
    page_record_label = "title"
    read_serializer_class = ArticleSerializer
    write_serializer_class = ArticleWriteSerializer
    filterset_class = ArticleFilter
    search_fields = ["title", "byline", "url", "publisher__name"]
    search_vectors = ["search_vector"]
    search_rank_vector = "search_vector"
    ordering_fields = ["created_at", "updated_at", "published_on", "title", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.article_list().defer("body")
        return selectors.article_detail()

    def get_object(self):
        # The reading panel shows the article the page read: read once per request.
        if self.request.method != "GET":
            return super().get_object()
        if getattr(self, "_article", None) is None:
            self._article = super().get_object()
        return self._article

    def etag(self, instance) -> str:
        # The article's page shows its claims: their changes change its ETag (writes still
        # check the article's own version).
        state = getattr(instance, "claims_state", None)
        if state is None:  # an article not read through selectors.article_detail()
            state = selectors.article_detail().values_list("claims_state", flat=True).get(pk=instance.pk)
        return etag_for(instance, state=state)

    def browsable_panels(self, *, request, response) -> list[dict]:
        """The reading view above an article's JSON in the browsable API."""
        if self.action != "retrieve" or response.status_code != 200:
            return []
        return [reading_panel(article=self.get_object(), user=request.user)]

    def get_serializer_class(self):
        # A list leaves the bodies out (each up to 500,000 characters); the detail has them.
        if self.action == "list":
            return ArticleListSerializer
        return super().get_serializer_class()

    def perform_service_create(self, data):
        return services.article_create(created_by=self.request.user, **data)

    def perform_service_update(self, instance, data, *, expected_version):
        return services.article_update(
            article=instance, data=data, actor=self.request.user, expected_version=expected_version
        )

    def perform_service_delete(self, instance, *, expected_version):
        services.article_delete(article=instance, actor=self.request.user, expected_version=expected_version)

    @extend_schema(
        summary="Restore an article from the trash",
        description="Reviewers only. 404 if the article is not in the trash.",
        request=None,
        responses={200: ArticleSerializer},
    )
    @action(detail=True, methods=["post"], url_path="restore", permission_classes=[ReviewersOnly])
    def restore(self, request, pk=None):
        article = get_object_or_404(selectors.trashed_articles(), pk=pk)
        return self.read_response(services.article_restore(article=article, actor=request.user))


def sent_quote_end(request) -> int | None:
    """The ``quote_end`` a client still sends: read-only in ``ClaimWriteSerializer``, so DRF
    drops it, but a wrong one must not pass silently. The service compares it with the derived
    end (``claims.anchoring.anchor_quote``): the same value is ignored, another is a 400."""
    return sent_value(request, "quote_end", serializers.IntegerField(min_value=0))


@extend_schema_view(
    list=extend_schema(summary="List claims with their article, citations and status"),
    retrieve=extend_schema(
        summary="Get a claim, now or as it stood at a given moment",
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATETIME,
                description="Show the claim as it stood at this moment (ISO 8601 with a time zone, "
                "e.g. `2024-05-01T12:00:00Z`), status and citations included, rebuilt from its "
                "history. 404 if the claim did not exist then or was in the trash; a moment in "
                "the future gives the current state. Sources and the article are shown as they "
                "are today.",
            )
        ],
        responses={
            200: ClaimSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`as_of` is not an ISO 8601 timestamp with a time zone.",
            ),
        },
    ),
    create=extend_schema(
        summary="Record a claim anchored on its exact quote",
        description="The answer lists the claim's `likely_duplicates`: claims already recorded, in any "
        "article, that probably state the same thing (see `POST /api/v1/claims/match/`).",
        responses={201: ClaimCreatedSerializer},
    ),
    update=extend_schema(summary="Replace a claim (refused while it has a verdict)"),
    partial_update=extend_schema(summary="Edit a claim (refused while it has a verdict)"),
    destroy=extend_schema(summary="Move a claim to the trash, with its citations and history"),
)
class ClaimViewSet(ClaimSameAsMixin, ClaimMatchingMixin, ClaimExportsMixin, ServiceModelViewSet):
    page_titles = {
        "list": "Claims",
        "retrieve": "Claim #{pk}",
        "similar": "Claims like #{pk}",
        "match": "Match a text against the claims",
        "transition": "Change the status of claim #{pk}",
        "history": "History of claim #{pk}",
        "provenance": "Provenance of claim #{pk}",
        "restore": "Restore claim #{pk}",
        "same_as": "Claims recorded as the same as #{pk}",
        "same_as_remove": "Claims #{pk} and #{other_id} recorded as the same",
        "claimreview": "Claim #{pk} as a ClaimReview",
        "annotation": "Claim #{pk} as a W3C annotation",
        "export": "Export the claims",
    }
    read_serializer_class = ClaimSerializer
    write_serializer_class = ClaimWriteSerializer
    filterset_class = ClaimFilter
    search_fields = ["statement", "quote", "claimant", "article__title"]
    search_vectors = ["search_vector"]
    search_rank_vector = "search_vector"
    ordering_fields = ["created_at", "updated_at", "claim_date", "status", "claimant", "id"]
    ordering = ["-created_at", "-id"]
    pagination_class = KeysetPagination
    browsable_forms_keep_values = ("match",)
    browsable_get_forms = ("match",)

    def get_queryset(self):
        if self.action == "history":
            # The history page needs the claim only to check it exists.
            return selectors.live_claims()
        if self.action == "list":
            # The page is chosen on the ordering's columns; claims.rendering reads what it shows.
            return selectors.live_claims().only("id", *self.ordering_fields)
        return selectors.claim_rows()

    def representation(self, instance):
        (data,) = rendering.claims_json([instance.pk])
        return self._shown(data, instance)

    def _shown(self, data: dict, claim: Claim) -> ReturnDict:
        # The browsable API edits the record it finds as ``data.serializer.instance``.
        return ReturnDict(data, serializer=ClaimSerializer(claim, context=self.get_serializer_context()))

    def get_serializer_class(self):
        if self.action == "transition":
            return TransitionSerializer
        if self.action == "match":
            return ClaimMatchTextSerializer
        if self.action == "history":
            return ClaimHistoryEntrySerializer
        return super().get_serializer_class()

    def retrieve(self, request, *args, **kwargs):
        raw = request.query_params.get("as_of")
        if raw is None:
            return super().retrieve(request, *args, **kwargs)
        as_of = parse_as_of(raw)
        claim = self.get_object()
        if as_of >= timezone.now():
            return super().retrieve(request, *args, **kwargs)
        data = rendering.claim_as_of_json(claim_id=claim.pk, at=as_of)
        if data is None:
            raise NotFound(f"The claim did not exist at {as_of.isoformat()}.")
        # No ETag: a past state is not something to base an edit on. The browsable API's edit
        # form is the claim's as it is now: an edit applies to that.
        return Response(self._shown(data, claim))

    def perform_service_create(self, data):
        return services.claim_create(
            created_by=self.request.user, quote_end=sent_quote_end(self.request), **data
        )

    def perform_service_update(self, instance, data, *, expected_version):
        sent = sent_quote_end(self.request)
        data = data if sent is None else {**data, "quote_end": sent}
        return services.claim_update(
            claim=instance, data=data, actor=self.request.user, expected_version=expected_version
        )

    def perform_service_delete(self, instance, *, expected_version):
        services.claim_delete(claim=instance, actor=self.request.user, expected_version=expected_version)

    @extend_schema(
        summary="Restore a claim from the trash",
        description=(
            "Reviewers only. 404 if the claim is not in the trash; 409 while its article or a "
            "source it cites is in the trash (restore those first)."
        ),
        request=None,
        responses={200: ClaimSerializer},
    )
    @action(detail=True, methods=["post"], url_path="restore", permission_classes=[ReviewersOnly])
    def restore(self, request, pk=None):
        claim = get_object_or_404(selectors.trashed_claims(), pk=pk)
        return self.read_response(services.claim_restore(claim=claim, actor=request.user))

    @extend_schema(
        methods=["GET"],
        summary="The status moves you may make on a claim",
        description=(
            "The claim's current status and version, and the statuses you (with your role) may move "
            "it to, each saying whether it needs a `rationale` and which citation stance the claim "
            "must have. Send one of them to `POST` on this address."
        ),
        request=None,
        responses={200: TransitionOptionsSerializer},
    )
    @extend_schema(
        methods=["POST"],
        summary="Change a claim's verification status",
        description=(
            "Researchers move a claim between `unverified` and `in_review`. Only reviewers give a "
            "verdict (`verified`, `partly_verified`, `disputed`, `refuted`, `unverifiable`) or reopen "
            "one, and always with a `rationale`. `verified` and `partly_verified` need a citation "
            "that supports the claim; `refuted` one that contradicts it. The claim and its history "
            "row are written in one transaction. Like an edit, it names the claim's version it is "
            "based on (`If-Match` or `version`). `GET` on this address lists the moves you may make."
        ),
        request=TransitionSerializer,
        responses={200: ClaimSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="transition")
    def transition(self, request, pk=None):
        """Move the claim to another status. The form below offers only the moves your role
        allows from the claim's current status, and says what each verdict needs."""
        if request.method == "GET":
            claim = self.get_object()
            return Response(transition_options(claim=claim, actor=request.user))
        return self._transition(request, pk=pk)

    transition.requires_version = True
    transition.idempotent = True

    @idempotent
    def _transition(self, request, pk=None):
        claim = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, claim)
        services.claim_transition(
            claim=claim,
            to=serializer.validated_data["status"],
            rationale=serializer.validated_data["rationale"],
            actor=request.user,
            expected_version=expected,
        )
        return self.read_response(claim)

    def browsable_panels(self, *, request, response) -> list[dict]:
        """The claim page offers to cite a source (api/renderers.py renders the form); the
        similar page has a form of its query parameters."""
        if self.action == "similar":
            return self.similar_panels(request=request, response=response)
        if self.action != "retrieve" or response.status_code != 200 or "as_of" in request.query_params:
            return []
        if not policies.can_add_citation(request.user):
            return []
        claim = getattr(getattr(response.data, "serializer", None), "instance", None) or self.get_object()
        blank = CitationWriteSerializer(context=self.get_serializer_context())
        form = render_form(blank, omit=("claim", "version"), name="cite")
        return [
            {
                "template": "claims/browsable/cite_panel.html",
                "claim": claim,
                "status_label": claim.get_status_display(),
                "article_url": reverse("article-detail", args=[claim.article_id]),
                "transition_url": reverse("claim-transition", args=[claim.pk]),
                "action": reverse("citation-list"),
                "form": form,
            }
        ]

    def browsable_form_serializer(self, *, method, instance, data):
        """The browsable API's transition form offers only the moves the user may make."""
        if self.action != "transition" or method != "POST":
            return NotImplemented
        claim = instance if isinstance(instance, Claim) else self.get_object()
        serializer = TransitionSerializer(data=data) if data is not None else TransitionSerializer()
        options = transition_options(claim=claim, actor=self.request.user)
        serializer.fields["status"].choices = [(move["status"], move["label"]) for move in options["moves"]]
        serializer.fields["status"].help_text = transition_help(options)
        if data is None:
            serializer.fields["version"].initial = claim.version
        return serializer

    @extend_schema(
        summary="A claim's history, newest first",
        description=(
            "Every status change, every edit of the claim and of its citations (created, "
            "changed, removed, deleted, restored), and every same-claim link of the claim recorded "
            "or removed (`same_as` names the other claim), with who made it, when, through which door "
            "(`api`, `admin`, `command`) and the values before and after. Recorded by database "
            "triggers, so no way of writing escapes it; read-only."
        ),
        responses={200: ClaimHistoryEntrySerializer(many=True)},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="history",
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def history(self, request, pk=None):
        claim = self.get_object()
        page = self.paginate_queryset(claim_history(claim=claim))
        serializer = ClaimHistoryEntrySerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="A claim's provenance: its citations, the chains behind them and their origins",
        description=(
            "Each citation with the chain of sources behind its source (followed through "
            "`relies_on` to the end) as one graph (`nodes`, `edges`, `depth`), the origins the "
            "chains end at (sources that rely on nothing further; a source relying on nothing is "
            "its own origin), and `independence`: how many independent origins support and "
            "contradict the claim. Origins count once per publisher (one without a publisher counts "
            "on its own), so ten articles repeating one press release count as one. Context "
            "citations count for neither side; an origin reached by a supporting and a "
            "contradicting citation counts on both. The counts are those of the claim's "
            "`independent_support` and `independent_contradiction`. 404 for a claim in the trash."
        ),
        responses={200: ClaimProvenanceSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="provenance", filter_backends=[], pagination_class=None)
    def provenance(self, request, pk=None):
        claim = get_object_or_404(selectors.live_claims(), pk=pk)
        return Response(ClaimProvenanceSerializer(claim_provenance(claim=claim)).data)

    # Last in the class: below it, ``list`` in an annotation would name this method. No docstring:
    # the schema would show it. The filters and the cursor choose the page's claims, then
    # PostgreSQL writes their JSON, which goes to the client as it is.
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(RawJSON(rendering.claims_json_text([claim.pk for claim in page])))


@extend_schema_view(
    list=extend_schema(summary="List citations"),
    retrieve=extend_schema(summary="Get a citation"),
    create=extend_schema(summary="Cite a source for a claim"),
    update=extend_schema(summary="Replace a citation's role, stance and text"),
    partial_update=extend_schema(summary="Edit a citation's role, stance or text"),
    destroy=extend_schema(summary="Remove a citation (refused if a verdict rests on it)"),
)
class CitationViewSet(ServiceModelViewSet):
    page_titles = {"list": "Citations", "retrieve": "Citation #{pk}"}
    read_serializer_class = CitationSerializer
    write_serializer_class = CitationWriteSerializer
    filterset_class = CitationFilter
    search_fields = ["quote", "note", "locator", "source__title"]
    ordering_fields = ["added_at", "updated_at", "id"]
    ordering = ["added_at", "id"]
    pagination_class = KeysetPagination

    def get_queryset(self):
        return selectors.citation_list()

    def perform_service_create(self, data):
        return services.citation_add(added_by=self.request.user, **data)

    def perform_service_update(self, instance, data, *, expected_version):
        return services.citation_update(
            citation=instance, data=data, actor=self.request.user, expected_version=expected_version
        )

    def perform_service_delete(self, instance, *, expected_version):
        services.citation_delete(
            citation=instance, actor=self.request.user, expected_version=expected_version
        )
