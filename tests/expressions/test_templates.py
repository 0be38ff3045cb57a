"""Embedded ``{$expression}`` templates and the evaluation of parameter values and payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from arazzo_runner.errors import ExpressionEvaluationError
from arazzo_runner.expressions import (
    MISSING,
    ExpressionContext,
    ResponseData,
    evaluate_value,
    iter_value_expressions,
    parse_expression,
    parse_template,
)
from tests.expressions.support import EXPRESSION_CASES, build_context, case_id

# The table writes "absent" as this placeholder string.
_MISSING_PLACEHOLDER = "undefined (missing)"


@pytest.mark.parametrize("case", EXPRESSION_CASES["extract"], ids=lambda case: case_id(case["input"]))
def test_template_extracts_embedded_expressions(case: dict[str, Any]) -> None:
    template = parse_template(case["input"])
    assert [str(expression) for expression in template.expressions] == case["expected"]
    assert template.is_literal == (not case["expected"])
    assert str(template) == case["input"]


@pytest.mark.parametrize(
    "case",
    EXPRESSION_CASES["interpolate_stringification"],
    ids=lambda case: json.dumps(case["value"]),
)
def test_embedded_value_is_stringified(case: dict[str, Any]) -> None:
    value = MISSING if case["value"] == _MISSING_PLACEHOLDER else case["value"]
    context = build_context({"$inputs.v": value})
    assert parse_template("{$inputs.v}").render(context) == case["rendered"]


@pytest.mark.parametrize("case", EXPRESSION_CASES["interpolate_cases"], ids=lambda case: case["template"])
def test_template_renders(case: dict[str, Any]) -> None:
    context = build_context(case["values"])
    assert parse_template(case["template"]).render(context) == case["expected"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{1.5}", "1.5"),
        ("{false}", "false"),
        ("{nested}", '{"a":[1,{"b":null}]}'),
        ("{unicode}", "café"),
        ("{bytes}", "raw"),
    ],
)
def test_render_spells_values_as_json_text(text: str, expected: str) -> None:
    values = {
        "1.5": 1.5,
        "false": False,
        "nested": {"a": [1, {"b": None}]},
        "unicode": "café",
        "bytes": b"raw",
    }
    context = ExpressionContext(inputs=values)
    template = parse_template("{$inputs." + text[1:])
    assert template.render(context) == expected


def test_strict_render_refuses_a_missing_value() -> None:
    template = parse_template("id={$inputs.id}")
    assert template.render(ExpressionContext()) == "id="
    with pytest.raises(
        ExpressionEvaluationError, match=r"embedded expression '\{\$inputs.id\}' .* has no value"
    ):
        template.render(ExpressionContext(), strict=True)


def test_specification_json_templated_payload_renders_to_json() -> None:
    payload = (
        '{\n  "petOrder": {\n    "petId": "{$inputs.pet_id}",\n    "couponCode": "{$inputs.coupon_code}",\n'
        '    "quantity": "{$inputs.quantity}",\n    "status": "placed",\n    "complete": false\n  }\n}'
    )
    template = parse_template(payload)
    assert [str(e) for e in template.expressions] == [
        "$inputs.pet_id",
        "$inputs.coupon_code",
        "$inputs.quantity",
    ]
    context = ExpressionContext(inputs={"pet_id": 7, "coupon_code": "C1", "quantity": 2})
    rendered = json.loads(template.render(context))
    assert rendered["petOrder"] == {
        "petId": "7",
        "couponCode": "C1",
        "quantity": "2",
        "status": "placed",
        "complete": False,
    }


def test_expression_inside_stray_braces_is_still_found() -> None:
    template = parse_template("{a{$url}")
    assert [str(e) for e in template.expressions] == ["$url"]
    assert template.render(ExpressionContext(url="U")) == "{aU"


def test_template_parsing_is_cached_and_round_trips() -> None:
    text = "a{$inputs.x}b{{$url}}c"
    assert parse_template(text) is parse_template(text)
    assert str(parse_template(text)) == text


CONTEXT = ExpressionContext(
    inputs={"pet": {"id": 7, "tags": ["x"]}, "count": 3, "nothing": None, "name": "Rex"},
    response=ResponseData(body={"items": [1, 2]}),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$inputs.pet", {"id": 7, "tags": ["x"]}),
        ("$inputs.count", 3),
        ("$inputs.nothing", None),
        ("$response.body#/items", [1, 2]),
        ("Hello {$inputs.name}", "Hello Rex"),
        ("$.items[*]", "$.items[*]"),
        ("$inputs.name and more", "$inputs.name and more"),
        ('{"a":1}', '{"a":1}'),
        ("plain", "plain"),
        (12, 12),
        (None, None),
        (True, True),
        (
            {
                "petId": "$inputs.pet#/id",
                "tags": ["$inputs.pet#/tags/0", "literal", 1],
                "n": "n={$inputs.count}",
            },
            {"petId": 7, "tags": ["x", "literal", 1], "n": "n=3"},
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_evaluate_value_keeps_types_and_leaves_literals(value: Any, expected: Any) -> None:
    assert evaluate_value(value, CONTEXT) == expected


def test_evaluate_value_does_not_mutate_its_input() -> None:
    payload = {"a": ["$inputs.count"]}
    evaluate_value(payload, CONTEXT)
    assert payload == {"a": ["$inputs.count"]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("$inputs.absent", "runtime expression '$inputs.absent' has no value"),
        ({"deep": ["$steps.s.outputs.x"]}, "runtime expression '$steps.s.outputs.x' has no value"),
        (
            "id={$inputs.absent}",
            "embedded expression '{$inputs.absent}' in 'id={$inputs.absent}' has no value",
        ),
    ],
)
def test_evaluate_value_refuses_to_send_a_missing_value(value: Any, message: str) -> None:
    with pytest.raises(ExpressionEvaluationError) as info:
        evaluate_value(value, CONTEXT)
    assert str(info.value) == message


def test_iter_value_expressions_finds_whole_and_embedded_expressions() -> None:
    value = {"a": "$inputs.a", "b": ["x={$steps.s.outputs.y}&z={$url}", 3, {"c": "$.literal"}], "d": None}
    found = [str(e) for e in iter_value_expressions(value)]
    assert found == ["$inputs.a", "$steps.s.outputs.y", "$url"]
    assert all(e == parse_expression(str(e)) for e in iter_value_expressions(value))
