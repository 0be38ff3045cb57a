"""The OpenAPI Encoding Object of a request body governs how form and multipart properties are written.

Each row gives the operation's ``encoding`` for one media type, the Arazzo payload, and what the server reads.
"""

from __future__ import annotations

from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, operation, step
from recording_server import RecordingServer

from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
INPUTS = {"tags": ["a", "b"], "meta": {"id": 42, "kind": "dog"}, "path": "a/b:c d", "id": 42}


def post(docs: Documents, media: str, encoding: dict[str, Any], payload: dict[str, Any]) -> RunResult:
    body = {"content": {media: {"schema": {"type": "object"}, "encoding": encoding}}}
    document = docs.flow({"/items": {"post": operation("create", requestBody=body)}},
                         [step("create", "create", requestBody={"contentType": media, "payload": payload})])
    return Runner().run(document, WORKFLOW, dict(INPUTS))


FORM_ROWS = [
    pytest.param({"tags": {"style": "form", "explode": False}}, {"tags": "$inputs.tags"}, "tags=a,b",
                 id="form-without-explode-joins-an-array"),
    pytest.param({"tags": {"style": "form"}}, {"tags": "$inputs.tags"}, "tags=a&tags=b",
                 id="form-explodes-by-default"),
    pytest.param({"tags": {"style": "spaceDelimited", "explode": False}}, {"tags": "$inputs.tags"}, "tags=a%20b",
                 id="space-delimited"),
    pytest.param({"tags": {"style": "pipeDelimited", "explode": False}}, {"tags": "$inputs.tags"}, "tags=a%7Cb",
                 id="pipe-delimited"),
    pytest.param({"meta": {"style": "deepObject"}}, {"meta": "$inputs.meta"}, "meta%5Bid%5D=42&meta%5Bkind%5D=dog",
                 id="deep-object"),
    pytest.param({"meta": {"style": "form", "explode": True}}, {"meta": "$inputs.meta"}, "id=42&kind=dog",
                 id="exploded-form-object-spreads-its-members"),
    pytest.param({"path": {"style": "form", "allowReserved": True}}, {"path": "$inputs.path"}, "path=a/b:c%20d",
                 id="allow-reserved-keeps-reserved-characters"),
    pytest.param({"meta": {"contentType": "application/json"}}, {"meta": "$inputs.meta", "id": "$inputs.id"},
                 "meta=%7B%22id%22%3A42%2C%22kind%22%3A%22dog%22%7D&id=42", id="content-type-writes-the-value-as-json"),
    pytest.param({"meta": {"contentType": "application/json", "style": "deepObject"}}, {"meta": "$inputs.meta"},
                 "meta%5Bid%5D=42&meta%5Bkind%5D=dog", id="an-explicit-style-wins-over-content-type"),
    pytest.param({"other": {"style": "form", "explode": False}}, {"tags": "$inputs.tags"}, "tags=a&tags=b",
                 id="properties-without-an-encoding-keep-the-defaults"),
]


@pytest.mark.parametrize(("encoding", "payload", "sent"), FORM_ROWS)
def test_a_form_property_is_written_as_its_encoding_says(docs: Documents, server: RecordingServer,
                                                         encoding: dict[str, Any], payload: dict[str, Any],
                                                         sent: str) -> None:
    result = post(docs, FORM, encoding, payload)

    assert result.status == "succeeded", result.error
    assert server.last.text() == sent


MULTIPART_ROWS = [
    pytest.param({"id": {"contentType": "application/json"}}, {"id": "$inputs.id"},
                 [("id", None, "application/json", b"42")], id="content-type-of-a-part"),
    pytest.param({"note": {"contentType": "text/csv"}}, {"note": "a,b"}, [("note", None, "text/csv", b"a,b")],
                 id="text-in-a-declared-type"),
    pytest.param({"note": {"contentType": "image/*, text/plain"}}, {"note": "hi"},
                 [("note", None, "text/plain", b"hi")], id="the-first-concrete-type-of-a-list"),
    pytest.param({"note": {"contentType": "image/*"}}, {"note": "hi"}, [("note", None, None, b"hi")],
                 id="a-wildcard-alone-keeps-the-default"),
    pytest.param({"tags": {"style": "form", "explode": False}}, {"tags": "$inputs.tags"},
                 [("tags", None, None, b"a,b")], id="a-style-joins-an-array-into-one-part"),
    pytest.param({"meta": {"style": "deepObject"}}, {"meta": "$inputs.meta"},
                 [("meta[id]", None, None, b"42"), ("meta[kind]", None, None, b"dog")], id="deep-object-parts"),
    pytest.param({"tags": {"contentType": "text/plain"}}, {"tags": "$inputs.tags"},
                 [("tags", None, "text/plain", b"a"), ("tags", None, "text/plain", b"b")],
                 id="each-array-item-is-a-part-of-the-type"),
]


@pytest.mark.parametrize(("encoding", "payload", "parts"), MULTIPART_ROWS)
def test_a_multipart_property_is_written_as_its_encoding_says(docs: Documents, server: RecordingServer,
                                                              encoding: dict[str, Any], payload: dict[str, Any],
                                                              parts: list[Any]) -> None:
    result = post(docs, MULTIPART, encoding, payload)

    assert result.status == "succeeded", result.error
    assert server.last.multipart() == parts


def test_encoding_headers_with_a_value_are_sent_with_the_part(docs: Documents, server: RecordingServer) -> None:
    headers = {
        "X-Rate-Limit": {"schema": {"type": "integer", "default": 5}},
        "X-Kind": {"schema": {"const": "pet"}},
        "X-Sample": {"example": "yes", "schema": {"type": "string"}},
        "X-Described-Only": {"schema": {"type": "string"}},
        "Content-Type": {"schema": {"const": "text/html"}},
    }
    encoding = {"note": {"contentType": "text/plain", "headers": headers}}

    result = post(docs, MULTIPART, encoding, {"note": "hi"})

    assert result.status == "succeeded", result.error
    [part] = server.last.part_headers()
    assert part["content-type"] == "text/plain"
    assert (part["x-rate-limit"], part["x-kind"], part["x-sample"]) == ("5", "pet", "yes")
    assert "x-described-only" not in part


def test_a_part_header_that_would_break_the_message_fails_the_step(docs: Documents, server: RecordingServer) -> None:
    encoding = {"note": {"headers": {"X-Evil": {"example": "a\r\nX-Injected: 1"}}}}

    result = post(docs, MULTIPART, encoding, {"note": "hi"})

    assert result.status == "failed"
    assert "multipart part header 'X-Evil' contains a line break or NUL character" in (result.error or "")
    assert server.requests == []


def test_an_encoding_keyed_by_a_media_range_applies(docs: Documents, server: RecordingServer) -> None:
    body = {"content": {"multipart/*": {"schema": {}, "encoding": {"id": {"contentType": "application/json"}}}}}
    document = docs.flow({"/items": {"post": operation("create", requestBody=body)}},
                         [step("create", "create", requestBody={"contentType": MULTIPART,
                                                                "payload": {"id": "$inputs.id"}})])

    result = Runner().run(document, WORKFLOW, dict(INPUTS))

    assert result.status == "succeeded", result.error
    assert server.last.multipart() == [("id", None, "application/json", b"42")]
