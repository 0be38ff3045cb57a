"""Strings with embedded ``{$expression}`` parts, and the evaluation of parameter values and payloads.

An embedded expression is ``{`` + a whole runtime expression + ``}``. Everything else is literal text, kept
byte for byte: braces around something that is not an expression (``{"a":1}``, ``{invalid}``) and an
expression whose braces are doubled (``{{$url}}``, ``{$url}}``) — doubling is how a literal ``{$url}`` is
written. Because names and pointers never contain ``{`` or ``}``, an embedded expression ends at the first
``}``; so a JSON text with templated string values (the specification's "JSON Templated Example") works.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from arazzo_runner.errors import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_runner.expressions.ast import RuntimeExpression
from arazzo_runner.expressions.context import ExpressionContext
from arazzo_runner.expressions.missing import MISSING
from arazzo_runner.expressions.parser import is_runtime_expression, parse_expression
from arazzo_runner.text import to_text


def stringify(value: Any) -> str:
    """How an embedded value reads in text: missing as ``""``, otherwise :func:`arazzo_runner.text.to_text`."""
    return "" if value is MISSING else to_text(value)


@dataclass(frozen=True)
class Template:
    """A string split into literal text and embedded runtime expressions."""

    parts: tuple[str | RuntimeExpression, ...]

    @property
    def expressions(self) -> tuple[RuntimeExpression, ...]:
        """The embedded expressions, in order (repeats included)."""
        return tuple(part for part in self.parts if isinstance(part, RuntimeExpression))

    @property
    def is_literal(self) -> bool:
        """Whether there is no embedded expression at all."""
        return not any(isinstance(part, RuntimeExpression) for part in self.parts)

    def render(self, context: ExpressionContext, *, strict: bool = False) -> str:
        """Substitute every embedded expression (see :func:`stringify`); values are not re-interpolated.

        With ``strict`` an expression that has no value raises :class:`ExpressionEvaluationError` instead of
        rendering as ``""``.
        """
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = part.evaluate(context)
            if strict and value is MISSING:
                raise ExpressionEvaluationError(
                    f"embedded expression '{{{part}}}' in {str(self)!r} has no value"
                )
            out.append(stringify(value))
        return "".join(out)

    def __str__(self) -> str:
        return "".join(part if isinstance(part, str) else f"{{{part}}}" for part in self.parts)


@lru_cache(maxsize=2048)
def parse_template(text: str) -> Template:
    """Split ``text`` into literal text and ``{$expression}`` parts; never raises for odd braces."""
    parts: list[str | RuntimeExpression] = []
    literal_from = pos = 0
    while (opening := text.find("{", pos)) >= 0 and (closing := text.find("}", opening + 1)) >= 0:
        opening = text.rfind("{", opening, closing)
        pos = closing + 1
        doubled = text[opening - 1 : opening] == "{" or text[closing + 1 : closing + 2] == "}"
        if doubled or not text.startswith("$", opening + 1):
            continue
        try:
            expression = parse_expression(text[opening + 1 : closing])
        except ExpressionSyntaxError:
            continue
        if opening > literal_from:
            parts.append(text[literal_from:opening])
        parts.append(expression)
        literal_from = pos
    if literal_from < len(text):
        parts.append(text[literal_from:])
    return Template(tuple(parts))


def evaluate_value(value: Any, context: ExpressionContext) -> Any:
    """Evaluate a parameter value, payload or replacement value.

    Objects and arrays are walked recursively (a new ``dict``/``list`` is returned). A string that is exactly
    one runtime expression becomes the referenced value with its type; a string with embedded ``{$...}``
    becomes the rendered text; anything else is returned unchanged. A referenced value that does not exist
    raises :class:`ExpressionEvaluationError` naming the expression, rather than sending ``null``.
    """
    if isinstance(value, str):
        if is_runtime_expression(value):
            result = parse_expression(value).evaluate(context)
            if result is MISSING:
                raise ExpressionEvaluationError(f"runtime expression '{value}' has no value")
            return result
        if "{" in value:
            return parse_template(value).render(context, strict=True)
        return value
    if isinstance(value, Mapping):
        return {key: evaluate_value(item, context) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [evaluate_value(item, context) for item in value]
    return value


def iter_value_expressions(value: Any) -> Iterator[RuntimeExpression]:
    """Every runtime expression :func:`evaluate_value` would evaluate in ``value``, for static checks."""
    if isinstance(value, str):
        if is_runtime_expression(value):
            yield parse_expression(value)
        elif "{" in value:
            yield from parse_template(value).expressions
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from iter_value_expressions(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_value_expressions(item)
