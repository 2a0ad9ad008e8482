from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api.api_root import ClaimtrackRouter
from api.auth_views import AllTokensView, MeView, TokenView
from claims.export_views import ClaimReviewViewSet
from claims.views import ArticleViewSet, CitationViewSet, ClaimViewSet
from interchange.change_feed_views import ChangeFeedViewSet
from interchange.importing.views import ImportView
from interchange.trash_views import TrashViewSet
from sources.views import PublisherViewSet, SourceViewSet

router = ClaimtrackRouter()
router.register("publishers", PublisherViewSet, basename="publisher")
router.register("sources", SourceViewSet, basename="source")
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("citations", CitationViewSet, basename="citation")
router.register("claimreviews", ClaimReviewViewSet, basename="claimreview")
router.register("trash", TrashViewSet, basename="trash")
router.register("changes", ChangeFeedViewSet, basename="change")


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says; the icon is a static file."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("claimtrack/favicon.ico")


urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/", permanent=False)),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("api/v1/auth/token/", TokenView.as_view(), name="auth-token"),
    path("api/v1/auth/tokens/", AllTokensView.as_view(), name="auth-tokens"),
    path("api/v1/auth/me/", MeView.as_view(), name="auth-me"),
    path("api/v1/import/", ImportView.as_view(), name="import"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:
    # The benchmark's hand-written reference (benchmarks/reference.py); off unless asked for.
    urlpatterns.append(path("bench/", include("benchmarks.urls")))

handler400 = "api.error_views.bad_request"
handler403 = "api.error_views.permission_denied"
handler404 = "api.error_views.not_found"
handler500 = "api.error_views.server_error"
