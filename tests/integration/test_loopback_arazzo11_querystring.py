"""Arazzo 1.1 ``in: querystring``: the whole query string, as the loopback server reads it off the socket.

A string value is the query string as written (the spec's examples); an object is form-encoded, or written as
JSON text and percent-encoded when the operation's OpenAPI 3.2 querystring parameter has JSON ``content``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from doc_builder import ARAZZO_1_1, WORKFLOW, Documents, operation, param, step
from recording_server import RecordingServer

from arazzo_runner.errors import Diagnostic, DocumentError
from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner

JSON_QUERYSTRING = {"name": "q", "in": "querystring", "content": {"application/json": {"schema": {}}}}
FORM_QUERYSTRING = {"name": "search", "in": "querystring", "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": {}}}}
OUTPUTS = {"url": "$url", "filter": "$request.query.filter"}


def querystring(value: Any, name: str = "q") -> dict[str, Any]:
    return {"name": name, "in": "querystring", "value": value}


def run_querystring(docs: Documents, given: Sequence[Mapping[str, Any]], *, declared: Sequence[Any] = (),
                    inputs: Mapping[str, Any] | None = None, openapi_version: str = "3.1.0",
                    outputs: Mapping[str, str] = OUTPUTS, **fields: Any) -> RunResult:
    document = docs.flow({"/items": {"get": operation("op", parameters=declared)}},
                         [step("call", "op", parameters=list(given), outputs=dict(outputs))],
                         version=ARAZZO_1_1, openapi_version=openapi_version, **fields)
    return Runner().run(document, WORKFLOW, dict(inputs or {}))


CASES = [
    pytest.param("filter=active&sort=desc&limit=50", (), {}, "filter=active&sort=desc&limit=50", "active",
                 id="spec-example-static"),
    pytest.param("category={$inputs.category}&minPrice={$inputs.minPrice}&inStock=true", (),
                 {"category": "books & more", "minPrice": 10}, "category=books+%26+more&minPrice=10&inStock=true",
                 None, id="spec-example-embedded-expressions-escaped"),
    pytest.param('{"filter":"active","sort":"desc","limit":50}', [JSON_QUERYSTRING], {},
                 "%7B%22filter%22%3A%22active%22%2C%22sort%22%3A%22desc%22%2C%22limit%22%3A50%7D", None,
                 id="spec-example-json-content"),
    pytest.param('{"filter":"{$inputs.filter}"}', [JSON_QUERYSTRING], {"filter": 'say "hi"'},
                 "%7B%22filter%22%3A%22say%20%5C%22hi%5C%22%22%7D", None, id="json-embedded-value-escaped"),
    pytest.param("$inputs.query", [JSON_QUERYSTRING], {"query": {"numbers": [1, 2], "flag": None}},
                 "%7B%22numbers%22%3A%5B1%2C2%5D%2C%22flag%22%3Anull%7D", None, id="json-content-object-input"),
    pytest.param("$inputs.query", (), {"query": {"filter": "new arrivals", "tag": ["a", "b"]}},
                 "filter=new+arrivals&tag=a&tag=b", "new arrivals", id="object-input-form-encoded"),
    pytest.param({"filter": "active", "limit": 50}, (), {}, "filter=active&limit=50", "active",
                 id="object-literal-form-encoded"),
    pytest.param("$inputs.query", (), {"query": "filter=a%20b&x=1"}, "filter=a%20b&x=1", "a b",
                 id="string-input-kept-as-encoded"),
    pytest.param("filter=a b#c", (), {}, "filter=a%20b%23c", "a b#c", id="characters-a-query-cannot-hold-encoded"),
    pytest.param("filter=x", [{**FORM_QUERYSTRING, "name": "q"}], {}, "filter=x", "x", id="openapi-3.2-form-content"),
]


@pytest.mark.parametrize(("value", "declared", "inputs", "query", "filter_sent"), CASES)
def test_querystring_value_is_the_whole_query(docs: Documents, server: RecordingServer, value: Any,
                                              declared: Sequence[Any], inputs: dict[str, Any], query: str,
                                              filter_sent: str | None) -> None:
    result = run_querystring(docs, [querystring(value)], declared=declared, inputs=inputs, openapi_version="3.2.0")

    assert result.status == "succeeded", result.error
    assert server.last.method == "GET"
    assert server.last.target == f"/items?{query}"
    assert result.steps[0].outputs["url"] == f"{server.url}/items?{query}"
    assert result.steps[0].outputs.get("filter") == filter_sent
    expected_warning = [] if declared else [
        "parameter 'q' (in querystring) is not declared by GET /items (api: op); sent anyway as "
        "application/x-www-form-urlencoded"]
    assert [w for w in result.steps[0].warnings if "querystring" in w] == expected_warning


def test_an_openapi_3_1_description_cannot_declare_one_so_nothing_is_said(docs: Documents,
                                                                          server: RecordingServer) -> None:
    result = run_querystring(docs, [querystring("a=1")], outputs={})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items?a=1"
    assert result.steps[0].warnings == ()


def test_a_differently_named_step_parameter_fills_the_operations_querystring(docs: Documents,
                                                                             server: RecordingServer) -> None:
    result = run_querystring(docs, [querystring({"filter": "x y"}, name="params")], declared=[FORM_QUERYSTRING],
                             openapi_version="3.2.0")

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items?filter=x+y"
    assert result.steps[0].warnings == ("parameter 'params' (in querystring) fills the querystring parameter "
                                        "'search' of GET /items (api: op)",)


def test_header_path_and_cookie_parameters_go_with_it(docs: Documents, server: RecordingServer) -> None:
    document = docs.flow({"/items/{id}": {"get": operation("op", parameters=[param("id", "path"),
                                                                             param("X-Mode", "header")])}},
                         [step("call", "op", parameters=[querystring("a=1&b=2"),
                                                         {"name": "id", "in": "path", "value": 7},
                                                         {"name": "X-Mode", "in": "header", "value": "fast"}])],
                         version=ARAZZO_1_1)

    result = Runner().run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items/7?a=1&b=2"
    assert server.last.header("x-mode") == "fast"


def test_an_api_key_in_the_query_is_added_after_the_query_string(docs: Documents, server: RecordingServer) -> None:
    schemes = {"queryKey": {"type": "apiKey", "in": "query", "name": "api_key"}}
    document = docs.flow({"/items": {"get": operation("op", security=[{"queryKey": []}])}},
                         [step("call", "op", parameters=[querystring("filter=active&sort=desc")])],
                         api_components={"securitySchemes": schemes}, version=ARAZZO_1_1)

    result = Runner(auth={"api.queryKey": "k/1"}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items?filter=active&sort=desc&api_key=k%2F1"


def test_a_server_url_query_is_kept_in_front(docs: Documents, server: RecordingServer) -> None:
    result = run_querystring(docs, [querystring("a=1")], servers=[{"url": f"{server.url}/v1?tenant=t1"}])

    assert result.status == "succeeded", result.error
    assert server.last.target == "/v1/items?tenant=t1&a=1"


def test_a_workflow_querystring_parameter_reaches_every_step(docs: Documents, server: RecordingServer) -> None:
    document = docs.flow({"/items": {"get": operation("op")}},
                         [step("first", "op"), step("second", "op", parameters=[querystring("own=1")])],
                         parameters=[querystring("page={$inputs.page}")], version=ARAZZO_1_1)

    result = Runner().run(document, WORKFLOW, {"page": 2})

    assert result.status == "succeeded", result.error
    assert [r.target for r in server.requests] == ["/items?page=2", "/items?own=1"]


def test_a_reusable_querystring_parameter_and_its_value_override(docs: Documents, server: RecordingServer) -> None:
    components = {"parameters": {"search": querystring("filter=all")}}
    document = docs.flow({"/items": {"get": operation("op")}},
                         [step("plain", "op", parameters=[{"reference": "$components.parameters.search"}]),
                          step("overridden", "op", parameters=[{"reference": "$components.parameters.search",
                                                               "value": {"filter": "mine"}}])],
                         components=components, version=ARAZZO_1_1)

    result = Runner().run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert [r.target for r in server.requests] == ["/items?filter=all", "/items?filter=mine"]


def test_an_unset_optional_querystring_is_left_out_with_a_warning(docs: Documents, server: RecordingServer) -> None:
    result = run_querystring(docs, [querystring("$inputs.absent")], outputs={})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items"
    assert result.steps[0].warnings == ("parameter 'q' omitted: $inputs.absent has no value",)


RUN_FAILURES = [
    pytest.param("filter=active", [JSON_QUERYSTRING], {},
                 "querystring parameter 'q': the value is not JSON text, which its application/json content "
                 "requires (Expecting value: line 1 column 1 (char 0))", id="json-content-not-json"),
    pytest.param("$inputs.query", (), {"query": ["a", "b"]},
                 "querystring parameter 'q': an application/x-www-form-urlencoded query string is written from a "
                 "string or an object, not an array", id="form-array"),
    pytest.param("$inputs.absent", [FORM_QUERYSTRING], {},
                 "required parameter 'q' has no value: $inputs.absent is not set", id="required-unset"),
    pytest.param("a={$inputs.absent}", (), {},
                 "embedded expression '{$inputs.absent}' in 'a={$inputs.absent}' has no value", id="embedded-unset"),
]


@pytest.mark.parametrize(("value", "declared", "inputs", "message"), RUN_FAILURES)
def test_a_querystring_that_cannot_be_written_fails_the_step_before_sending(
        docs: Documents, server: RecordingServer, value: Any, declared: Sequence[Any], inputs: dict[str, Any],
        message: str) -> None:
    result = run_querystring(docs, [querystring(value)], declared=declared, inputs=inputs, openapi_version="3.2.0")

    assert result.status == "failed"
    assert message in (result.steps[0].error or ""), result.steps[0].error
    assert server.requests == []


def position(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the ``occurrence``-th ``needle`` in a written document."""
    seen = 0
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        column = line.find(needle)
        if column >= 0:
            seen += 1
            if seen == occurrence:
                return number, column + 1
    raise AssertionError(f"{needle!r} not in {path}")


def refused(docs: Documents, server: RecordingServer, document: Path, rule: str) -> Diagnostic:
    with pytest.raises(DocumentError) as caught:
        Runner().run(document, WORKFLOW, {})
    assert server.requests == []
    (found,) = [d for d in caught.value.diagnostics if d.rule == rule]
    return found


def test_querystring_with_a_query_parameter_is_refused_and_never_sent(docs: Documents,
                                                                      server: RecordingServer) -> None:
    document = docs.flow({"/items": {"get": operation("op")}},
                         [step("call", "op", parameters=[querystring("a=1"),
                                                         {"name": "limit", "in": "query", "value": 5}])],
                         version=ARAZZO_1_1)

    found = refused(docs, server, document, "querystring-with-query")

    assert found.message == ("step 'call': querystring parameter 'q' is the whole query string; it cannot be "
                             "combined with query parameter 'limit'")
    assert (found.location.line, found.location.column) == position(document, "in: querystring")


def test_an_inherited_query_parameter_counts_too(docs: Documents, server: RecordingServer) -> None:
    document = docs.flow({"/items": {"get": operation("op")}}, [step("call", "op", parameters=[querystring("a=1")])],
                         parameters=[{"name": "limit", "in": "query", "value": 5}], version=ARAZZO_1_1)

    found = refused(docs, server, document, "querystring-with-query")

    assert found.message == ("step 'call': querystring parameter 'q' is the whole query string; it cannot be "
                             "combined with query parameter 'limit' (inherited from the workflow)")
    assert (found.location.line, found.location.column) == position(document, "in: querystring")


def test_two_querystring_parameters_are_refused(docs: Documents, server: RecordingServer) -> None:
    document = docs.flow({"/items": {"get": operation("op")}},
                         [step("call", "op", parameters=[querystring("a=1", name="p"), querystring("b=2")])],
                         version=ARAZZO_1_1)

    found = refused(docs, server, document, "duplicate-querystring")

    assert found.message == ("step 'call' has querystring parameters 'p' and 'q'; a request has one query string "
                             "(a step overrides an inherited one only under the same name)")
    assert (found.location.line, found.location.column) == position(document, "in: querystring", 2)


def test_a_1_0_document_is_told_querystring_is_arazzo_1_1(docs: Documents, server: RecordingServer) -> None:
    document = docs.flow({"/items": {"get": operation("op")}}, [step("call", "op", parameters=[querystring("a=1")])])

    found = refused(docs, server, document, "arazzo-1.1-field")

    assert found.message == ("'in: querystring' is Arazzo 1.1; this document declares 1.0 (write 'arazzo: 1.1.0' "
                             "to use it)")
    assert (found.location.line, found.location.column) == position(document, "in: querystring")
