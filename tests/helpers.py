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
