"""The browsable API's renderer: DRF's, with the project's name and room for page panels.

A view may define ``browsable_panels(*, request, response) -> list[dict]``; each panel is a
dict with a ``template`` (rendered above the response, in order) and whatever context that
template needs. JSON clients never see panels: they exist only in the HTML rendering.
"""

from rest_framework.renderers import BrowsableAPIRenderer


class ClaimtrackBrowsableAPIRenderer(BrowsableAPIRenderer):
    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        view = renderer_context["view"]
        panels = getattr(view, "browsable_panels", None)
        context["page_panels"] = (
            panels(request=renderer_context["request"], response=renderer_context["response"])
            if panels
            else []
        )
        return context
