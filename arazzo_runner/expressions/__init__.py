"""The Arazzo runtime-expression language: a pure subpackage (stdlib and :mod:`arazzo_runner.errors` only).

* :func:`parse_expression` / :func:`is_runtime_expression` — ``$inputs.x``, ``$response.body#/a/0``, …
* :func:`parse_template` — strings with embedded ``{$expression}`` parts;
* :func:`evaluate_value` / :func:`iter_value_expressions` — parameter values and request payloads;
* :func:`parse_condition` — simple criterion conditions (``$statusCode == 200 && …``);
* :class:`ExpressionContext` — what expressions are evaluated against; :data:`MISSING` — "no value".

Parsing is cached; parsed objects are immutable and may be shared between runs and threads.
"""

from __future__ import annotations

from arazzo_runner.expressions.ast import RuntimeExpression
from arazzo_runner.expressions.conditions import Condition, parse_condition
from arazzo_runner.expressions.context import ExpressionContext, RequestData, ResponseData
from arazzo_runner.expressions.missing import MISSING, Missing
from arazzo_runner.expressions.parser import is_runtime_expression, parse_expression
from arazzo_runner.expressions.templates import (
    Template,
    evaluate_value,
    iter_value_expressions,
    parse_template,
)

__all__ = [
    "MISSING",
    "Condition",
    "ExpressionContext",
    "Missing",
    "RequestData",
    "ResponseData",
    "RuntimeExpression",
    "Template",
    "evaluate_value",
    "is_runtime_expression",
    "iter_value_expressions",
    "parse_condition",
    "parse_expression",
    "parse_template",
]
