"""Hypothesis against a run: whatever the inputs and whatever a server answers (status, headers, encodings,
bodies), a run ends in a result or a documented error (an ``ArazzoError``), within its limits, and no secret
appears in anything it returns.

The server is an in-process transport, so thousands of exchanges take seconds; the loopback fault server of
the hostile corpus covers what only a socket can do (dripping, never-ending headers, resets).
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arazzo_runner import Runner
from arazzo_runner.errors import ArazzoError
from arazzo_runner.limits import DEFAULT_LIMITS

SECRET = 'k3y"s\\ecr/et+%'

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "fuzzed", "version": "1"},
    "servers": [{"url": "http://fuzz.invalid/v1"}],
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
    "security": [{"key": []}],
    "paths": {
        "/items/{id}": {
            "post": {
                "operationId": "postItem",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "q", "in": "query", "schema": {"type": "array", "items": {}}},
                               {"name": "X-Tag", "in": "header", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"name": {"type": "string", "pattern": "^(a|aa)+$"}}}}}}},
            }
        },
        "/next": {"get": {"operationId": "getNext", "responses": {"200": {"description": "ok"}}}},
    },
}

ARAZZO = {
    "arazzo": "1.0.1",
    "info": {"title": "fuzzed", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "./api.json", "type": "openapi"}],
    "workflows": [{
        "workflowId": "fuzzed",
        "inputs": {"type": "object", "properties": {
            "id": {"type": "string"}, "tags": {"type": "array"}, "body": {"type": "object"},
            "password": {"type": "string", "format": "password"}}},
        "steps": [
            {"stepId": "post", "operationId": "postItem",
             "parameters": [{"name": "id", "in": "path", "value": "$inputs.id"},
                            {"name": "q", "in": "query", "value": "$inputs.tags"},
                            {"name": "X-Tag", "in": "header", "value": "$inputs.password"}],
             "requestBody": {"payload": {"wrapped": "$inputs.body", "id": "$inputs.id"},
                             "replacements": [{"target": "/extra", "value": "$inputs.password"}]},
             "successCriteria": [
                 {"condition": "$statusCode == 200"},
                 {"context": "$response.body", "type": "jsonpath", "condition": "$[?search(@, '^(a|aa)+$')]"},
                 {"context": "$response.header.Content-Type", "type": "regex", "condition": "json|xml"}],
             "onFailure": [{"name": "again", "type": "retry", "retryAfter": 0, "retryLimit": 2}],
             "outputs": {"name": "$response.body#/name", "tag": "$response.header.X-Tag"}},
            {"stepId": "next", "operationId": "getNext",
             "successCriteria": [{"context": "$response.body", "type": "xpath", "condition": "count(//a) >= 0"}],
             "onSuccess": [{"name": "loop", "type": "goto", "stepId": "post",
                            "criteria": [{"condition": "$statusCode == 299"}]}]},
        ],
        "outputs": {"name": "$steps.post.outputs.name"},
    }],
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)

CONTENT_TYPES = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "application/json; charset=idna", "text/xml",
    "application/xml; charset=utf-16", "text/plain; charset=no-such", "application/problem+json",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "*/*", "application/json;;;="])
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40)


ID_TEXT = st.one_of(st.text(min_size=1, max_size=20), st.sampled_from(["..", ".", "a/b", "a\r\nX-Injected: 1", "%2e%2e",
                                                                   "\ud800", "?x=1#f", "\x00", "é" * 50]))
WELL_TYPED = st.fixed_dictionaries(
    {"id": ID_TEXT, "password": st.just(SECRET)},
    optional={"tags": st.lists(JSON, max_size=4), "body": st.dictionaries(st.text(max_size=8), JSON, max_size=4),
              "other": JSON})
INPUTS = st.one_of(WELL_TYPED, WELL_TYPED, WELL_TYPED,
                   st.dictionaries(st.sampled_from(["id", "tags", "body", "password", "other"]), JSON, max_size=5))


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["json", "xml", "binary", "echo-secret", "deep", "huge-number"]))
    if kind == "json":
        return json.dumps(draw(JSON)).encode()
    if kind == "xml":
        inner = draw(st.text(alphabet="<>/a&;!x ", max_size=60))
        return f"<r>{inner}</r>".encode()
    if kind == "echo-secret":
        form = draw(st.sampled_from([SECRET, quote(SECRET, safe=""), json.dumps(SECRET)[1:-1],
                                     base64.b64encode(SECRET.encode()).decode()]))
        return json.dumps({"name": "aa", "seen": form}).encode()
    if kind == "deep":
        depth = draw(st.integers(100, 5000))
        return b"[" * depth + b"]" * depth
    if kind == "huge-number":
        return b'{"name": ' + b"9" * draw(st.integers(4000, 6000)) + b"}"
    return draw(st.binary(max_size=200))


@st.composite
def answers(draw: st.DrawFn) -> httpx.Response:
    body = draw(bodies())
    headers = {"Content-Type": draw(CONTENT_TYPES)}
    if draw(st.booleans()):
        headers["X-Tag"] = draw(HEADER_TEXT)
    if draw(st.booleans()):
        headers["Retry-After"] = draw(st.sampled_from(["0", "-1", "1e308", "nan", "²", "Wed, 21 Oct 2015 07:28:00 GMT",
                                                        "", "99999999999999999999"]))
    encoding = draw(st.sampled_from([None, "gzip", "deflate", "gzip, gzip", "br", "garbage"]))
    if encoding is not None:
        headers["Content-Encoding"] = encoding
        if encoding.startswith("gzip") and draw(st.booleans()):
            body = gzip.compress(body)
    raw = [(name.encode(), value.encode("utf-8")) for name, value in headers.items()]  # bytes, as on the wire
    return httpx.Response(draw(st.integers(100, 599)), headers=raw, stream=_Unread(body))


class _Unread(httpx.SyncByteStream):
    """A body still to be read, as a network transport's is."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield self._body


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzzed")
    (root / "api.json").write_text(json.dumps(OPENAPI), "utf-8")
    (root / "fuzzed.arazzo.json").write_text(json.dumps(ARAZZO), "utf-8")
    return root / "fuzzed.arazzo.json"


def _shown(value: Any) -> str:
    return repr(value) + json.dumps(value, default=repr)


def _secret_forms() -> set[str]:
    return {SECRET, quote(SECRET, safe=""), json.dumps(SECRET)[1:-1], base64.b64encode(SECRET.encode()).decode()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inputs=INPUTS, replies=st.lists(answers(), min_size=1, max_size=6))
def test_any_inputs_and_any_answers_end_in_a_result_or_a_documented_error(
        document: Path, inputs: dict[str, Any], replies: list[httpx.Response]) -> None:
    pending = list(replies)

    def answer(request: httpx.Request) -> httpx.Response:
        return pending.pop(0) if pending else httpx.Response(200, json={"name": "aa"})

    limits = DEFAULT_LIMITS.with_values(max_steps=20, evaluation_timeout=0.2, max_total_retry_wait=1)
    runner = Runner(transport=httpx.MockTransport(answer), limits=limits, auth={"api.key": SECRET},
                    sleep=lambda seconds: None, environ={})
    try:
        result = runner.run(document, "fuzzed", inputs)
    except ArazzoError as exc:
        shown = str(exc)
    else:
        shown = _shown([result.error, [(s.step_id, s.error, s.request, s.warnings) for s in result.steps]])
    assert not any(form in shown for form in _secret_forms())
