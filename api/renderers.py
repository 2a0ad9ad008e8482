"""The browsable API's renderer: DRF's, with the project's name, room for page panels, and
forms that keep what the user typed.

A view may define ``browsable_panels(*, request, response) -> list[dict]``; each panel is a
dict with a ``template`` (rendered above the response, in order) and whatever context that
template needs. JSON clients never see panels: they exist only in the HTML rendering.

Forms. DRF rebuilds every form empty after a refusal and shows the error only in the JSON.
Here a refused submission (any 4xx) re-renders its form from the values sent, each error of
the project's error body (api.exception_handler) beside the field it names and the others above
the form. A successful create offers the form again, empty; a create form has no ``version``
(an edit form carries the record's). No form lists the rows of a related table: a related
field is an id input with a search helper (claims/static/claims/lookup.js). A view may define
``browsable_form_serializer(*, method, instance, data)`` to build a form of its own (None: no
form for that method).

Page titles. DRF heads a page and its breadcrumbs "Claim Instance", "Claim List". A view names
its pages in ``page_titles``: per action a heading whose ``{pk}`` (and the URL's other
arguments) are filled in, e.g. ``{"retrieve": "Claim #{pk}"}``, or one string for a view that
is one page. On a record's own page ``page_record_label`` names the record's field added after
a colon, cut short. The browsable pages' heading, ``<title>`` and breadcrumbs read them;
``get_view_name`` (OPTIONS answers, the extra-actions menu) is left as it was.

Links in the JSON shown. DRF's page passes the response through Django's ``urlize``, which
looks at every word of the text and was a third of a 50-claim list page's time. Here the
pages are rendered by a template engine of their own (``browsable_engine``: the project's
settings plus this module's ``urlize``), and the JSON arrives already linked
(``linkify_json``): a string value that is a whole http(s) URL becomes a link, everything else
is escaped text. Header values, plain text, still go through Django's ``urlize``.
"""

import functools
import html
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library, defaultfilters
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator
from rest_framework import exceptions, serializers, status
from rest_framework.fields import empty
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import is_form_media_type, override_method

FORM_TEMPLATE = "claimtrack/forms/form.html"
QUERY_PANEL_TEMPLATE = "claimtrack/forms/query_panel.html"
CREATE_PAGES = frozenset({"list", "create"})
# A write answers on the page it was sent from: the list's for a create, the record's otherwise.
PAGE_OF_ACTION = {"create": "list", "update": "retrieve", "partial_update": "retrieve", "destroy": "retrieve"}
RECORD_LABEL_CHARS = 60

# A JSON string that is an http(s) URL and nothing else, in the escaped JSON: a quote that no
# backslash escapes (in JSON such a quote before "http" can only open a string), then no quote,
# backslash or blank up to the closing quote; a string holding an escape stays text. The
# literal start lets the search skip to each '"http'.
JSON_URL_STRING = re.compile(r'"http(?<!\\"http)(s?://[^"\\\s]+)"')
JSON_URL_LINK = r'"<a href="http\1" rel="nofollow">http\1</a>"'

register = Library()


def linkify_json(text: str) -> SafeString:
    """``text`` (JSON) as HTML: escaped, each string value that is a whole http(s) URL a link.
    The text is escaped first, so a link's address and text are escaped too (no quote can be
    in them: the attribute cannot be left)."""
    escaped = html.escape(text, quote=False)
    return mark_safe(JSON_URL_STRING.sub(JSON_URL_LINK, escaped))  # noqa: S308 -- escaped above


@register.filter(is_safe=True, needs_autoescape=True)
def urlize(value, autoescape=True):
    """The browsable pages' ``urlize``: HTML the renderer has made (the linked JSON) as it is,
    any other text through Django's ``urlize``."""
    if isinstance(value, SafeData):
        return value
    return defaultfilters.urlize(value, autoescape=autoescape)


@functools.cache
def browsable_engine() -> DjangoTemplates:
    """The project's template settings, with this module's ``urlize`` over Django's."""
    templates: list[dict[str, Any]] = settings.TEMPLATES
    params = next(dict(t) for t in templates if t["BACKEND"].endswith("DjangoTemplates"))
    del params["BACKEND"]
    options = dict(params.get("OPTIONS", {}))
    options["builtins"] = [*options.get("builtins", []), __name__]
    return DjangoTemplates({**params, "NAME": "browsable", "OPTIONS": options})


@receiver(setting_changed)
def _forget_engine(*, setting, **kwargs):
    if setting in ("TEMPLATES", "DEBUG"):
        browsable_engine.cache_clear()


def page_title(view_class, *, action: str | None, kwargs: Mapping, record=None) -> str | None:
    """The heading of a page of ``view_class`` (``page_titles``), None when it names none."""
    titles = getattr(view_class, "page_titles", None)
    if isinstance(titles, str):
        return titles
    if not titles or action is None:
        return None
    action = PAGE_OF_ACTION.get(action, action)
    template = titles.get(action)
    if template is None:
        return None
    try:
        title = template.format_map(dict(kwargs))
    except (KeyError, IndexError):
        return None  # a route whose arguments the heading does not know: DRF's name
    label_field = getattr(view_class, "page_record_label", None)
    label = getattr(record, label_field, "") if label_field and action == "retrieve" else ""
    if label:
        title = f"{title}: {Truncator(label).chars(RECORD_LABEL_CHARS)}"
    return title


def _get_action(actions: Mapping | None) -> str | None:
    """The action a page of a viewset route shows: its GET's, else its only one (a POST-only
    action opened in a browser)."""
    if not actions:
        return None
    if "get" in actions:
        return actions["get"]
    names = set(actions.values())
    return names.pop() if len(names) == 1 else None


def _lookup_url(field: serializers.RelatedField) -> str | None:
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return None
    try:
        return reverse(f"{queryset.model._meta.model_name}-list")
    except NoReverseMatch:
        return None


def _is_multiline(field: serializers.Field) -> bool:
    return field.style.get("base_template") == "textarea.html" or isinstance(
        field, serializers.JSONField | serializers.DictField | serializers.ListField
    )


def _input_type(field: serializers.Field) -> str:
    for kind, input_type in (
        (serializers.EmailField, "email"),
        (serializers.URLField, "url"),
        (serializers.DateTimeField, "datetime-local"),
        (serializers.DateField, "date"),
        (serializers.IntegerField, "number"),
        (serializers.FloatField, "number"),
        (serializers.DecimalField, "number"),
        (serializers.FileField, "file"),
    ):
        if isinstance(field, kind):
            return input_type
    return field.style.get("input_type", "text")


def _as_text(value) -> str:
    if value is None or value is empty or value is False:
        return ""
    return str(value)


def describe_field(bound, *, errors: list[str]) -> dict:
    """What the form template needs to draw one field: its kind, value as text and errors."""
    field = bound._field
    item = {
        "name": bound.name,
        "label": field.label or bound.name.replace("_", " ").capitalize(),
        "help_text": field.help_text or "",
        "required": field.required,
        "errors": errors,
        "value": "",
        "kind": "input",
        "input_type": "text",
    }
    value = bound.value
    if isinstance(field, serializers.ManyRelatedField):
        ids = value if isinstance(value, list | tuple) else []
        item.update(kind="many", values=[_as_text(getattr(v, "pk", v)) for v in ids if v not in ("", None)])
        item["lookup"] = _lookup_url(field.child_relation)
    elif isinstance(field, serializers.RelatedField):
        item.update(kind="related", input_type="number", value=_as_text(getattr(value, "pk", value)))
        item["lookup"] = _lookup_url(field)
    elif isinstance(field, serializers.BooleanField):
        item.update(kind="checkbox", checked=value in (True, "true", "on", "True", "1"))
    elif isinstance(field, serializers.ChoiceField):
        item.update(
            kind="select",
            value=_as_text(value),
            choices=[(str(key), label) for key, label in field.choices.items()],
        )
    elif _is_multiline(field):
        item.update(kind="textarea", value=_as_text(value))
    else:
        item.update(input_type=_input_type(field), value=_as_text(value))
        if isinstance(field, serializers.FloatField | serializers.DecimalField):
            item["step"] = "any"
        if item["input_type"] == "file":
            item["value"] = ""  # a browser never refills a file input
    return item


def errors_by_field(body, field_names) -> tuple[dict[str, list[str]], list[str]]:
    """Split the project's error body into messages per form field and the rest."""
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    if not isinstance(body, Mapping):
        return by_field, other
    for error in body.get("errors") or []:
        if not isinstance(error, Mapping):
            continue
        name = str(error.get("field") or "").split(".")[0]
        message = str(error.get("message", ""))
        if name in field_names:
            by_field.setdefault(name, []).append(message)
        else:
            label = f"{error.get('field')}: " if error.get("field") else ""
            other.append(label + message)
    if not by_field and not other and body.get("detail"):
        other.append(str(body["detail"]))
    return by_field, other


def render_form(serializer, *, errors=None, form_errors=(), detail: str = "", omit=(), name: str = "") -> str:
    errors = errors or {}
    fields = [
        describe_field(bound, errors=errors.get(bound.name, []))
        for bound in serializer
        if not bound._field.read_only
        and not isinstance(bound._field, serializers.HiddenField)
        and bound.name not in omit
    ]
    return render_to_string(
        FORM_TEMPLATE,
        {"fields": fields, "form_errors": list(form_errors), "detail": detail, "form_name": name},
    )


def query_form_panel(serializer_class, *, request, response, name: str, title: str) -> dict:
    """A page panel with a GET form over a view's query parameters (``serializer_class``): each
    field shows the value of the query string (its default when not given), and after a 400 the
    error beside the field it names. Sending it loads the same page with the new query."""
    fields = serializer_class().fields
    shown = {}
    for field_name, field in fields.items():
        if field_name in request.query_params:
            shown[field_name] = request.query_params[field_name]
        elif field.default is not empty and not callable(field.default):
            shown[field_name] = field.default
    errors: dict[str, list[str]] = {}
    other: list[str] = []
    if response.status_code == 400:
        errors, other = errors_by_field(response.data, set(fields))
    serializer = bind_submitted(serializer_class(data=shown), errors=errors)
    return {
        "template": QUERY_PANEL_TEMPLATE,
        "name": name,
        "title": title,
        "action": request.path,
        "form": render_form(serializer, errors=errors, form_errors=other, name=name),
    }


def bind_submitted(serializer, *, errors: dict[str, list[str]]):
    """Make ``serializer`` (built with ``data=``) show the values sent rather than validate them."""
    serializer._validated_data = {}
    serializer._errors = errors or {"non_field_errors": ["refused"]}
    return serializer


def submitted_data(request):
    try:
        data = request.data
    except exceptions.ParseError:
        return {}
    return data if isinstance(data, Mapping) else {}


class ClaimtrackBrowsableAPIRenderer(BrowsableAPIRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        """DRF's, with the page's template from ``browsable_engine``."""
        self.accepted_media_type = accepted_media_type or ""
        self.renderer_context = renderer_context or {}
        template = browsable_engine().get_template(self.template)
        context = self.get_context(data, accepted_media_type, renderer_context)
        html = template.render(context, request=self.renderer_context["request"])
        response = self.renderer_context["response"]
        if response.status_code == status.HTTP_204_NO_CONTENT:
            response.status_code = status.HTTP_200_OK  # as DRF: the page shows the answer
        return html

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["content"] = linkify_json(context["content"])
        view = renderer_context["view"]
        panels = getattr(view, "browsable_panels", None)
        context["page_panels"] = (
            panels(request=renderer_context["request"], response=renderer_context["response"])
            if panels
            else []
        )
        context["delete_version"] = self._record_version(data)
        action = getattr(view, "action", None) or _get_action(getattr(view, "action_map", None))
        title = page_title(type(view), action=action, kwargs=view.kwargs, record=self._record_instance(data))
        if title:
            context["name"] = title
        context["breadcrumblist"] = self._titled_breadcrumbs(
            context["breadcrumblist"], current_path=renderer_context["request"].path, current=context["name"]
        )
        return context

    @staticmethod
    def _titled_breadcrumbs(crumbs, *, current_path: str, current: str) -> list[tuple[str, str]]:
        """DRF's breadcrumbs, each named by its page's title (the current page's as its heading)."""
        titled = []
        for name, url in crumbs:
            path = urlsplit(url).path
            if path == current_path:
                titled.append((current, url))
                continue
            try:
                match = resolve(path)
            except Resolver404:
                titled.append((name, url))
                continue
            view_class = getattr(match.func, "cls", None)
            action = _get_action(getattr(match.func, "actions", None))
            titled.append((page_title(view_class, action=action, kwargs=match.kwargs) or name, url))
        return titled

    @staticmethod
    def _record_instance(data):
        serializer = getattr(data, "serializer", None)
        if serializer is None or getattr(serializer, "many", False):
            return None
        instance = getattr(serializer, "instance", None)
        return instance if hasattr(instance, "pk") else None

    def _record_version(self, data):
        return getattr(self._record_instance(data), "version", None)

    def _build_serializer(self, view, method, request, *, instance, data):
        hook = getattr(view, "browsable_form_serializer", None)
        if hook is not None:
            built = hook(method=method, instance=instance, data=data)
            if built is not NotImplemented:
                return built
        kwargs = {} if data is None else {"data": data}
        if method in ("PUT", "PATCH"):
            kwargs["instance"] = instance
        if hasattr(view, "get_serializer"):
            return view.get_serializer(**kwargs)
        serializer_class = getattr(view, "serializer_class", None)
        if serializer_class is None:
            return None
        return self._get_serializer(serializer_class, view, request, **kwargs)

    def get_rendered_html_form(self, data, view, method, request):
        if method in ("DELETE", "OPTIONS"):
            return super().get_rendered_html_form(data, view, method, request)
        response = self.renderer_context["response"]
        sent_method = request.method
        refused = sent_method == method and response.status_code >= 400
        # A search sent by POST (claim matching) keeps its words after answering.
        kept = sent_method == method and getattr(view, "action", None) in getattr(
            view, "browsable_forms_keep_values", ()
        )
        instance = self._record_instance(data)
        submitted = submitted_data(request) if refused or kept else None
        with override_method(view, request, method) as form_request:
            if not self.show_form_for_method(view, method, form_request, instance):
                return None
            if not any(is_form_media_type(parser.media_type) for parser in view.parser_classes):
                return None
            serializer = self._build_serializer(view, method, form_request, instance=instance, data=submitted)
            if serializer is None or isinstance(serializer, serializers.ListSerializer):
                return None
            # The POST form of a list is a create: a new record has no version to be based on.
            omit = ("version",) if getattr(view, "action", None) in CREATE_PAGES else ()
            if kept and not refused:
                return render_form(bind_submitted(serializer, errors={}), omit=omit, name=method.lower())
            if not refused:
                return render_form(serializer, omit=omit, name=method.lower())
            by_field, other = errors_by_field(response.data, set(serializer.fields))
            bind_submitted(serializer, errors=by_field)
            detail = response.data.get("detail", "") if isinstance(response.data, Mapping) else ""
            return render_form(
                serializer, errors=by_field, form_errors=other, detail=detail, omit=omit, name=method.lower()
            )

    def get_filter_form(self, data, view, request):
        # DRF asks a list view for its queryset before knowing whether it filters at all; a view
        # with no filter has nothing to offer, and may have no queryset (the trash: a 500).
        if not getattr(view, "filter_backends", None):
            return None
        return super().get_filter_form(data, view, request)

    def get_raw_data_form(self, data, view, method, request):
        """DRF's "Raw data" form; after a refusal of a body sent through it, the body sent."""
        sent_method = request.method
        form = super().get_raw_data_form(data, view, method, request)
        response = self.renderer_context["response"]
        if form is None or sent_method != method or response.status_code < 400:
            return form
        media_type = (request.content_type or "").split(";")[0].strip()
        if is_form_media_type(media_type):
            return form  # sent by the HTML form, which keeps its own values
        try:
            sent = request.data
        except exceptions.ParseError:
            return form
        if isinstance(sent, bytes):
            text = sent.decode("utf-8", errors="replace")
        else:
            text = json.dumps(sent, indent=4, ensure_ascii=False)
        form.fields["_content"].initial = text
        if media_type in dict(form.fields["_content_type"].choices):
            form.fields["_content_type"].initial = media_type
        return form

    def get_extra_actions(self, view, status_code):
        """DRF lists every extra action; only those the user's role may use are offered."""
        links = super().get_extra_actions(view, status_code)
        if not links:
            return links
        request = self.renderer_context["request"]
        denied = set()
        for extra in view.get_extra_actions():
            permission_classes = extra.kwargs.get("permission_classes")
            if not permission_classes:
                continue
            action_view = view.__class__(**extra.kwargs)
            if not all(permission().has_permission(request, view) for permission in permission_classes):
                denied.add(action_view.get_view_name())
        return {name: url for name, url in links.items() if name not in denied}
