"""JSON written elsewhere (by PostgreSQL: claims.rendering), put into an answer as it is.

An answer's data may be a ``RawJSON`` (an array's text), or an object (a page: ``next``,
``previous``, ``results``) whose values may be: ``JSONRenderer`` (the project's JSON renderer, DRF's
otherwise) writes the text in place, byte for byte, without reading it into Python and writing
it out again. Asked for indented JSON (the browsable API shows the answer so), it reads the
text and indents it as it indents every answer. Whoever makes a ``RawJSON`` vouches that its
text is JSON as DRF would write it (``claims.rendering`` is checked against DRF's rendering).
"""

import json
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

from rest_framework import renderers
from rest_framework.compat import LONG_SEPARATORS, SHORT_SEPARATORS


class RawJSON(Sequence):
    """A JSON array's text, to be written as it is. Read as a sequence (by the browsable page,
    by a test) it is the array read into Python, once."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"RawJSON({self.text[:60]!r}...)"

    @cached_property
    def _items(self) -> list:
        items = json.loads(self.text)
        if not isinstance(items, list):
            raise TypeError("RawJSON holds a JSON array.")
        return items

    def value(self) -> list:
        """The array read into Python."""
        return self._items

    def __getitem__(self, index):
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RawJSON):
            return self._items == other._items
        return isinstance(other, Sequence) and not isinstance(other, str) and self._items == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which are not hashable


def materialized(data: Any) -> Any:
    """``data`` with its ``RawJSON`` (itself, or values of a top-level object) read into Python."""
    if isinstance(data, RawJSON):
        return data.value()
    if isinstance(data, dict) and any(isinstance(value, RawJSON) for value in data.values()):
        return {key: value.value() if isinstance(value, RawJSON) else value for key, value in data.items()}
    return data


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer that also writes ``RawJSON`` as it is."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raw = isinstance(data, RawJSON) or (
            isinstance(data, dict) and any(isinstance(value, RawJSON) for value in data.values())
        )
        if not raw:
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(materialized(data), accepted_media_type, renderer_context)
        if isinstance(data, RawJSON):
            return data.text.encode()
        comma, colon = (part.encode() for part in (SHORT_SEPARATORS if self.compact else LONG_SEPARATORS))
        members = (
            self._value(key)
            + colon
            + (value.text.encode() if isinstance(value, RawJSON) else self._value(value))
            for key, value in data.items()
        )
        return b"{" + comma.join(members) + b"}"

    def _value(self, value: Any) -> bytes:
        # DRF's rendering of one value (it renders a whole answer of None as no body at all).
        return b"null" if value is None else super().render(value)
