"""The plumbing every Claimtrack admin shares.

The admin is a door like the API: each save and delete calls the app's service, so the
same rules hold here. A service refusal (a ``DomainError``) never escapes as a 500: the
admin's transaction is rolled back and the form is shown again with the reason.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext, quote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.models import entered_fields
from core.policies import Actor, can_view_in_admin

# The admin says whose it is: reviewers work here (README, "What it is for").
admin.site.site_header = "Claimtrack admin"
admin.site.site_title = "Claimtrack admin"
admin.site.index_title = "Articles, claims and sources"

# Set on the request when a save was refused, so the form shown again carries the reason.
SERVICE_ERROR_ATTR = "_claimtrack_service_error"


def add_domain_errors(form: forms.BaseForm, error: DomainError, *, prefix: str = "") -> None:
    """Show a service refusal on ``form``: on the field it names when the form has that
    field, otherwise above the form."""
    if not error.errors:
        form.add_error(None, prefix + error.message)
        return
    for field, field_messages in error.errors.items():
        if field in form.fields:
            form.add_error(field, field_messages)
        else:
            form.add_error(None, [prefix + message for message in field_messages])


def adopt_saved_state(obj: models.Model, saved: models.Model) -> None:
    """The admin keeps working with the instance it built (inlines hang on it, the redirect
    reads its pk); give it what the service actually stored."""
    for field in entered_fields(type(obj)):
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ServiceModelForm(forms.ModelForm):
    """A model form that can carry the refusal of a service run on its previous submission."""

    service_error: DomainError | None = None

    def clean(self):
        cleaned_data = super().clean()
        if self.service_error is not None:
            add_domain_errors(self, self.service_error)
        return cleaned_data


class PolicyPermissions:
    """The admin's ``has_*_permission`` ask the app's policy (``core/policies.py``: the
    policy is the rule, Django's model permissions are not consulted). A subclass names the
    policy functions: ``may_add``, ``may_change``, ``may_delete`` (and ``may_view``, by
    default the working groups)."""

    may_view: Callable[[Actor], bool] = staticmethod(can_view_in_admin)
    may_add: Callable[[Actor], bool]
    may_change: Callable[[Actor], bool]
    may_delete: Callable[[Actor], bool]

    def has_module_permission(self, request) -> bool:
        return self.may_view(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.may_view(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.may_add(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.may_change(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.may_delete(request.user)


class ServiceModelAdmin(PolicyPermissions, admin.ModelAdmin):
    """Saves and deletes through services; subclasses implement ``service_create``,
    ``service_update`` and ``service_delete``.

    ``changeform_view`` and ``delete_view`` already run in a transaction. When the service
    refuses, that transaction is rolled back (nothing is written, not even the log entry)
    and the page is answered again: the form with the reason as its errors, or the change
    page with the reason as a message.
    """

    form = ServiceModelForm
    actions = ["delete_selected"]
    # Django 6 makes https the default for URLs typed without a scheme; opt in now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Service hooks -------------------------------------------------------------------

    def service_create(self, request, form: forms.ModelForm) -> models.Model:
        raise NotImplementedError

    def service_update(self, request, obj: models.Model, form: forms.ModelForm) -> models.Model:
        raise NotImplementedError

    def service_delete(self, request, obj: models.Model) -> None:
        raise NotImplementedError

    @staticmethod
    def changed_values(form: forms.ModelForm, names) -> dict[str, Any]:
        """Only what the user changed: services re-check (re-anchor, re-normalise) what they get."""
        return {name: form.cleaned_data[name] for name in form.changed_data if name in names}

    # Saving --------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        saved = self.service_update(request, obj, form) if change else self.service_create(request, form)
        adopt_saved_state(obj, saved)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, SERVICE_ERROR_ATTR, None)
        if error is not None:
            form_class = type(form_class.__name__, (form_class,), {"service_error": error})
        return form_class

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            if getattr(request, SERVICE_ERROR_ATTR, None) is not None:
                raise
            # The save was rolled back; answer the same POST again, now invalid with the reason.
            setattr(request, SERVICE_ERROR_ATTR, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    # Deleting ------------------------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.method == "POST" and request.POST.get("post"):
            # Confirmed: the service decides, and says why, when a delete is refused. The
            # confirmation page (a GET, or the action's first POST) still lists what blocks it.
            protected = []
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            change_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(object_id)],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(change_url)

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        """Each object is deleted by the service in its own transaction; refusals are listed."""
        if not request.POST.get("post"):
            return django_delete_selected(self, request, queryset)
        perms_needed = self.get_deleted_objects(queryset, request)[2]
        if perms_needed:
            raise PermissionDenied
        deleted, refused = 0, []
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.log_deletions(request, [obj])
                    self.service_delete(request, obj)
            except DomainError as error:
                refused.append(f"“{obj}”: {error.message}")
            else:
                deleted += 1
        if deleted:
            self.message_user(
                request,
                f"Deleted {deleted} {model_ngettext(self.opts, deleted)}.",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                f"Not deleted ({len(refused)}): " + " ".join(refused),
                messages.ERROR,
            )
        return None


class TrashFilter(admin.SimpleListFilter):
    """Lists show what is not in the trash; this filter shows the trash instead."""

    title = "trash"
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("yes", "In the trash")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)


class TrashModelAdmin(ServiceModelAdmin):
    """For trashable records: deleting moves a record to the trash (``service_delete``),
    and records in the trash are unknown to every page (change, delete, autocomplete) but
    the list filtered on the trash, whose "Restore selected" action brings them back."""

    actions = [*ServiceModelAdmin.actions, "restore_selected"]

    def service_restore(self, request, obj: models.Model) -> None:
        raise NotImplementedError

    def service_blockers(self, obj: models.Model) -> list[str]:
        """What keeps ``obj`` out of the trash, as lines for the confirmation page."""
        return []

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), TrashFilter)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        changelist = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        if match is not None and match.url_name == changelist:
            return queryset  # TrashFilter chooses
        return queryset.filter(deleted_at__isnull=True)

    def get_deleted_objects(self, objs, request):
        # Nothing goes to the trash with a record; the service decides what blocks the move.
        objs = list(objs)
        deleted = [f"{capfirst(self.opts.verbose_name)}: {obj}" for obj in objs]
        perms_needed = set() if self.has_delete_permission(request) else {str(self.opts.verbose_name)}
        confirmed = request.method == "POST" and request.POST.get("post")
        protected = [] if confirmed else [line for obj in objs for line in self.service_blockers(obj)]
        return deleted, {self.opts.verbose_name_plural: len(objs)}, perms_needed, protected

    @admin.action(permissions=["delete"], description="Restore selected from the trash")
    def restore_selected(self, request, queryset):
        """Each record is restored by the service in its own transaction; refusals are listed."""
        restored, refused = 0, []
        for obj in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    self.service_restore(request, obj)
                    self.log_change(request, obj, "Restored from the trash.")
            except DomainError as error:
                refused.append(f"“{obj}”: {error.message}")
            else:
                restored += 1
        if restored:
            self.message_user(
                request, f"Restored {restored} {model_ngettext(self.opts, restored)}.", messages.SUCCESS
            )
        if refused:
            self.message_user(request, f"Not restored ({len(refused)}): " + " ".join(refused), messages.ERROR)


# Publishers and sources -----------------------------------------------------------------
