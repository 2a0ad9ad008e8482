"""Domain errors raised by services; the exception handler turns each into a 4xx."""

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        if field is not None:
            self.errors.setdefault(field, []).append(message)
        self.extra = dict(extra or {})


class InvalidInput(DomainError):
    """The request is well-formed but a value breaks a rule (400)."""


class Forbidden(DomainError):
    """The user's role may not do this (403)."""

    status_code = 403
    default_code = "permission_denied"


class Conflict(DomainError):
    """The request clashes with the current state of the records (409)."""

    status_code = 409
    default_code = "conflict"


class PreconditionFailed(DomainError):
    """The client's version of the record is stale (412); the body carries the current one."""

    status_code = 412
    default_code = "stale_version"


class PreconditionRequired(DomainError):
    """A change that must say which version it is based on did not (428)."""

    status_code = 428
    default_code = "version_required"


def at_index(exc: DomainError, index: int, prefix: str) -> DomainError:
    """The same refusal of one item of a batch (a bulk service's), its fields prefixed by the
    item's position (``claims.3.quote``) and the position in ``extra["index"]``."""
    errors = {f"{prefix}.{index}.{field}": messages for field, messages in exc.errors.items()}
    return type(exc)(exc.message, code=exc.code, errors=errors, extra={**exc.extra, "index": index})
