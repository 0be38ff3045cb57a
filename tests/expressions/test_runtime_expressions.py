"""Runtime expressions: the conformance table, evaluation against a context, errors with columns."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.errors import ExpressionSyntaxError
from arazzo_runner.expressions import (
    MISSING,
    ExpressionContext,
    RequestData,
    ResponseData,
    RuntimeExpression,
    is_runtime_expression,
    parse_expression,
)
from tests.expressions.support import EXPRESSION_CASES, case_id

VALID = [c["expression"] for c in EXPRESSION_CASES["valid"] if c["arazzo"] == "1.0+"]
# Entries flagged "1.1-only" ($self, $message.*) parse: the grammar is one for both versions, and validation
# refuses them in a 1.0 document (rule arazzo-1.1-field), where the document's version is known.
ONLY_1_1 = [c["expression"] for c in EXPRESSION_CASES["valid"] if c["arazzo"] == "1.1-only"]
INVALID = [c["expression"] for c in EXPRESSION_CASES["invalid"]]


@pytest.mark.parametrize("text", VALID, ids=case_id)
def test_valid_expression_parses_and_round_trips(text: str) -> None:
    expression = parse_expression(text)
    assert str(expression) == text
    assert parse_expression(str(expression)) == expression
    assert is_runtime_expression(text)


@pytest.mark.parametrize("text", ONLY_1_1, ids=case_id)
def test_arazzo_1_1_only_expression_parses_and_round_trips(text: str) -> None:
    expression = parse_expression(text)
    assert expression.kind in ("self", "message")
    assert str(expression) == text
    assert is_runtime_expression(text)


@pytest.mark.parametrize("text", INVALID, ids=case_id)
def test_invalid_expression_is_rejected(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse_expression(text)
    assert not is_runtime_expression(text)


@pytest.mark.parametrize(
    ("text", "kind", "parts", "pointer"),
    [
        ("$url", "url", (), None),
        ("$statusCode", "statusCode", (), None),
        ("$request.header.X-Custom-Header", "request", ("header", "X-Custom-Header"), None),
        ("$request.query.", "request", ("query", ""), None),
        ("$request.body", "request", ("body",), None),
        ("$request.body#", "request", ("body",), ""),
        ("$response.body#/a~1b/0", "response", ("body",), "/a~1b/0"),
        ("$inputs.my.nested.name", "inputs", ("my.nested.name",), None),
        ("$inputs.customer#/firstName", "inputs", ("customer",), "/firstName"),
        ("$steps.login.outputs.token#/v", "steps", ("login", "outputs", "token"), "/v"),
        ("$workflows.w-1.inputs.user_name", "workflows", ("w-1", "inputs", "user_name"), None),
        ("$sourceDescriptions.petStore.url", "sourceDescriptions", ("petStore", "url"), None),
        ("$components.failureActions.logError", "components", ("failureActions", "logError"), None),
    ],
)
def test_expression_exposes_kind_parts_and_pointer(
    text: str, kind: str, parts: tuple[str, ...], pointer: str | None
) -> None:
    expression = parse_expression(text)
    assert (expression.kind, expression.parts, expression.pointer) == (kind, parts, pointer)


def test_query_name_escapes_are_decoded_and_respelled() -> None:
    expression = parse_expression('$request.query.a\\u0041\\"b c')
    assert expression.parts == ("query", 'aA"b c')
    assert parse_expression(str(expression)) == expression


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        ("", 0, "a runtime expression starts with '$'"),
        ("inside $url string", 0, "a runtime expression starts with '$'"),
        ("$", 1, "expected a runtime expression name after '$', found end of input"),
        ("$unknown.type", 1, "unknown runtime expression '$unknown'"),
        ("$urlx", 1, "unknown runtime expression '$urlx'"),
        ("$url.x", 4, "unexpected character '.' after '$url'"),
        ("$inputs.foo}", 11, "unexpected character '}' after the input name"),
        ("$inputs.{foo}", 8, "expected an input name, found '{'"),
        ("$request.body#/foo}", 18, "character '}' is not allowed in a JSON pointer"),
        ("$request.body#foo", 14, "a JSON pointer starts with '/', found 'f'"),
        ("$request.body#/a~2", 16, "'~' in a JSON pointer must be followed by '0' or '1'"),
        ("$request.cookie.x", 9, "expected one of 'header', 'query', 'path', 'body' after '$request.'"),
        ("$response.query.x", 10, "expected one of 'header', 'body' after '$response.', found 'query'"),
        ("$steps.a.b", 8, "expected '.outputs.' after the step id"),
        ("$steps.a.b.outputs.c", 8, "expected '.outputs.' after the step id"),
        ("$workflows.w.params.x", 13, "expected one of 'inputs', 'outputs' after the workflow id"),
        ("$components.inputs.x", 12, "expected one of 'parameters', 'successActions', 'failureActions'"),
        ("$components.parameters.x#/a", 24, "unexpected character '#' after the component name"),
        ("$request.header.a b", 17, "unexpected character ' ' after the header name"),
        ("$sourceDescriptions.api.", 24, "expected a source description reference, found end of input"),
        ("$request.query.a\\x", 16, "invalid escape sequence"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_syntax_error_reports_reason_and_column(text: str, column: int, reason: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_expression(text)
    error = info.value
    assert error.reason.startswith(reason)
    assert error.column == column
    assert error.text == text
    assert str(error).splitlines() == [
        f"{error.reason} at column {column + 1}",
        f"  {text}",
        "  " + " " * column + "^",
    ]


def test_is_runtime_expression_keeps_jsonpath_and_non_strings_literal() -> None:
    assert not is_runtime_expression("$.items[*]")
    assert not is_runtime_expression("$inputs.scope}")
    assert not is_runtime_expression(42)
    assert is_runtime_expression("$inputs.scope")


def test_parsing_is_cached() -> None:
    assert parse_expression("$inputs.cached") is parse_expression("$inputs.cached")


BODY = {"items": [{"id": 7, "tags": ["a"]}], "a/b": 1, "m~n": 2, "": "empty-key", "nothing": None}
CONTEXT = ExpressionContext(
    url="https://api.example.com/pets?limit=1",
    method="GET",
    status_code=200,
    request=RequestData(
        headers={"X-Request-Id": "r-1"},
        query={"limit": "1", "": "empty"},
        path={"petId": 42},
        body={"name": "Rex"},
    ),
    response=ResponseData(headers={"content-type": "application/json", "Set-Cookie": "a=1"}, body=BODY),
    inputs={"customer": {"firstName": "Ada"}, "my.dotted": "exact", "my": {"dotted": "navigated", "x": 3}},
    outputs={"token": "t-1"},
    steps={"login": {"token": "abc", "user": {"name": "Ada"}}},
    workflows={"auth": {"inputs": {"user": "ada"}, "outputs": {"token": {"accessToken": "xyz"}}}},
    source_descriptions={
        "petStore": {"url": "https://example.com/openapi.yaml", "type": "openapi", "getPet": "op"}
    },
    components={"parameters": {"storeId": {"name": "storeId", "in": "header", "value": "s1"}}},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$url", "https://api.example.com/pets?limit=1"),
        ("$method", "GET"),
        ("$statusCode", 200),
        ("$request.header.x-request-id", "r-1"),
        ("$request.header.X-REQUEST-ID", "r-1"),
        ("$request.query.limit", "1"),
        ("$request.query.", "empty"),
        ("$request.path.petId", 42),
        ("$request.body#/name", "Rex"),
        ("$response.header.Content-Type", "application/json"),
        ("$response.header.set-cookie", "a=1"),
        ("$response.body", BODY),
        ("$response.body#", BODY),
        ("$response.body#/items/0/id", 7),
        ("$response.body#/items/0/tags/0", "a"),
        ("$response.body#/a~1b", 1),
        ("$response.body#/m~0n", 2),
        ("$response.body#/", "empty-key"),
        ("$response.body#/nothing", None),
        ("$inputs.customer#/firstName", "Ada"),
        ("$inputs.my.dotted", "exact"),
        ("$inputs.my.x", 3),
        ("$outputs.token", "t-1"),
        ("$steps.login.outputs.token", "abc"),
        ("$steps.login.outputs.user#/name", "Ada"),
        ("$steps.login.outputs.user.name", "Ada"),
        ("$workflows.auth.inputs.user", "ada"),
        ("$workflows.auth.outputs.token#/accessToken", "xyz"),
        ("$sourceDescriptions.petStore.url", "https://example.com/openapi.yaml"),
        ("$sourceDescriptions.petStore.getPet", "op"),
        ("$components.parameters.storeId", {"name": "storeId", "in": "header", "value": "s1"}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_expression_evaluates_to_the_referenced_value_with_its_type(text: str, expected: Any) -> None:
    assert parse_expression(text).evaluate(CONTEXT) == expected


@pytest.mark.parametrize(
    "text",
    [
        "$response.body#/items/1",
        "$response.body#/items/01",
        "$response.body#/items/-",
        "$response.body#/items/" + "9" * 5000,
        "$response.body#/items/0/id/deeper",
        "$response.body#/nothing/deeper",
        "$response.body#/absent",
        "$response.header.x-absent",
        "$request.query.absent",
        "$inputs.absent",
        "$inputs.my.absent",
        "$inputs.customer#/lastName",
        "$steps.absent.outputs.token",
        "$steps.login.outputs.absent",
        "$workflows.absent.outputs.token",
        "$sourceDescriptions.absent.url",
        "$components.successActions.absent",
    ],
    ids=lambda text: text if len(text) < 60 else text[:40] + "...",
)
def test_unresolvable_expression_evaluates_to_missing(text: str) -> None:
    assert parse_expression(text).evaluate(CONTEXT) is MISSING


def test_message_expressions_are_missing_outside_an_operation_step() -> None:
    empty = ExpressionContext()
    for text in ("$url", "$method", "$statusCode", "$request.body", "$response.header.a", "$request.query.q"):
        assert parse_expression(text).evaluate(empty) is MISSING


def test_request_body_that_is_absent_is_missing_but_json_null_is_none() -> None:
    assert parse_expression("$response.body").evaluate(ExpressionContext(response=ResponseData())) is MISSING
    with_null = ExpressionContext(response=ResponseData(body=None))
    assert parse_expression("$response.body").evaluate(with_null) is None
    assert parse_expression("$response.body#/a").evaluate(with_null) is MISSING


def test_pointer_into_a_text_body_is_missing() -> None:
    text_body = ExpressionContext(response=ResponseData(body='{"a": 1}'))
    assert parse_expression("$response.body#/a").evaluate(text_body) is MISSING
    assert parse_expression("$response.body").evaluate(text_body) == '{"a": 1}'


def test_expression_nodes_are_frozen_and_hashable() -> None:
    expression = parse_expression("$inputs.a")
    assert isinstance(expression, RuntimeExpression)
    assert hash(expression) == hash(RuntimeExpression("inputs", ("a",)))
    with pytest.raises(AttributeError):
        expression.kind = "outputs"  # type: ignore[misc]
