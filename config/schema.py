"""OpenAPI generation: every operation documents the 4xx responses it can return."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_serializer_context
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


ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `errors` names each field at fault.",
    "401": "Not authenticated: send `Authorization: Token <key>` or sign in.",
    "403": "Authenticated, but your role may not do this.",
    "404": "No such record (or page).",
    "409": "Refused because of the record's current state (a rule of the workflow, a duplicate, "
    "or a record still in use).",
    "413": "Request body too large.",
}


class AutoSchema(openapi.AutoSchema):
    def _error_codes(self) -> set[str]:
        codes = {"401", "403"}
        has_path_param = "{" in self.path
        if self.method in WRITE_METHODS:
            codes |= {"400", "413"}
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
        codes |= set(getattr(self.view, "extra_error_codes", ()))
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

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        # Primary keys are auto fields, which carry no help_text of their own.
        if getattr(field, "field_name", None) == "id" and not meta.get("description"):
            meta["description"] = "Unique identifier of the record, assigned by the server."
        return meta

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self._error_codes()):
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication: `Authorization: Token <key>`. "
            "Get a key from `POST /api/v1/auth/token/`.",
        }
