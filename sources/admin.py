"""Admin for publishers and sources (the plumbing every admin shares is core/admin.py)."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple

from core.admin import ServiceModelAdmin, ServiceModelForm, TrashModelAdmin
from sources import policies, services
from sources.models import Publisher, Source

# Publishers and sources -----------------------------------------------------------------


class PublisherForm(ServiceModelForm):
    def clean_country(self) -> str:
        # The service stores countries upper case; do it before the model's ISO check runs.
        return self.cleaned_data["country"].upper()


@admin.register(Publisher)
class PublisherAdmin(ServiceModelAdmin):
    form = PublisherForm
    may_add = staticmethod(policies.can_create_publisher)
    may_change = staticmethod(policies.can_edit_publisher)
    may_delete = staticmethod(policies.can_delete_publisher)
    list_display = ("name", "kind", "country", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind", "country", "url", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")

    def service_create(self, request, form):
        return services.publisher_create(
            actor=request.user, **{name: form.cleaned_data[name] for name in services.PUBLISHER_FIELDS}
        )

    def service_update(self, request, obj, form):
        return services.publisher_update(
            publisher=obj, data=self.changed_values(form, services.PUBLISHER_FIELDS), actor=request.user
        )

    def service_delete(self, request, obj):
        services.publisher_delete(publisher=obj, actor=request.user)


@admin.register(Source)
class SourceAdmin(TrashModelAdmin):
    may_add = staticmethod(policies.can_create_source)
    may_change = staticmethod(policies.can_edit_source)
    may_delete = staticmethod(policies.can_delete_source)
    list_display = ("title", "kind", "publisher", "published_on", "identifier")
    list_filter = ("kind", "publisher")
    list_select_related = ("publisher",)
    search_fields = ("title", "identifier", "authors", "publisher__name")
    autocomplete_fields = ("publisher", "relies_on")
    # No explicit ``fields``: the admin checks refuse a through-model many-to-many there, but
    # the default (model order, relies_on last) includes it via formfield_for_manytomany.
    readonly_fields = ("created_at", "updated_at")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "relies_on":
            # The links live in a through model, which the admin would hide; the service
            # writes them (and refuses a source relying on itself).
            using = kwargs.get("using")
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site, using=using)
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def service_create(self, request, form):
        fields = {name: form.cleaned_data[name] for name in services.SOURCE_FIELDS}
        return services.source_create(actor=request.user, relies_on=form.cleaned_data["relies_on"], **fields)

    def service_update(self, request, obj, form):
        data = self.changed_values(form, (*services.SOURCE_FIELDS, "relies_on"))
        return services.source_update(source=obj, data=data, actor=request.user)

    def service_delete(self, request, obj):
        services.source_delete(source=obj, actor=request.user)

    def service_restore(self, request, obj):
        services.source_restore(source=obj, actor=request.user)

    def service_blockers(self, obj):
        blockers = services.source_blockers(obj)
        lines = [f"Claim {pk} cites it" for pk in blockers["claims"]]
        return lines + [f"Source {pk} relies on it" for pk in blockers["sources"]]

    def save_related(self, request, form, formsets, change):
        # relies_on was written by the service in save_model; the form must not set it again.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
