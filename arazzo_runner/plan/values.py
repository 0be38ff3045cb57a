"""Compiled values: parameter values, payloads, replacement values and outputs, parsed once at plan time.

A value from the document becomes a tree of :class:`Value` nodes: a constant, one runtime expression (the
whole string), a template (a string with embedded ``{$...}``), an object or an array. Evaluation then walks
the tree and never parses text.

The missing-value rule lives here, in one place: a runtime expression that has no value is never sent as
``null``. :meth:`Value.evaluate` returns :data:`MISSING` only when the *whole* value is such an expression
(the caller decides: omit a parameter, fail a required one, leave an output unset). Deeper inside a value it
is an :class:`ExpressionEvaluationError` naming the expression, except for an object member whose whole
value is one, which a payload leaves out when ``omitted`` is given (and is told the member's pointer).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus
from xml.sax.saxutils import escape as xml_escape

from arazzo_runner import pointer
from arazzo_runner.errors import ExpressionEvaluationError
from arazzo_runner.expressions import (
    MISSING,
    ExpressionContext,
    RuntimeExpression,
    Template,
    is_runtime_expression,
    parse_expression,
    parse_template,
)
from arazzo_runner.model import is_selector
from arazzo_runner.text import to_text

Omitted = Callable[[str, str], None]
"""Told ``(pointer of the member, expression text)`` for each object member left out of a payload."""
Path = tuple[str, ...]
"""Where a value sits in the payload (turned into a pointer only when a member is left out)."""


class Value:
    """A compiled value; ``text`` is how it was written (for messages)."""

    __slots__ = ()

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> Any:
        """The value in ``context`` (see the module docstring for missing values)."""
        raise NotImplementedError

    @property
    def is_expression(self) -> bool:
        """Whether the whole value is one runtime expression."""
        return False

    def reads(self, kind: str) -> bool:
        """Whether any expression in the value reads ``$<kind>`` (``outputs``: the outputs defined before)."""
        return False


@dataclass(frozen=True, slots=True)
class Constant(Value):
    """A literal: a scalar, or a string with no expression in it."""

    value: Any

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class Expression(Value):
    """A string that is exactly one runtime expression: the referenced value, with its JSON type."""

    expression: RuntimeExpression
    text: str

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> Any:
        return self.expression.evaluate(context)

    @property
    def is_expression(self) -> bool:
        return True

    def reads(self, kind: str) -> bool:
        return self.expression.kind == kind

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Text(Value):
    """A string with embedded ``{$expression}`` parts; an embedded expression without a value is an error."""

    template: Template

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> str:
        return self.template.render(context, strict=True)

    def reads(self, kind: str) -> bool:
        return any(expression.kind == kind for expression in self.template.expressions)


@dataclass(frozen=True, slots=True)
class EscapedText(Value):
    """A payload written as one string with embedded expressions, whose substituted values are escaped for the
    payload's media type: JSON string content inside JSON quotes, XML character data, form encoding. Without
    it, a quote in an input would break a JSON payload written as ``'{"name": "{$inputs.name}"}'``."""

    template: Template
    escapes: tuple[Callable[[Any], str], ...]
    """One per embedded expression, in order."""

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> str:
        out: list[str] = []
        index = 0
        for part in self.template.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = part.evaluate(context)
            if value is MISSING:
                raise ExpressionEvaluationError(
                    f"embedded expression '{{{part}}}' in {str(self.template)!r} has no value")
            out.append(self.escapes[index](value))
            index += 1
        return "".join(out)

    def reads(self, kind: str) -> bool:
        return any(expression.kind == kind for expression in self.template.expressions)


def compile_payload_text(text: str, media_kind: str) -> Value:
    """A string payload for a body of ``media_kind`` (``json``, ``xml``, ``form`` or other), its embedded
    values escaped for it."""
    compiled = compile_value(text)
    if not isinstance(compiled, Text) or media_kind not in ("json", "xml", "form"):
        return compiled
    template = compiled.template
    if media_kind == "xml":
        return EscapedText(template, tuple(_xml for _ in template.expressions))
    if media_kind == "form":
        return EscapedText(template, tuple(_form for _ in template.expressions))
    return EscapedText(template, tuple(_json_string if inside else to_text for inside in _in_json_string(template)))


def _in_json_string(template: Template) -> list[bool]:
    """For each embedded expression: does it sit inside a JSON string literal of the surrounding text?"""
    inside, escaped, found = False, False, []
    for part in template.parts:
        if not isinstance(part, str):
            found.append(inside)
            continue
        for char in part:
            if escaped:
                escaped = False
            elif char == "\\" and inside:
                escaped = True
            elif char == '"':
                inside = not inside
    return found


def _json_string(value: Any) -> str:
    return json.dumps(to_text(value), ensure_ascii=False)[1:-1]


def _xml(value: Any) -> str:
    return xml_escape(to_text(value), {'"': "&quot;", "'": "&apos;"})


def _form(value: Any) -> str:
    return quote_plus(to_text(value))


@dataclass(frozen=True, slots=True)
class Object(Value):
    """A JSON object of compiled members (a new ``dict`` per evaluation)."""

    members: tuple[tuple[str, Value], ...]

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, member in self.members:
            value = member.evaluate(context, omitted, (*at, key) if omitted else at)
            if value is MISSING:
                if omitted is None:
                    raise _no_value(member)
                omitted(pointer.join((*at, key)), str(member))
                continue
            result[key] = value
        return result

    def reads(self, kind: str) -> bool:
        return any(member.reads(kind) for _, member in self.members)


@dataclass(frozen=True, slots=True)
class Array(Value):
    """A JSON array of compiled items (a new ``list`` per evaluation)."""

    items: tuple[Value, ...]

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> list[Any]:
        result = []
        for index, item in enumerate(self.items):
            value = item.evaluate(context, omitted, (*at, str(index)) if omitted else at)
            if value is MISSING:
                raise _no_value(item)
            result.append(value)
        return result

    def reads(self, kind: str) -> bool:
        return any(item.reads(kind) for item in self.items)


def _no_value(value: Value) -> ExpressionEvaluationError:
    return ExpressionEvaluationError(f"runtime expression '{value}' has no value")


def compile_value(value: Any, *, selectors: bool = False) -> Value:
    """The compiled form of a value as written in the document (whose depth the loader bounds); with
    ``selectors`` (Arazzo 1.1 documents) an object that is a Selector Object selects instead of being data."""
    if isinstance(value, Mapping):
        if selectors and is_selector(value):
            return compile_selector(value)
        return Object(tuple((str(key), compile_value(item, selectors=selectors)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return Array(tuple(compile_value(item, selectors=selectors) for item in value))
    if isinstance(value, str):
        if is_runtime_expression(value):
            return Expression(parse_expression(value), value)
        if "{" in value:
            template = parse_template(value)
            if not template.is_literal:
                return Text(template)
    return Constant(value)



def compile_selector(value: Mapping[Any, Any]) -> Value:
    """A Selector Object compiled now (its context expression and its query); a selector that cannot be
    compiled is a value that fails with the reason when it is used (validation reports it first)."""
    from arazzo_runner.plan.selectors import Selected

    return Selected.of(value)
