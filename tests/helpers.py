"""Assertions shared by the API tests."""

ERROR_KEYS = {"status", "code", "detail", "errors"}


def assert_error(response, status_code: int, code: str | None = None) -> dict:
    """The response is ``status_code`` with the one error shape (and ``code`` if given)."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body.keys() >= ERROR_KEYS
    assert body["status"] == status_code
    if code is not None:
        assert body["code"] == code
    return body


def error_fields(body: dict) -> list:
    return [error["field"] for error in body["errors"]]


def etag(instance) -> str:
    """The record's current ETag, its version read from the database (not from ``instance``);
    an article's carries the digest of its claims (claims.selectors.article_detail)."""
    from claims.models import Article
    from claims.selectors import article_detail

    model = type(instance)
    version = model._base_manager.filter(pk=instance.pk).values_list("version", flat=True).get()
    suffix = ""
    if model is Article:
        state = article_detail().filter(pk=instance.pk).values_list("claims_state", flat=True).first()
        suffix = f".c{state}" if state else ""
    return f'"{model._meta.model_name}-{instance.pk}-v{version}{suffix}"'


def if_match(instance) -> dict:
    """Request headers basing a write on the record's current version: ``client.patch(url,
    data, **if_match(claim))``."""
    return {"HTTP_IF_MATCH": etag(instance)}
