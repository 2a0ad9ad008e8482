"""The sync feed: ``GET /api/v1/changes/?since=<cursor>`` returns every change to publishers,
sources, source reliance links, articles, claims, citations, status changes and same-claim links
after a position, in order and paged, with the record as the API shows it now. An application
mirrors Claimtrack by calling it again and again with the ``since`` it got last; it misses and
repeats nothing (core/change_log.py says why, and what holds the feed back).

The log itself (the table, the triggers' rows, reading a page of it) is core's; this endpoint
is the interchange's because it shows claims and sources as their own endpoints do.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.pagination import PageNumberPagination
from claims import rendering, selectors
from claims.models import StatusChange
from claims.same_claim_serializers import SameClaimLinkSerializer
from claims.serializers import ArticleSerializer, CitationSerializer, ClaimSerializer
from config.db_router import use_primary
from core.change_log import START, Change, ChangeOperation, ChangeType, Position, change_page
from sources.models import SourceReliance
from sources.selectors import publisher_list, source_list
from sources.serializers import PublisherSerializer, SourceSerializer


class StatusChangeFeedSerializer(serializers.ModelSerializer):
    """A step of a claim's verification history, as the feed shows it."""

    claim = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the claim that changed.")
    changed_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of whoever changed the status; null if unknown.",
    )

    class Meta:
        model = StatusChange
        fields = ["id", "claim", "from_status", "to_status", "rationale", "changed_by", "changed_at"]
        read_only_fields = fields


class SourceRelianceFeedSerializer(serializers.ModelSerializer):
    """One source relying on another, as the feed shows it."""

    id = serializers.IntegerField(read_only=True, help_text="Id of the link.")
    source = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the source that relies.")
    relies_on = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the source it relies on.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When the link was made.")

    class Meta:
        model = SourceReliance
        fields = ["id", "source", "relies_on", "created_at"]
        read_only_fields = fields


def _live_status_changes() -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(claim__deleted_at__isnull=True).select_related("changed_by")


def _live_reliance_links() -> QuerySet[SourceReliance]:
    return SourceReliance.objects.filter(source__deleted_at__isnull=True)


def _same_claim_links():
    return selectors.live_same_claim_links().select_related("created_by")


# Per type: the records the API shows (what is in the trash, or belongs to a claim in the
# trash, is not shown) with what their serializer needs, and that serializer. Claims are not
# here: claims.rendering writes them, as it does for their own endpoints.
RECORDS: dict[str, tuple[Callable[[], QuerySet], type[serializers.Serializer]]] = {
    ChangeType.PUBLISHER: (publisher_list, PublisherSerializer),
    ChangeType.SOURCE: (source_list, SourceSerializer),
    ChangeType.SOURCE_RELIANCE: (_live_reliance_links, SourceRelianceFeedSerializer),
    ChangeType.ARTICLE: (selectors.article_list, ArticleSerializer),
    ChangeType.CITATION: (selectors.citation_list, CitationSerializer),
    ChangeType.STATUS_CHANGE: (_live_status_changes, StatusChangeFeedSerializer),
    ChangeType.SAME_CLAIM_LINK: (_same_claim_links, SameClaimLinkSerializer),
}


def change_records(changes: Iterable[Change], *, context: dict) -> dict[tuple[str, int], dict]:
    """The current representation of every record the changes name, keyed by (type, id):
    one read per type (two where a list is prefetched), however many changes. A record that is
    gone or not shown has no key."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for change in changes:
        wanted[change.type].add(change.object_id)
    records = {}
    for type_name, ids in wanted.items():
        if type_name == ChangeType.CLAIM:  # as the claims endpoints render them
            shown = selectors.live_claims().filter(pk__in=ids).values_list("pk", flat=True)
            records.update(((type_name, claim["id"]), claim) for claim in rendering.claims_json(list(shown)))
            continue
        queryset, serializer_class = RECORDS[type_name]
        found = list(queryset().filter(pk__in=ids).order_by())
        for record, data in zip(found, serializer_class(found, many=True, context=context).data, strict=True):
            records[type_name, record.pk] = data
    return records


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="ChangedRecord",
        serializers=[
            PublisherSerializer,
            SourceSerializer,
            SourceRelianceFeedSerializer,
            ArticleSerializer,
            ClaimSerializer,
            CitationSerializer,
            StatusChangeFeedSerializer,
            SameClaimLinkSerializer,
        ],
        resource_type_field_name=None,
    )
)
class ChangedRecordField(serializers.JSONField):
    """The record as its own endpoint shows it; its shape depends on the entry's ``type``."""


class ChangeEntrySerializer(serializers.Serializer):
    position = serializers.CharField(
        help_text="The feed's position just after this change: give it as `since` to resume here."
    )
    type = serializers.ChoiceField(choices=ChangeType.choices, help_text="What kind of record changed.")
    id = serializers.IntegerField(help_text="The record's id.")
    operation = serializers.ChoiceField(
        choices=ChangeOperation.choices,
        help_text="`created`, `changed`, `trashed` (moved to the trash: hidden from the API until "
        "restored), `restored` (back from the trash), or `deleted` (for good: purged, or removed "
        "where there is no trash).",
    )
    changed_at = serializers.DateTimeField(
        help_text="When the change was written. The feed is not ordered by this time but by "
        "transaction (in the order transactions first wrote), then by the order of the writes in it."
    )
    data = ChangedRecordField(
        allow_null=True,
        help_text="The record as its endpoint shows it *now* (not as it was at this change), in the "
        "shape of `type`: Publisher, Source, SourceReliance (`id`, `source`, `relies_on`, "
        "`created_at`), Article, Claim, Citation, StatusChange (`id`, `claim`, `from_status`, "
        "`to_status`, `rationale`, `changed_by`, `changed_at`) or SameClaimLink (`id`, `claim_a`, "
        "`claim_b`, `note`, `created_by`, `created_at`, `version`). Null when the record is gone "
        "or hidden: deleted, in the trash, or belonging to a claim (or a source) in the trash.",
    )


@extend_schema_serializer(many=False)
class ChangePageSerializer(serializers.Serializer):
    next = serializers.URLField(
        help_text="URL of the next call: this one with `since` moved on. Never null: the feed "
        "goes on as records change; call it again (at once if `has_more`, later if not)."
    )
    since = serializers.CharField(
        help_text="The position after the last change on this page (the `since` you sent when the "
        "page is empty). Keep it, and send it as `since` next time."
    )
    has_more = serializers.BooleanField(
        help_text="Whether more changes are ready now. False once the mirror is up to date."
    )
    results = ChangeEntrySerializer(
        many=True, help_text="The changes after `since`, oldest first. One record may appear several times."
    )


class ChangeFeedViewSet(viewsets.GenericViewSet):
    """Readable by whoever may read the API; read-only."""

    page_titles = {"list": "Changes"}

    serializer_class = ChangePageSerializer
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "head", "options"]
    error_codes = ("400", "401", "403")

    def get_queryset(self):
        return Change.objects.none()  # the feed reads through core.change_log.change_page

    @extend_schema(
        summary="Every change since a position, in order: the sync feed",
        description=(
            "Every record created, changed, moved to the trash, restored or deleted (publishers, "
            "sources, source reliance links, articles, claims, citations, status changes, same-claim "
            "links), oldest "
            "first, each with the record as it is now. Start without `since`; then call again "
            "with the `since` (or follow the `next`) of the page before, for ever: nothing is "
            "missed or repeated, even when transactions commit out of order. A change appears "
            "once its transaction has committed and every transaction that started writing before "
            "it has ended, so a long-running transaction holds the feed back until it ends.\n\n"
            "To mirror: for each entry, store `data` under (`type`, `id`), or drop the record when "
            "`data` is null (deleted, or hidden: in the trash). `data` is the record as it is when "
            "the page is read, so applying the entries in order leaves the mirror up to date even "
            "when a record changed several times. The order is that of transactions, not of "
            "commits: a record may refer to one whose entry comes later."
        ),
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.STR,
                description="The `since` (or an entry's `position`) from an earlier page; leave it "
                "out to start from the beginning. Anything else is a 400.",
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description="Number of changes per page (1 to 200; default 50; more is capped).",
            ),
        ],
        responses={200: ChangePageSerializer},
    )
    def list(self, request):
        since = self._since(request)
        limit = PageNumberPagination().get_page_size(request)
        # Positions only ever grow on the primary; a replica lags behind it.
        with use_primary():
            page = change_page(since=since, limit=limit)
            records = change_records(page.changes, context=self.get_serializer_context())
        results = [
            {
                "position": change.position.encode(),
                "type": change.type,
                "id": change.object_id,
                "operation": change.operation,
                "changed_at": change.changed_at,
                "data": records.get((change.type, change.object_id)),
            }
            for change in page.changes
        ]
        cursor = page.next_position.encode()
        body = {
            "next": replace_query_param(request.build_absolute_uri(), "since", cursor),
            "since": cursor,
            "has_more": page.has_more,
            "results": results,
        }
        return Response(ChangePageSerializer(body).data)

    @staticmethod
    def _since(request) -> Position:
        raw = request.query_params.get("since", "")
        if raw == "":
            return START
        try:
            return Position.decode(raw)
        except ValueError:
            raise ValidationError(
                {"since": ["Not a position of this feed: give back a `since` or `position` it returned."]},
                code="invalid",
            ) from None
