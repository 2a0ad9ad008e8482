"""The API root: what Claimtrack is, and links to what the signed-in user may use."""

from django.urls import NoReverseMatch, reverse
from rest_framework import routers
from rest_framework.response import Response

from core.roles import is_researcher


class ClaimtrackAPIRootView(routers.APIRootView):
    """Claimtrack records the claims an article makes, each anchored on its exact quote, the
    sources cited for each claim and how those sources rely on each other, and a verification
    status with its full history. The links below are what your account may use: a browser gets
    pages like this one, an application JSON (with the header "Authorization: Token" and its key)."""

    registry: tuple = ()

    def get_view_name(self) -> str:
        return "Claimtrack API"

    def _may_read(self, viewset, request) -> bool:
        view = viewset()
        view.request, view.action, view.format_kwarg = request, "list", None
        return all(permission().has_permission(request, view) for permission in viewset.permission_classes)

    def get(self, request, *args, **kwargs):
        links = {}
        readable = {basename for _, viewset, basename in self.registry if self._may_read(viewset, request)}
        for prefix, url_name in self.api_root_dict.items():
            basename = url_name.rsplit("-", 1)[0]
            if basename not in readable:
                continue
            try:
                links[prefix] = request.build_absolute_uri(reverse(url_name))
            except NoReverseMatch:
                continue
        claims = reverse("claim-list")
        links["claims_in_review"] = request.build_absolute_uri(f"{claims}?status=in_review")
        links["match"] = request.build_absolute_uri(reverse("claim-match"))
        if is_researcher(request.user):
            links["import"] = request.build_absolute_uri(reverse("import"))
        links["me"] = request.build_absolute_uri(reverse("auth-me"))
        links["docs"] = request.build_absolute_uri(reverse("swagger-ui"))
        links["redoc"] = request.build_absolute_uri(reverse("redoc"))
        links["schema"] = request.build_absolute_uri(reverse("schema"))
        if request.user.is_staff:
            links["admin"] = request.build_absolute_uri(reverse("admin:index"))
        return Response(links)


class ClaimtrackRouter(routers.DefaultRouter):
    APIRootView = ClaimtrackAPIRootView

    def get_api_root_view(self, api_urls=None):
        api_root_dict = {
            prefix: self.routes[0].name.format(basename=basename) for prefix, _, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict=api_root_dict, registry=tuple(self.registry))
