"""The mocked response of an operation: status choice, media type, body precedence and serialization, headers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arazzo_runner.errors import LoadError
from arazzo_runner.loader import SourceDocument, parse_document
from arazzo_runner.mock import MockedResponse, choose_status, mock_response, serialize
from arazzo_runner.sources import OpenAPISource
from arazzo_runner.sources.openapi import build_openapi_source


def no_loading(url: str, referrer: str) -> SourceDocument:
    raise AssertionError(f"{referrer} should not need {url}")


def unreadable(url: str, referrer: str) -> SourceDocument:
    raise LoadError(f"cannot read {url}")


def source_of(paths: dict[str, Any], components: dict[str, Any] | None = None, version: str = "3.1.0",
              text: str | None = None) -> OpenAPISource:
    data = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths,
            "components": components or {}}
    return build_openapi_source("api", parse_document(text or json.dumps(data), "http://api.test/openapi.json"),
                                no_loading)


def answer(responses: dict[str, Any], expected: int | None = None, components: dict[str, Any] | None = None,
           version: str = "3.1.0") -> MockedResponse:
    source = source_of({"/thing": {"get": {"responses": responses}}}, components, version)
    return mock_response(source.operations[0], source, no_loading, expected)


def json_content(media: str, schema: Any = None, **fields: Any) -> dict[str, Any]:
    media_object = dict(fields)
    if schema is not None:
        media_object["schema"] = schema
    return {"description": "d", "content": {media: media_object}}


@pytest.mark.parametrize(("declared", "expected", "chosen"), [
    pytest.param(["200", "404"], None, (200, "200"), id="the-declared-success"),
    pytest.param(["404", "201", "200"], None, (201, "201"), id="the-first-success-in-document-order"),
    pytest.param(["404", "2XX"], None, (200, "2XX"), id="a-success-range-is-200"),
    pytest.param(["2xx"], None, (200, "2xx"), id="a-lower-case-range"),
    pytest.param(["404", "500"], None, (404, "404"), id="no-success-takes-the-first-code"),
    pytest.param(["4XX"], None, (400, "4XX"), id="no-success-takes-the-first-range"),
    pytest.param(["default"], None, (200, "default"), id="only-default-is-200"),
    pytest.param(["default", "404"], None, (404, "404"), id="a-code-wins-over-default"),
    pytest.param([], None, (200, None), id="no-responses"),
    pytest.param(["200", "404"], 404, (404, "404"), id="expected-exact-code"),
    pytest.param(["2XX"], 204, (204, "2XX"), id="expected-in-a-declared-range"),
    pytest.param(["2XX", "201"], 201, (201, "201"), id="expected-exact-code-wins-over-range"),
    pytest.param(["200", "default"], 503, (503, "default"), id="expected-through-default"),
    pytest.param(["200", "4XX"], 503, (200, "200"), id="expected-undeclared-failure-is-ignored"),
    pytest.param(["404", "200"], 201, (201, "200"), id="expected-undeclared-success-has-the-declared-success-body"),
    pytest.param([], 201, (200, None), id="expected-with-no-responses"),
    pytest.param(["200", "404"], 99, (200, "200"), id="expected-out-of-range-is-ignored"),
    pytest.param(["200", "404"], True, (200, "200"), id="expected-boolean-is-ignored"),
])
def test_status_choice(declared: list[str], expected: int | None, chosen: tuple[int, str | None]) -> None:
    assert choose_status(declared, expected) == chosen


def test_no_responses_give_200_without_body() -> None:
    assert answer({}) == MockedResponse(200, None, b"", ())


def test_the_expected_status_selects_its_response() -> None:
    mocked = answer({"200": json_content("application/json", {"type": "integer"}),
                     "404": json_content("application/problem+json", {"type": "object", "properties": {
                         "title": {"type": "string", "default": "Not Found"}}})}, expected=404)
    assert (mocked.status, mocked.media_type, mocked.content) == (404, "application/problem+json",
                                                                  b'{"title":"Not Found"}')


def test_default_answers_with_the_expected_status_itself() -> None:
    mocked = answer({"default": json_content("application/json", {"type": "string"})}, expected=418)
    assert (mocked.status, mocked.content) == (418, b'"string"')


@pytest.mark.parametrize(("media_object", "body"), [
    pytest.param({"example": {"from": "example"}, "examples": {"a": {"value": {"from": "examples"}}},
                  "schema": {"type": "object", "example": {"from": "schema"}}}, b'{"from":"example"}',
                 id="example-first"),
    pytest.param({"examples": {"a": {"value": {"from": "examples"}}, "b": {"value": 2}},
                  "schema": {"type": "object", "example": {"from": "schema"}}}, b'{"from":"examples"}',
                 id="then-the-first-examples-entry"),
    pytest.param({"examples": {"a": {"$ref": "#/components/examples/Shared"}}}, b'{"from":"component"}',
                 id="an-examples-entry-may-be-a-ref"),
    pytest.param({"examples": {"a": {"externalValue": "https://elsewhere.test/x.json"}, "b": {"value": "v"}}},
                 b'"v"', id="entries-without-value-are-skipped"),
    pytest.param({"schema": {"type": "object", "example": {"from": "schema"}}}, b'{"from":"schema"}',
                 id="then-the-schema"),
    pytest.param({"schema": {"$ref": "#/components/schemas/Pet"}}, b'{"id":1,"name":"string"}',
                 id="a-generated-schema-example"),
    pytest.param({}, b"", id="nothing-to-go-by-is-an-empty-body"),
])
def test_body_precedence(media_object: dict[str, Any], body: bytes) -> None:
    components = {
        "examples": {"Shared": {"value": {"from": "component"}}},
        "schemas": {"Pet": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}}}},
    }
    mocked = answer({"200": {"description": "d", "content": {"application/json": media_object}}},
                    components=components)
    assert (mocked.media_type, mocked.content) == ("application/json", body)


@pytest.mark.parametrize(("declared", "chosen"), [
    pytest.param(["text/plain", "application/json"], "application/json", id="json-preferred"),
    pytest.param(["application/xml", "text/plain"], "application/xml", id="else-the-first"),
    pytest.param(["application/json; charset=utf-8"], "application/json; charset=utf-8", id="parameters-kept"),
    pytest.param(["*/*"], "application/json", id="any-is-json"),
    pytest.param(["text/*"], "text/plain", id="any-text-is-plain"),
    pytest.param(["image/*"], "application/octet-stream", id="another-range-is-octets"),
])
def test_media_type_choice(declared: list[str], chosen: str) -> None:
    content = {media: {"schema": {"type": "string"}} for media in declared}
    mocked = answer({"200": {"description": "d", "content": content}})
    assert mocked.media_type == chosen
    assert ("Content-Type", chosen) in mocked.headers


PET_XML = {"type": "object", "xml": {"name": "pet"}, "properties": {
    "id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
    "$note": {"type": "string", "nullable": True, "example": None}}}


@pytest.mark.parametrize(("media", "media_object", "body"), [
    pytest.param("application/json", {"schema": {"type": "string"}}, b'"string"', id="json-string-is-quoted"),
    pytest.param("application/vnd.api+json", {"schema": {"type": "array", "items": {"type": "integer"}}},
                 b"[1]", id="structured-json"),
    pytest.param("text/plain", {"schema": {"type": "string"}}, b"string", id="text-as-is"),
    pytest.param("text/csv", {"example": "a,b\n1,2\n"}, b"a,b\n1,2\n", id="text-example-as-is"),
    pytest.param("text/plain", {"schema": {"type": "object", "properties": {"a": {"type": "integer"}}}},
                 b'{"a":1}', id="text-of-an-object-is-json"),
    pytest.param("application/xml", {"schema": PET_XML},
                 b"<pet><id>1</id><tags>string</tags><tags>string</tags><_note /></pet>", id="xml-elements"),
    pytest.param("application/xml", {"schema": {"type": "integer"}}, b"<root>1</root>", id="xml-root"),
    pytest.param("application/xml", {"example": "<given/>", "schema": PET_XML}, b"<given/>",
                 id="xml-example-string-as-is"),
    pytest.param("application/x-www-form-urlencoded", {"schema": {"type": "object", "properties": {
        "a": {"type": "string", "default": "x y"}, "n": {"type": "array", "items": {"type": "integer"},
                                                          "minItems": 2}}}},
                 b"a=x+y&n=1&n=1", id="form"),
    pytest.param("application/octet-stream", {"schema": {"type": "string", "format": "binary"}}, b"string",
                 id="octets"),
])
def test_body_serialization(media: str, media_object: dict[str, Any], body: bytes) -> None:
    mocked = answer({"200": {"description": "d", "content": {media: media_object}}}, version="3.0.3")
    assert mocked.content == body


def test_declared_headers_are_answered_with_generated_values() -> None:
    components = {"headers": {"Limit": {"schema": {"type": "integer", "minimum": 60}}}}
    mocked = answer({"200": {"description": "d", "headers": {
        "X-Rate-Limit": {"$ref": "#/components/headers/Limit"},
        "X-Request-Id": {"schema": {"type": "string", "format": "uuid"}, "example": "req-1"},
        "X-Trace": {"examples": {"only": {"value": "trace-1"}}, "schema": {"type": "string"}},
        "X-Flags": {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "boolean"}}}}},
        "X-Tags": {"schema": {"type": "array", "items": {"type": "string"}}},
        "content-type": {"schema": {"type": "string", "example": "ignored/ignored"}},
    }, "content": {"application/json": {"schema": {"type": "boolean"}}}}}, components=components)
    assert mocked.headers == (("X-Rate-Limit", "60"), ("X-Request-Id", "req-1"), ("X-Trace", "trace-1"),
                              ("X-Flags", "[true]"), ("X-Tags", '["string"]'), ("Content-Type", "application/json"))


def test_a_header_example_cannot_add_a_line() -> None:
    mocked = answer({"200": {"description": "d", "headers": {"X-Evil": {"example": "a\r\nSet-Cookie: x=1"}}}})
    assert mocked.headers == (("X-Evil", "a Set-Cookie: x=1"),)


def test_a_response_ref_is_followed() -> None:
    components = {"responses": {"Ok": json_content("application/json", {"type": "integer", "minimum": 3})}}
    mocked = answer({"200": {"$ref": "#/components/responses/Ok"}}, components=components)
    assert (mocked.status, mocked.content) == (200, b"3")


def test_a_broken_response_ref_answers_without_body() -> None:
    mocked = answer({"200": {"$ref": "#/components/responses/Nowhere"}})
    assert mocked == MockedResponse(200, None, b"", ())


@pytest.mark.parametrize("status", [204, 304])
def test_statuses_without_content_get_no_body(status: int) -> None:
    mocked = answer({str(status): {"description": "d", "headers": {"ETag": {"example": "abc"}},
                                   "content": {"application/json": {"schema": {"type": "string"}}}}})
    assert mocked == MockedResponse(status, None, b"", (("ETag", "abc"),))


def test_yaml_numeric_response_keys() -> None:
    text = """
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /thing:
    get:
      responses:
        404: {description: missing}
        200:
          description: ok
          content: {application/json: {schema: {type: string, enum: [yes-really]}}}
"""
    source = source_of({}, text=text)
    mocked = mock_response(source.operations[0], source, no_loading)
    assert (mocked.status, mocked.content) == (200, b'"yes-really"')


def swagger(responses: dict[str, Any], produces: list[str] | None = None) -> MockedResponse:
    operation: dict[str, Any] = {"responses": responses}
    if produces is not None:
        operation["produces"] = produces
    data = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "produces": ["application/json"],
            "paths": {"/thing": {"get": operation}},
            "definitions": {"Pet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "photo": {"type": "file"}}}}}
    source = build_openapi_source("api", parse_document(json.dumps(data), "http://api.test/swagger.json"),
                                  no_loading)
    return mock_response(source.operations[0], source, no_loading)


def test_swagger_2_schema() -> None:
    mocked = swagger({"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"},
                              "headers": {"X-Count": {"type": "integer", "minimum": 2}}}})
    assert mocked == MockedResponse(200, "application/json", b'{"name":"string","photo":"string"}',
                                    (("X-Count", "2"), ("Content-Type", "application/json")))


def test_swagger_2_examples_by_media_type() -> None:
    mocked = swagger({"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"},
                              "examples": {"application/json": {"name": "Rex"}, "text/plain": "Rex"}}},
                     produces=["text/plain", "application/json"])
    assert (mocked.media_type, mocked.content) == ("application/json", b'{"name":"Rex"}')
    text_only = swagger({"200": {"description": "ok", "examples": {"text/plain": "Rex"}}}, produces=["text/plain"])
    assert (text_only.media_type, text_only.content) == ("text/plain", b"Rex")


def test_swagger_2_without_schema_has_no_body() -> None:
    assert swagger({"200": {"description": "ok"}}) == MockedResponse(200, None, b"", ())


def test_serialize_writes_json_compactly_and_keeps_non_ascii() -> None:
    assert serialize({"name": "Zoë", "n": [1, 2.5, None]}, "application/json") == \
        '{"name":"Zoë","n":[1,2.5,null]}'.encode()


RESPONSE_WORDS = ["200", "2XX", "404", "default", "description", "content", "headers", "schema", "example",
                  "examples", "value", "$ref", "application/json", "text/plain", "application/xml", "*/*",
                  "X-Header", "type", "xml", "name", "produces"]
ODD = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
              st.sampled_from(["#/components/responses/R", "#/nowhere", "string", "object"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(RESPONSE_WORDS), children, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(responses=ODD, component=ODD, version=st.sampled_from(["3.0.3", "3.1.0", "2.0"]),
       expected=st.one_of(st.none(), st.integers(0, 700)))
def test_odd_response_declarations_never_raise(responses: Any, component: Any, version: str,
                                               expected: int | None) -> None:
    data: dict[str, Any] = {"info": {"title": "t", "version": "1"},
                            "paths": {"/thing": {"get": {"responses": responses, "produces": component}}},
                            "components": {"responses": {"R": component}}}
    data.update({"swagger": "2.0"} if version == "2.0" else {"openapi": version})
    source = build_openapi_source("api", parse_document(json.dumps(data), "http://api.test/o.json"), unreadable)
    mocked = mock_response(source.operations[0], source, unreadable, expected)
    assert 100 <= mocked.status <= 599
    assert isinstance(mocked.content, bytes)
