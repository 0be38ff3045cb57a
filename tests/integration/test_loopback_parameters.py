"""Parameters go on the wire as the operation's OpenAPI description says (style, explode, allowReserved).

Every case runs a one-step workflow over real loopback HTTP and asserts the raw request target, header or
cookie the server read off the socket. Expected texts follow the OpenAPI 3.1.1 style examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, operation, param, step
from recording_server import RecordingServer

from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner

COLORS = ["blue", "black", "brown"]
RGB = {"R": 100, "G": 200, "B": 150}


def run_step(docs: Documents, declared: Sequence[Mapping[str, Any]], given: Sequence[Mapping[str, Any]], *,
             path: str = "/items", inputs: Mapping[str, Any] | None = None) -> RunResult:
    """Run one GET step of operation ``op`` (declaring ``declared``) with the step parameters ``given``."""
    document = docs.flow({path: {"get": operation("op", parameters=declared)}},
                         [step("call", "op", parameters=list(given))])
    return Runner().run(document, WORKFLOW, dict(inputs or {}))


def from_input(name: str, location: str) -> dict[str, Any]:
    """A step parameter whose value is the workflow input ``value`` (so arrays and objects keep their type)."""
    return {"name": name, "in": location, "value": "$inputs.value"}


PATH_CASES = [
    pytest.param({}, "blue", "/items/blue", id="simple-primitive"),
    pytest.param({}, 42, "/items/42", id="simple-integer"),
    pytest.param({}, True, "/items/true", id="simple-boolean"),
    pytest.param({}, COLORS, "/items/blue,black,brown", id="simple-array"),
    pytest.param({}, RGB, "/items/R,100,G,200,B,150", id="simple-object"),
    pytest.param({"explode": True}, RGB, "/items/R=100,G=200,B=150", id="simple-object-explode"),
    pytest.param({"style": "label"}, "blue", "/items/.blue", id="label-primitive"),
    pytest.param({"style": "label"}, COLORS, "/items/.blue,black,brown", id="label-array"),
    pytest.param({"style": "label", "explode": True}, COLORS, "/items/.blue.black.brown", id="label-array-explode"),
    pytest.param({"style": "label"}, RGB, "/items/.R,100,G,200,B,150", id="label-object"),
    pytest.param({"style": "label", "explode": True}, RGB, "/items/.R=100.G=200.B=150", id="label-object-explode"),
    pytest.param({"style": "matrix"}, "blue", "/items/;color=blue", id="matrix-primitive"),
    pytest.param({"style": "matrix"}, COLORS, "/items/;color=blue,black,brown", id="matrix-array"),
    pytest.param({"style": "matrix", "explode": True}, COLORS, "/items/;color=blue;color=black;color=brown",
                 id="matrix-array-explode"),
    pytest.param({"style": "matrix"}, RGB, "/items/;color=R,100,G,200,B,150", id="matrix-object"),
    pytest.param({"style": "matrix", "explode": True}, RGB, "/items/;R=100;G=200;B=150", id="matrix-object-explode"),
    pytest.param({}, "a b/c", "/items/a%20b%2Fc", id="space-and-slash-encoded"),
    pytest.param({}, "café ☕", "/items/caf%C3%A9%20%E2%98%95", id="unicode-utf8-encoded"),
    pytest.param({}, "50%?#", "/items/50%25%3F%23", id="percent-question-hash-encoded"),
    pytest.param({}, ["a/b", "c d"], "/items/a%2Fb,c%20d", id="array-items-encoded-separators-kept"),
    pytest.param({"style": "matrix"}, "x y", "/items/;color=x%20y", id="matrix-value-encoded"),
]


@pytest.mark.parametrize(("fields", "value", "expected"), PATH_CASES)
def test_path_parameter_is_serialized_by_style_and_explode(docs: Documents, server: RecordingServer,
                                                           fields: dict[str, Any], value: Any, expected: str) -> None:
    result = run_step(docs, [param("color", "path", **fields)], [from_input("color", "path")],
                      path="/items/{color}", inputs={"value": value})

    assert result.status == "succeeded", result.error
    assert server.last.target == expected
    assert result.steps[0].request is not None
    assert result.steps[0].request.url == server.url + expected


QUERY_CASES = [
    pytest.param({}, "blue", "color=blue", id="form-primitive"),
    pytest.param({}, COLORS, "color=blue&color=black&color=brown", id="form-array-explode-default"),
    pytest.param({"explode": False}, COLORS, "color=blue,black,brown", id="form-array-no-explode"),
    pytest.param({}, RGB, "R=100&G=200&B=150", id="form-object-explode-default"),
    pytest.param({"explode": False}, RGB, "color=R,100,G,200,B,150", id="form-object-no-explode"),
    pytest.param({"style": "spaceDelimited", "explode": False}, COLORS, "color=blue%20black%20brown",
                 id="space-delimited-array"),
    pytest.param({"style": "pipeDelimited", "explode": False}, COLORS, "color=blue%7Cblack%7Cbrown",
                 id="pipe-delimited-array"),
    pytest.param({"style": "deepObject", "explode": True}, RGB, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
                 id="deep-object"),
    pytest.param({}, "a b/c?d", "color=a%20b%2Fc%3Fd", id="reserved-encoded-by-default"),
    pytest.param({"allowReserved": True}, "a/b?c:d@e", "color=a/b?c:d@e", id="allow-reserved-keeps-reserved"),
    pytest.param({"allowReserved": True}, "x&y=z#w", "color=x%26y%3Dz%23w", id="allow-reserved-encodes-splitters"),
    pytest.param({}, "é ☕", "color=%C3%A9%20%E2%98%95", id="unicode-utf8-encoded"),
    pytest.param({}, True, "color=true", id="boolean-json-spelling"),
]


@pytest.mark.parametrize(("fields", "value", "expected"), QUERY_CASES)
def test_query_parameter_is_serialized_by_style_and_explode(docs: Documents, server: RecordingServer,
                                                            fields: dict[str, Any], value: Any, expected: str) -> None:
    result = run_step(docs, [param("color", "query", **fields)], [from_input("color", "query")],
                      inputs={"value": value})

    assert result.status == "succeeded", result.error
    assert server.last.path == "/items"
    assert server.last.query == expected


HEADER_CASES = [
    pytest.param({}, "blue", "blue", id="simple-primitive"),
    pytest.param({}, 5, "5", id="simple-integer"),
    pytest.param({}, COLORS, "blue,black,brown", id="simple-array"),
    pytest.param({}, RGB, "R,100,G,200,B,150", id="simple-object"),
    pytest.param({"explode": True}, RGB, "R=100,G=200,B=150", id="simple-object-explode"),
]


@pytest.mark.parametrize(("fields", "value", "expected"), HEADER_CASES)
def test_header_parameter_is_serialized_as_simple_style(docs: Documents, server: RecordingServer,
                                                        fields: dict[str, Any], value: Any, expected: str) -> None:
    result = run_step(docs, [param("X-Color", "header", **fields)], [from_input("X-Color", "header")],
                      inputs={"value": value})

    assert result.status == "succeeded", result.error
    assert server.last.header_values("x-color") == [expected]


COOKIE_CASES = [
    pytest.param({}, "blue", [("color", "blue")], id="form-primitive"),
    pytest.param({"explode": False}, COLORS, [("color", "blue,black,brown")], id="form-array-no-explode"),
    pytest.param({}, "a b;c", [("color", "a%20b%3Bc")], id="value-encoded"),
]


@pytest.mark.parametrize(("fields", "value", "expected"), COOKIE_CASES)
def test_cookie_parameter_is_sent_in_the_cookie_header(docs: Documents, server: RecordingServer,
                                                       fields: dict[str, Any], value: Any,
                                                       expected: list[tuple[str, str]]) -> None:
    result = run_step(docs, [param("color", "cookie", **fields)], [from_input("color", "cookie")],
                      inputs={"value": value})

    assert result.status == "succeeded", result.error
    assert server.last.cookies() == expected


@pytest.mark.parametrize("value", [pytest.param("café", id="latin-1-letter"),
                                   pytest.param("snow ☃", id="outside-latin-1")])
def test_non_ascii_header_value_never_escapes_as_an_exception(docs: Documents, server: RecordingServer,
                                                              value: str) -> None:
    result = run_step(docs, [param("X-Name", "header")], [from_input("X-Name", "header")], inputs={"value": value})

    if result.status == "succeeded":  # sent as UTF-8 octets (http.server reads header bytes as latin-1)
        assert (server.last.header("x-name") or "").encode("latin-1").decode("utf-8") == value
    else:  # or refused with an error that names the parameter
        assert "'X-Name'" in (result.steps[0].error or "")
        assert server.requests == []


def test_header_value_with_a_line_break_fails_the_step_before_sending(docs: Documents,
                                                                      server: RecordingServer) -> None:
    result = run_step(docs, [param("X-Name", "header")], [from_input("X-Name", "header")],
                      inputs={"value": "x\r\nX-Injected: 1"})

    assert result.status == "failed"
    assert "header parameter 'X-Name' contains a line break" in (result.steps[0].error or "")
    assert server.requests == []


def test_operation_path_target_is_resolved_and_called(docs: Documents, server: RecordingServer) -> None:
    docs.openapi({"/items/{id}": {"get": operation("getItem", parameters=[param("id", "path")])}})
    target = "{$sourceDescriptions.api.url}#/paths/~1items~1{id}/get"
    document = docs.arazzo([{"workflowId": WORKFLOW, "steps": [
        {"stepId": "byPath", "operationPath": target, "parameters": [{"name": "id", "in": "path", "value": "a b"}]}]}])

    result = Runner().run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items/a%20b"


def test_every_location_lands_in_one_request(docs: Documents, server: RecordingServer) -> None:
    declared = [param("id", "path"), param("q", "query"), param("X-Mode", "header"),
                param("session", "cookie"), param("lang", "cookie")]
    given = [{"name": "id", "in": "path", "value": 7}, {"name": "q", "in": "query", "value": "dogs"},
             {"name": "X-Mode", "in": "header", "value": "fast"}, {"name": "session", "in": "cookie", "value": "s1"},
             {"name": "lang", "in": "cookie", "value": "en"}]

    result = run_step(docs, declared, given, path="/items/{id}")

    assert result.status == "succeeded", result.error
    assert server.last.target == "/items/7?q=dogs"
    assert server.last.header("x-mode") == "fast"
    assert server.last.header_values("cookie") == ["session=s1; lang=en"]


@pytest.mark.parametrize(("location", "check"), [
    pytest.param("query", lambda r: r.query == "trace=t-1", id="query"),
    pytest.param("header", lambda r: r.header("trace") == "t-1", id="header"),
    pytest.param("cookie", lambda r: r.cookies() == [("trace", "t-1")], id="cookie"),
])
def test_undeclared_parameter_is_sent_with_a_warning(docs: Documents, server: RecordingServer, location: str,
                                                     check: Any) -> None:
    result = run_step(docs, [], [{"name": "trace", "in": location, "value": "t-1"}])

    assert result.status == "succeeded", result.error
    assert check(server.last), server.last
    (warning,) = result.steps[0].warnings
    assert "'trace'" in warning and f"in {location}" in warning and "not declared" in warning


def test_optional_parameter_from_an_unset_input_is_omitted_with_a_warning(docs: Documents,
                                                                          server: RecordingServer) -> None:
    declared = [param("color", "query"), param("size", "query")]
    given = [{"name": "color", "in": "query", "value": "$inputs.missing"}, {"name": "size", "in": "query", "value": 3}]

    result = run_step(docs, declared, given)

    assert result.status == "succeeded", result.error
    assert server.last.query == "size=3"
    assert result.steps[0].warnings == ("parameter 'color' omitted: $inputs.missing has no value",)


@pytest.mark.parametrize(("declared", "path"), [
    pytest.param(param("color", "query", required=True), "/items", id="required-query"),
    pytest.param(param("color", "header", required=True), "/items", id="required-header"),
    pytest.param(param("color", "path"), "/items/{color}", id="path-always-required"),
])
def test_required_parameter_from_an_unset_input_fails_the_step_before_sending(
        docs: Documents, server: RecordingServer, declared: dict[str, Any], path: str) -> None:
    given = [{"name": "color", "in": declared["in"], "value": "$inputs.missing"}]

    result = run_step(docs, [declared], given, path=path)

    assert result.status == "failed"
    (only,) = result.steps
    assert only.status == "failed"
    assert only.request is None and only.status_code is None
    assert only.error is not None
    assert re.fullmatch(r"required parameter 'color' has no value: \$inputs\.missing is not set "
                        r"\(at \S*arazzo\.yaml:\d+:\d+\)", only.error), only.error
    assert "'call'" in (result.error or "")
    assert server.requests == []


def test_embedded_template_over_an_unset_input_fails_the_step_before_sending(docs: Documents,
                                                                             server: RecordingServer) -> None:
    given = [{"name": "color", "in": "query", "value": "dark-{$inputs.missing}"}]

    result = run_step(docs, [param("color", "query")], given)

    assert result.status == "failed"
    assert "'{$inputs.missing}' in 'dark-{$inputs.missing}' has no value" in (result.steps[0].error or "")
    assert server.requests == []


def test_workflow_parameters_reach_every_step_and_a_step_overrides_by_name_and_in(
        docs: Documents, server: RecordingServer) -> None:
    paths = {"/items": {"get": operation("op", parameters=[param("limit", "query"), param("X-Trace", "header")])}}
    steps = [
        step("inherits", "op"),
        step("overridesQuery", "op", parameters=[{"name": "limit", "in": "query", "value": 20}]),
        step("overridesHeaderCaseInsensitively", "op", parameters=[{"name": "x-trace", "in": "header",
                                                                    "value": "own"}]),
        step("sameNameOtherPlace", "op", parameters=[{"name": "limit", "in": "header", "value": "h"}]),
    ]
    document = docs.flow(paths, steps, parameters=[{"name": "limit", "in": "query", "value": 10},
                                                   {"name": "X-Trace", "in": "header", "value": "$inputs.trace"}])

    result = Runner().run(document, WORKFLOW, {"trace": "abc"})

    assert result.status == "succeeded", result.error
    first, second, third, fourth = server.requests
    assert (first.query, first.header_values("x-trace")) == ("limit=10", ["abc"])
    assert (second.query, second.header_values("x-trace")) == ("limit=20", ["abc"])
    assert (third.query, third.header_values("x-trace")) == ("limit=10", ["own"])
    assert (fourth.query, fourth.header_values("x-trace"), fourth.header("limit")) == ("limit=10", ["abc"], "h")


def test_reusable_component_parameter_keeps_its_value_unless_overridden(docs: Documents,
                                                                        server: RecordingServer) -> None:
    paths = {"/items": {"get": operation("op", parameters=[param("page", "query", schema={"type": "integer"})])}}
    reference = "$components.parameters.page"
    steps = [step("plain", "op", parameters=[{"reference": reference}]),
             step("overridden", "op", parameters=[{"reference": reference, "value": 5}]),
             step("fromInput", "op", parameters=[{"reference": reference, "value": "$inputs.page"}])]
    document = docs.flow(paths, steps, components={"parameters": {"page": {"name": "page", "in": "query",
                                                                           "value": 1}}})

    result = Runner().run(document, WORKFLOW, {"page": 9})

    assert result.status == "succeeded", result.error
    assert [r.query for r in server.requests] == ["page=1", "page=5", "page=9"]
