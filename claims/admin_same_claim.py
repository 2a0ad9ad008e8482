"""The claim's confirmed equivalents on its admin page, read-only: recording and removing them
is done through the API (``/api/v1/claims/{id}/same-as/``), where the services' rules hold."""

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from claims import selectors
from claims.models import Claim

FIELD = "confirmed_equivalents"


class ConfirmedEquivalentsAdminMixin:
    """Adds a read-only "Confirmed equivalents" field to the claim's change page (one query)."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields, FIELD] if obj is not None and FIELD not in fields else fields

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), FIELD)

    @admin.display(description="Confirmed equivalents")
    def confirmed_equivalents(self, obj: Claim):
        if obj is None or obj.pk is None:
            return "—"
        links = list(selectors.same_claim_links_of(claim_id=obj.pk))
        if not links:
            return "None recorded."
        rows = (
            (
                reverse("admin:claims_claim_change", args=[quote((other := link.other_claim(obj.pk)).pk)]),
                other.pk,
                str(other),
                other.article.title,
                link.created_by.username if link.created_by else "unknown",
                link.created_at.strftime("%Y-%m-%d %H:%M"),
                f" — {link.note}" if link.note else "",
            )
            for link in links
        )
        return format_html(
            '<ul class="confirmed-equivalents" style="margin:0;padding-left:1em">{}</ul>',
            format_html_join(
                "",
                '<li data-claim="{1}"><a href="{0}">#{1} {2}</a> ({3}); recorded by {4} on {5}{6}</li>',
                rows,
            ),
        )
