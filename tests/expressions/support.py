"""Shared by the expression tests: the conformance tables and a context built from expression values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from arazzo_runner import pointer
from arazzo_runner.expressions import (
    MISSING,
    ExpressionContext,
    RequestData,
    ResponseData,
    parse_expression,
)
from tests.reference import reference_path


def load_cases(*parts: str) -> dict[str, Any]:
    """A conformance JSON file under ``arazzo/conformance``."""
    with reference_path("arazzo", "conformance", *parts).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


EXPRESSION_CASES = load_cases("expressions", "expression-cases.json")
CONDITION_CASES = load_cases("conditions", "condition-cases.json")


def case_id(text: str) -> str:
    """A readable pytest id for a case whose text may be empty."""
    return text if text else "<empty>"


def _nest(expression_pointer: str | None, value: Any) -> Any:
    """The smallest document in which ``pointer`` leads to ``value``."""
    for token in reversed(pointer.parse(expression_pointer or "")):
        value = [None] * int(token) + [value] if token.isdigit() else {token: value}
    return value


def build_context(values: Mapping[str, Any]) -> ExpressionContext:
    """A context in which each expression (key) evaluates to its value; ``MISSING`` values are left out."""
    scalars: dict[str, Any] = {}
    messages: dict[str, dict[str, Any]] = {
        "request": {"headers": {}, "query": {}, "path": {}},
        "response": {"headers": {}},
    }
    maps: dict[str, dict[str, Any]] = {
        k: {} for k in ("inputs", "outputs", "steps", "workflows", "sourceDescriptions", "components")
    }
    for text, raw in values.items():
        if raw is MISSING:
            continue
        expression = parse_expression(text)
        kind, parts, value = expression.kind, expression.parts, _nest(expression.pointer, raw)
        if kind in ("url", "method", "statusCode"):
            scalars["status_code" if kind == "statusCode" else kind] = value
        elif kind in messages:
            where = parts[0]
            if where == "body":
                messages[kind]["body"] = value
            else:
                messages[kind]["headers" if where == "header" else where][parts[1]] = value
        else:
            # ExpressionContext.steps maps a step id straight to its outputs.
            path = (parts[0], parts[2]) if kind == "steps" else parts
            target = maps[kind]
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
    return ExpressionContext(
        **scalars,
        request=RequestData(**messages["request"]),
        response=ResponseData(**messages["response"]),
        inputs=maps["inputs"],
        outputs=maps["outputs"],
        steps=maps["steps"],
        workflows=maps["workflows"],
        source_descriptions=maps["sourceDescriptions"],
        components=maps["components"],
    )
