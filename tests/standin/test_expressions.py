"""The ``on``/``where`` subset, as data tables."""

from __future__ import annotations

from typing import Any

import pytest
from mixpanel_standin.expressions import ExpressionError, parse_on, parse_where, segment_label


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ('properties["country"]', "country"),
        ("properties['$browser']", "$browser"),
        ('  properties [ "a b" ]  ', "a b"),
        ("plan", "plan"),
        ("Plan Type", "Plan Type"),
        ("$os", "$os"),
    ],
)
def test_parse_on(expression: str, name: str) -> None:
    assert parse_on(expression) == name


@pytest.mark.parametrize("expression", ['number(properties["x"])', 'properties["x"] == 1', "user[\"x\"]", "   "])
def test_parse_on_refuses_other_expressions(expression: str) -> None:
    with pytest.raises(ExpressionError, match="unsupported 'on' expression"):
        parse_on(expression)


CASES: list[tuple[str, dict[str, Any], bool]] = [
    ('properties["plan"] == "pro"', {"plan": "pro"}, True),
    ('properties["plan"] == "pro"', {"plan": "free"}, False),
    ('properties["plan"] == "pro"', {}, False),
    ('properties["plan"] != "pro"', {}, True),
    ("properties['n'] == 3", {"n": 3}, True),
    ("properties['n'] == 3", {"n": 3.0}, True),
    ('properties["flag"] == true', {"flag": True}, True),
    ('properties["flag"] == true', {"flag": 1}, False),
    ('properties["n"] == 1', {"n": True}, False),
    ('properties["s"] == "say \\"hi\\""', {"s": 'say "hi"'}, True),
    ('defined(properties["email"])', {"email": "a@b"}, True),
    ('defined(properties["email"])', {"email": None}, False),
    ('not defined(properties["email"])', {}, True),
    ('properties["a"] == 1 and properties["b"] == "x"', {"a": 1, "b": "x"}, True),
    ('properties["a"] == 1 and properties["b"] == "x"', {"a": 1, "b": "y"}, False),
    ('properties["t"] == "this and that"', {"t": "this and that"}, True),
]


@pytest.mark.parametrize(("expression", "properties", "expected"), CASES, ids=[c[0] for c in CASES])
def test_where(expression: str, properties: dict[str, Any], expected: bool) -> None:
    assert parse_where(expression).matches(properties) is expected


@pytest.mark.parametrize(
    ("expression", "column"),
    [
        ('properties["n"] > 3', 17),
        ('properties["a"] == 1 or properties["b"] == 2', 22),
        ('properties["a"] == 1 and', 25),
        ("1 == 1", 1),
    ],
)
def test_where_errors_name_the_column(expression: str, column: int) -> None:
    with pytest.raises(ExpressionError, match=f"at column {column}:"):
        parse_where(expression)


@pytest.mark.parametrize(
    ("value", "label"),
    [(None, "undefined"), ("US", "US"), (True, "true"), (3, "3"), (2.5, "2.5"), (["a"], '["a"]')],
)
def test_segment_label(value: Any, label: str) -> None:
    assert segment_label(value) == label
