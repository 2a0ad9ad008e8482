"""api.raw_json: JSON written elsewhere goes into an answer as it is, and reads as what it says."""

import json

import pytest
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from api.raw_json import JSONRenderer, RawJSON

TEXT = '[{"id" : 1, "title" : "Bassora : « roquettes »\\u2028"}, {"id" : 2, "title" : null}]'
ITEMS = json.loads(TEXT)


def test_a_page_of_raw_json_is_written_byte_for_byte_and_reads_as_drfs():
    page = {"next": "http://testserver/api/v1/claims/?cursor=abc", "previous": None, "results": RawJSON(TEXT)}
    body = JSONRenderer().render(page)
    assert TEXT.encode() in body
    assert body.startswith(
        b'{"next":"http://testserver/api/v1/claims/?cursor=abc","previous":null,"results":['
    )
    assert json.loads(body) == json.loads(DRFJSONRenderer().render({**page, "results": ITEMS}))


def test_an_answer_without_raw_json_is_drfs():
    data = {"next": None, "results": [{"id": 1, "at": "é\u2028"}]}
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)
    assert JSONRenderer().render(None) == b""


def test_raw_json_alone_is_its_text():
    assert JSONRenderer().render(RawJSON(TEXT)) == TEXT.encode()


def test_indented_as_every_answer_is_when_asked():
    """The browsable API asks for indented JSON: the text is read and indented like the rest."""
    page = {"previous": None, "results": RawJSON(TEXT)}
    indented = JSONRenderer().render(page, "application/json; indent=4")
    expected = DRFJSONRenderer().render({"previous": None, "results": ITEMS}, "application/json; indent=4")
    assert indented == expected
    assert b'\n    "results": [' in indented


def test_raw_json_reads_as_its_array():
    raw = RawJSON(TEXT)
    assert len(raw) == 2
    assert raw[0]["id"] == 1
    assert [item["id"] for item in raw] == [1, 2]
    assert raw == ITEMS
    assert raw == RawJSON(TEXT)
    assert raw != ITEMS[:1]
    assert raw != TEXT


def test_raw_json_of_anything_but_an_array_is_refused_when_read():
    with pytest.raises(TypeError):
        len(RawJSON('{"id": 1}'))
