"""OpenAPI generation: every operation documents the 4xx responses it can return."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import (
    build_media_type_object,
    build_serializer_context,
    get_doc,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="Dotted path of the field at fault (body field, list index or query parameter); "
        "null when the error concerns the whole request.",
    )
    code = serializers.CharField(help_text="Machine-readable error code, e.g. `required`, `invalid`.")
    message = serializers.CharField(help_text="Human-readable explanation.")


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(
        help_text="Machine-readable code: `invalid`, `not_authenticated`, `permission_denied`, "
        "`not_found`, `conflict`, `too_large` …"
    )
    detail = serializers.CharField(help_text="Human-readable summary of what went wrong.")
    errors = ErrorItemSerializer(many=True, help_text="One entry per problem, each naming its field.")


class ThrottledErrorSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(help_text="Seconds to wait before trying again.")


class StaleVersionErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(help_text="The record's current version.")


ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `errors` names each field at fault.",
    "401": "Not authenticated: send `Authorization: Token <key>` or sign in.",
    "403": "Authenticated, but your role may not do this.",
    "404": "No such record (or page).",
    "409": "Refused because of the record's current state (a rule of the workflow, a duplicate, "
    "or a record still in use).",
    "412": "The version you sent is stale (`current_version` gives the current one), or `If-Match` "
    "names another record; nothing was changed. Reload and try again.",
    "413": "Request body too large.",
    "415": "The body's Content-Type is not JSON, a form or multipart, or the body cannot be read as it says.",
    "422": "This `Idempotency-Key` was already used for another request (method, path or body).",
    "428": "The request does not say which version it is based on: send `If-Match` or `version`.",
    "429": "Too many requests: wait the `Retry-After` seconds and try again.",
}


RETRY_AFTER_HEADER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
}


ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": 'The record\'s version, e.g. `"claim-7-v3"`: send it back as `If-Match` to edit, '
        "or as `If-None-Match` to read only if it changed. An article's adds a digest of its claims "
        '(`"article-2-v1.c4f1e0a9b33c2"`), which changes when they do; `If-Match` checks only the '
        "article's own version.",
    }
}

# The ETag header of the 200 and 201 answers of an operation that reads or writes a version.
ETAG_RESPONSE_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=ETAG_HEADER["ETag"]["description"],
    response=[200, 201],
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the version your change is based on (or send `version` in the body; one "
    "of the two is required). `*` or an empty header names no version (the body's `version` then "
    "decides). A stale one gives 412.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you hold: if it is still current, the answer is 304 with no body.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Up to 255 printable ASCII characters (e.g. a UUID). Retrying with the same key "
    "within 24 hours returns the first answer and creates nothing new; the same key with another "
    "body is a 422.",
)


def _may_be_blank(field) -> bool:
    """Whether a URL field can hold "": its own allow_blank, or (read-only fields carry
    none) the blank flag of the model field behind it."""
    if field.allow_blank:
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    try:
        return bool(model and model._meta.get_field(field.source).blank)
    except Exception:  # a source that is no model field (a property, a dotted path)
        return False


# Realistic examples for Swagger UI, which otherwise fills a bounded integer with its maximum
# (a version of 2147483647).
FIELD_EXAMPLES = {"version": 3, "quote_start": 112, "quote_end": 160, "current_version": 4}

# What the standard operations of a versioned resource (api.viewsets) do, for its users.
STANDARD_DESCRIPTIONS = {
    "list": "A page of {plural}. Narrow it with the query parameters below; `next` and `previous` "
    "link the neighbouring pages.",
    "retrieve": "One {name} by its id. The `ETag` header names the version you read: send it back "
    "as `If-Match` to edit or delete it, or as `If-None-Match` to get 304 while it is unchanged.",
    "create": "Creates a new {name} from the fields sent and answers 201 with it and its `Location`. Send "
    "an `Idempotency-Key` to retry safely: a repeat returns the first answer and creates nothing.",
    "update": "Replaces the {name}'s fields with those sent. Say which version your change is based "
    "on (`If-Match` or `version`): a stale one gives 412 and changes nothing.",
    "partial_update": "Changes only the fields sent. Say which version your change is based on "
    "(`If-Match` or `version`): a stale one gives 412 and changes nothing.",
    "destroy": "Say which version you are deleting (`If-Match` or `version`): a stale one gives 412 "
    "and deletes nothing.",
}


def _is_ours(handler) -> bool:
    return not (getattr(handler, "__module__", "") or "").startswith(("rest_framework", "django"))


class AutoSchema(openapi.AutoSchema):
    """Through drf-spectacular's public hooks (``get_description``, ``get_override_parameters``,
    ``get_response_serializers``, ``get_operation``, the postprocessing hooks below), except
    ``_insert_field_validators``: drf-spectacular adds ``format: uri`` from a URL field's
    validator after every public hook (field extensions, ``extend_schema_field``) has run, so
    no public hook can say that a blank URL is valid too."""

    def get_description(self):
        """Written for the API's users: an action's own docstring, or the standard words for a
        standard operation; never a class docstring, which is written for the code's readers.
        (``@extend_schema(description=…)`` takes precedence over this.)"""
        action = getattr(self.view, "action", None) or self.method.lower()
        handler = getattr(self.view, action, None)
        doc = get_doc(handler) if handler is not None and _is_ours(handler) else ""
        if doc:
            return doc
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if model is None and hasattr(self.view, "get_queryset"):
            try:
                model = self.view.get_queryset().model
            except Exception:  # a view whose queryset needs a request
                model = None
        template = STANDARD_DESCRIPTIONS.get(action)
        if template is None or model is None:
            return ""
        return template.format(name=model._meta.verbose_name, plural=model._meta.verbose_name_plural)

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # An optional URL is stored as "" when absent, which is no "uri": say both are valid.
        if isinstance(field, serializers.URLField) and _may_be_blank(field) and schema.get("format") == "uri":
            schema.pop("format")
            schema["anyOf"] = [{"format": "uri"}, {"maxLength": 0}]

    def _action_flags(self) -> tuple[bool, bool, bool]:
        """Whether the operation needs a version, honours Idempotency-Key, and answers
        If-None-Match: every ServiceModelViewSet (api.viewsets) does so for its edits and
        deletes, creates and reads; other actions say so with a marker."""
        action = getattr(self.view, "action", None) or ""
        handler = getattr(self.view, action, None)
        service_viewset = getattr(self.view, "read_serializer_class", None) is not None
        needs_version = getattr(handler, "requires_version", False) or (
            service_viewset and action in ("update", "partial_update", "destroy")
        )
        is_idempotent = getattr(handler, "idempotent", False) or (service_viewset and action == "create")
        is_conditional = service_viewset and action == "retrieve"
        if self.method == "GET":
            # An action answering GET and POST (a claim's transition) reads on GET.
            needs_version = is_idempotent = False
        return needs_version, is_idempotent, is_conditional

    def get_override_parameters(self):
        flags = self._action_flags()
        extra = [
            param
            for param, flag in zip((IF_MATCH, IDEMPOTENCY_KEY, IF_NONE_MATCH), flags, strict=True)
            if flag
        ]
        if any(flags):
            extra.append(ETAG_RESPONSE_HEADER)
        return [*super().get_override_parameters(), *extra]

    def _concurrency_codes(self) -> set[str]:
        """core.concurrency refuses a stale or missing version, core.idempotency a reused key;
        both answer 400 for a malformed header."""
        needs_version, is_idempotent, _ = self._action_flags()
        codes = set()
        if needs_version:
            codes |= {"400", "412", "428"}
        if is_idempotent:
            codes |= {"400", "422"}
        return codes

    def _error_codes(self) -> set[str]:
        codes = {"401", "403"}
        has_path_param = "{" in self.path
        if self.method in WRITE_METHODS:
            codes |= {"400", "413", "415"}
        if self.method in WRITE_METHODS | {"DELETE"}:
            codes.add("409")
        if has_path_param or self._is_list_view():
            codes.add("404")
        if self.method == "GET" and self._is_list_view():
            codes.add("400")
        override = getattr(self.view, "error_codes", None)
        if isinstance(override, dict):  # per HTTP method
            override = override.get(self.method)
        if override is not None:
            return set(override)
        return codes

    def get_response_serializers(self):
        # ServiceModelViewSet answers every write with the read serializer (read_response).
        read_serializer_class = getattr(self.view, "read_serializer_class", None)
        if read_serializer_class is not None and getattr(self.view, "action", None) in (
            "create",
            "update",
            "partial_update",
        ):
            return read_serializer_class(context=build_serializer_context(self.view))
        return super().get_response_serializers()

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        """The operation as drf-spectacular builds it, with the 4xx responses it can return
        (api.exception_handler answers each with the error shape) and, for a conditional read, 304."""
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        # Every operation is rate limited (api.throttles).
        for code in sorted(self._error_codes() | {"429"} | self._concurrency_codes()):
            if code not in responses:
                responses[code] = self._error_response(code)
        if self._action_flags()[2]:
            responses["304"] = {
                "description": "Not modified: `If-None-Match` names the current ETag. No body.",
                "headers": ETAG_HEADER,
            }
        return operation

    def _error_response(self, code: str) -> dict:
        serializer = {"429": ThrottledErrorSerializer, "412": StaleVersionErrorSerializer}.get(
            code, ErrorSerializer
        )
        # api.exception_handler renders every error as JSON, whatever formats the view offers.
        schema = self.resolve_serializer(serializer, "response").ref
        response = {
            "content": {"application/json": build_media_type_object(schema)},
            "description": ERROR_DESCRIPTIONS[code],
        }
        if code == "429":
            response["headers"] = RETRY_AFTER_HEADER
        return response


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication: `Authorization: Token <key>`. "
            "Get a key from `POST /api/v1/auth/token/`.",
        }


def _component_properties(result):
    for component in result.get("components", {}).get("schemas", {}).values():
        yield from component.get("properties", {}).items()


def describe_ids_and_examples(result, generator, request, public):
    """Primary keys are auto fields, which carry no help_text of their own: say what they are.
    Swagger UI fills a bounded integer with its maximum (a version of 2147483647): give the
    integers of FIELD_EXAMPLES a realistic example. drf-spectacular postprocessing hook."""
    for name, schema in _component_properties(result):
        if name == "id" and not schema.get("description"):
            schema["description"] = "Unique identifier of the record, assigned by the server."
        example = FIELD_EXAMPLES.get(name)
        if example is not None and schema.get("type") == "integer" and "example" not in schema:
            schema["example"] = example
    return result


def allow_empty_query_values(result, generator, request, public):
    """An empty query parameter means "not given" (HTML filter forms send every field), so
    the schema says so; drf-spectacular postprocessing hook."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
    return result
