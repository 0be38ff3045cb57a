"""AST nodes of runtime expressions and simple conditions.

Every node is a frozen dataclass with ``evaluate(context)`` and a ``__str__`` that gives back source
text: ``parse(str(node)) == node`` always holds, and ``str(node)`` equals the source whenever that was
written in the canonical spelling (single spaces around binary operators).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from arazzo_runner.expressions.compare import COMPARATORS
from arazzo_runner.expressions.context import ExpressionContext, RequestData, ResponseData
from arazzo_runner.expressions.missing import MISSING
from arazzo_runner.expressions.navigate import (
    access,
    child,
    lookup_header,
    lookup_name,
    resolve_pointer,
)
from arazzo_runner.text import to_text

KINDS = (
    "url",
    "method",
    "statusCode",
    "request",
    "response",
    "inputs",
    "outputs",
    "steps",
    "workflows",
    "sourceDescriptions",
    "components",
    "self",
    "message",
)
"""The runtime-expression sources, spelled as after the ``$`` (``self`` and ``message`` are Arazzo 1.1's)."""

_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def encode_char_name(name: str) -> str:
    """Spell a decoded ``*CHAR`` name (query/path name, source-description ref) as the grammar needs it."""
    out = []
    for ch in name:
        if ch in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[ch])
        elif ch < " " or ch in "{}":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class RuntimeExpression:
    """A parsed runtime expression such as ``$steps.login.outputs.token#/value``.

    ``kind`` is the source after ``$`` (one of :data:`KINDS`); ``parts`` are the grammatical segments
    after it, decoded: ``("login", "outputs", "token")``, ``("header", "Accept")``, ``("body",)``,
    ``("my.nested",)`` (a dotted input or output name stays one part). ``pointer`` is the RFC 6901 pointer
    after ``#`` as written (escaped), or ``None`` when there is no ``#``.
    """

    kind: str
    parts: tuple[str, ...] = ()
    pointer: str | None = None

    def evaluate(self, context: ExpressionContext) -> Any:
        """The referenced value with its JSON type, or :data:`MISSING` when it does not exist."""
        return _RESOLVERS[self.kind](self, context)

    def __str__(self) -> str:
        parts = self.parts
        if (self.kind in ("request", "response") and parts[0] in ("query", "path")) or (
            self.kind == "sourceDescriptions"
        ):
            parts = (*parts[:-1], encode_char_name(parts[-1]))
        text = "$" + self.kind + "".join("." + part for part in parts)
        return text if self.pointer is None else f"{text}#{self.pointer}"


def _message(message: RequestData | ResponseData | None, expr: RuntimeExpression) -> Any:
    if message is None:
        return MISSING
    where = expr.parts[0]
    if where == "body":
        return resolve_pointer(message.body, expr.pointer)
    if where == "header":
        return lookup_header(message.headers, expr.parts[1])
    if isinstance(message, RequestData):
        return child(message.query if where == "query" else message.path, expr.parts[1])
    return MISSING


def _named(mapping: Any, expr: RuntimeExpression, name: str) -> Any:
    return resolve_pointer(lookup_name(mapping, name), expr.pointer)


_Resolver = Callable[[RuntimeExpression, ExpressionContext], Any]

_RESOLVERS: dict[str, _Resolver] = {
    "url": lambda e, c: c.url,
    "method": lambda e, c: c.method,
    "statusCode": lambda e, c: c.status_code,
    "request": lambda e, c: _message(c.request, e),
    "response": lambda e, c: _message(c.response, e),
    "inputs": lambda e, c: _named(c.inputs, e, e.parts[0]),
    "outputs": lambda e, c: _named(c.outputs, e, e.parts[0]),
    "steps": lambda e, c: _named(child(c.steps, e.parts[0]), e, e.parts[2]),
    "workflows": lambda e, c: _named(child(child(c.workflows, e.parts[0]), e.parts[1]), e, e.parts[2]),
    "sourceDescriptions": lambda e, c: child(child(c.source_descriptions, e.parts[0]), e.parts[1]),
    "components": lambda e, c: child(child(c.components, e.parts[0]), e.parts[1]),
    "self": lambda e, c: c.self_uri,
    # AsyncAPI messages are not received yet: a `$message` expression has no value anywhere.
    "message": lambda e, c: MISSING,
}


# -- simple conditions -------------------------------------------------------------------------------------

MAX_SHOWN = 80


def show(value: Any) -> str:
    """A value as a condition would spell it: ``'text'``, ``200``, ``true``, ``null``, compact JSON; ``missing``
    when there is none. Long values are cut (explanations are for people)."""
    if value is MISSING:
        return "missing"
    if isinstance(value, str):
        text = "'" + value.replace("'", "\\'") + "'"
    else:
        text = to_text(value) if value is not None else "null"
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


@dataclass(frozen=True)
class Literal:
    """``true``, ``false``, ``null``, a number or a single-quoted string; ``text`` keeps its spelling."""

    value: None | bool | int | float | str
    text: str

    def evaluate(self, context: ExpressionContext) -> Any:
        """The literal's value."""
        return self.value

    def explain(self, context: ExpressionContext) -> str:
        """The literal as written."""
        return self.text

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Operand:
    """A runtime expression followed by condition accessors: ``$response.body.data[0].id``."""

    expression: RuntimeExpression
    accessors: tuple[str | int, ...] = ()

    def evaluate(self, context: ExpressionContext) -> Any:
        """The expression's value navigated through the accessors, or :data:`MISSING`."""
        value = self.expression.evaluate(context)
        for accessor in self.accessors:
            if value is MISSING:
                break
            value = access(value, accessor)
        return value

    def explain(self, context: ExpressionContext) -> str:
        """The operand's value, written as a condition literal would be (``missing`` when it has none)."""
        return show(self.evaluate(context))

    def __str__(self) -> str:
        steps = (f"[{a}]" if isinstance(a, int) else f".{a}" for a in self.accessors)
        return str(self.expression) + "".join(steps)


Comparable = Literal | Operand


@dataclass(frozen=True)
class Comparison:
    """``left op right`` with one of ``== != < <= > >=``."""

    left: Comparable
    op: str
    right: Comparable

    def evaluate(self, context: ExpressionContext) -> bool:
        """Compare the two values by the Arazzo rules (see :mod:`~arazzo_runner.expressions.compare`)."""
        return COMPARATORS[self.op](self.left.evaluate(context), self.right.evaluate(context))

    def explain(self, context: ExpressionContext) -> str:
        """The comparison with the actual values in place of the expressions (``401 == 200``)."""
        return f"{self.left.explain(context)} {self.op} {self.right.explain(context)}"

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Bare:
    """A bare value used as a condition; it holds only when the value is the boolean ``true``."""

    value: Comparable

    def evaluate(self, context: ExpressionContext) -> bool:
        """``True`` only for boolean ``true`` (not for ``1``, ``'x'`` or an object)."""
        return self.value.evaluate(context) is True

    def explain(self, context: ExpressionContext) -> str:
        """The value in place of the expression."""
        return self.value.explain(context)

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Group:
    """A parenthesised condition."""

    inner: BoolNode

    def evaluate(self, context: ExpressionContext) -> bool:
        """The inner condition."""
        return self.inner.evaluate(context)

    def explain(self, context: ExpressionContext) -> str:
        """The inner condition, explained, in parentheses."""
        return f"({self.inner.explain(context)})"

    def __str__(self) -> str:
        return f"({self.inner})"


@dataclass(frozen=True)
class Not:
    """``!`` applied to a bare value or to a parenthesised group."""

    operand: Bare | Group

    def evaluate(self, context: ExpressionContext) -> bool:
        """The negation of the operand."""
        return not self.operand.evaluate(context)

    def explain(self, context: ExpressionContext) -> str:
        """``!`` and the operand, explained."""
        return f"!{self.operand.explain(context)}"

    def __str__(self) -> str:
        return f"!{self.operand}"


@dataclass(frozen=True)
class And:
    """Two or more conditions joined by ``&&``; evaluation stops at the first false one."""

    items: tuple[BoolNode, ...]

    def evaluate(self, context: ExpressionContext) -> bool:
        """``True`` when every item holds."""
        return all(item.evaluate(context) for item in self.items)

    def explain(self, context: ExpressionContext) -> str:
        """Each item explained."""
        return " && ".join(item.explain(context) for item in self.items)

    def __str__(self) -> str:
        return " && ".join(map(str, self.items))


@dataclass(frozen=True)
class Or:
    """Two or more conditions joined by ``||``; evaluation stops at the first true one."""

    items: tuple[BoolNode, ...]

    def evaluate(self, context: ExpressionContext) -> bool:
        """``True`` when any item holds."""
        return any(item.evaluate(context) for item in self.items)

    def explain(self, context: ExpressionContext) -> str:
        """Each item explained."""
        return " || ".join(item.explain(context) for item in self.items)

    def __str__(self) -> str:
        return " || ".join(map(str, self.items))


BoolNode = Comparison | Bare | Group | Not | And | Or


def iter_expressions(node: BoolNode | Comparable) -> Iterator[RuntimeExpression]:
    """Every runtime expression in a condition tree, left to right."""
    if isinstance(node, Operand):
        yield node.expression
    elif isinstance(node, Comparison):
        yield from iter_expressions(node.left)
        yield from iter_expressions(node.right)
    elif isinstance(node, Bare):
        yield from iter_expressions(node.value)
    elif isinstance(node, Group):
        yield from iter_expressions(node.inner)
    elif isinstance(node, Not):
        yield from iter_expressions(node.operand)
    elif isinstance(node, And | Or):
        for item in node.items:
            yield from iter_expressions(item)
