"""The benchmark's conventional peer: the first page of the claims list as DRF's documentation
would have it written.

The same rows and JSON as ``GET /api/v1/claims/?page_size=50`` (live claims, newest first,
each with its article in brief, its creator's username and its citations with their source,
the source's publisher and who added them), from plain ``ModelSerializer`` classes over a
queryset with ``select_related``/``prefetch_related`` (three queries: the page, its
citations with sources, publishers and users, and the token), paged by DRF's own
``CursorPagination``, behind the project's authentication, permissions and throttles. The
benchmark reports its time beside the API's and the hand-written reference's
(benchmarks/reference.py): the price of the textbook way, which claims.rendering avoids.
``tests/benchmarks/test_conventional.py`` checks that its ``results`` equal the API's.
"""

from django.db.models import Prefetch
from rest_framework import generics, pagination, serializers
from rest_framework.renderers import JSONRenderer

from claims.models import Article, Citation, Claim
from claims.serializers import ArticleSummarySerializer, ClaimCitationSerializer, ClaimSerializer
from sources.models import Source
from sources.serializers import SourceSummarySerializer

PAGE_SIZE = 50


class PeerSourceSerializer(serializers.ModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", default=None, read_only=True)

    class Meta:
        model = Source
        fields = SourceSummarySerializer.Meta.fields


class PeerCitationSerializer(serializers.ModelSerializer):
    source = PeerSourceSerializer(read_only=True)
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Citation
        fields = ClaimCitationSerializer.Meta.fields


class PeerArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ArticleSummarySerializer.Meta.fields


class PeerClaimSerializer(serializers.ModelSerializer):
    article = PeerArticleSerializer(read_only=True)
    citation_count = serializers.SerializerMethodField()
    citations = PeerCitationSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Claim
        fields = ClaimSerializer.Meta.fields  # the API's fields, the contract's list

    def get_citation_count(self, claim: Claim) -> int:
        return len(claim.citations.all())


class PeerPagination(pagination.CursorPagination):
    page_size = PAGE_SIZE
    ordering = ("-created_at", "-id")


class ConventionalClaimList(generics.ListAPIView):
    """``GET``: ``{"next", "previous", "results"}``, the first page of claims the textbook way."""

    serializer_class = PeerClaimSerializer
    pagination_class = PeerPagination
    renderer_classes = [JSONRenderer]
    filter_backends: list = []  # the page has no filters
    schema = None  # not part of the API's schema

    def get_queryset(self):
        citations = Citation.objects.select_related("source__publisher", "added_by")
        return (
            Claim.objects.filter(deleted_at__isnull=True)
            .select_related("article", "created_by")
            .prefetch_related(Prefetch("citations", queryset=citations.order_by("added_at", "id")))
        )


conventional_claims = ConventionalClaimList.as_view()
