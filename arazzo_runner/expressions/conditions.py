"""Simple conditions (Criterion ``type: simple``): parsing and evaluation.

Grammar (``conformance/conditions/grammar.bnf``, RFC 9535-style), by precedence from tightest::

    comparable  = literal / operand                 ; operand = runtime expression *(".name" / "[n]")
    basic       = ["!"] "(" or ")" / ["!"] comparable / comparable op comparable
    and         = basic *("&&" basic)
    or          = and *("||" and)

Comparisons do not chain (``a < b < c`` is a syntax error) and ``!`` applies to a single value or a
parenthesised group (``!$a == 1`` is a syntax error; write ``!($a == 1)``). Comparison semantics are in
:mod:`arazzo_runner.expressions.compare`; a bare value holds only when it is the boolean ``true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from arazzo_runner.errors import ExpressionSyntaxError
from arazzo_runner.expressions.ast import (
    And,
    Bare,
    BoolNode,
    Comparable,
    Comparison,
    Group,
    Literal,
    Not,
    Operand,
    Or,
    RuntimeExpression,
    iter_expressions,
)
from arazzo_runner.expressions.context import ExpressionContext
from arazzo_runner.expressions.lexer import COMPARISON_OPS, Token, tokenize
from arazzo_runner.expressions.parser import parse_expression

MAX_NESTING: Final = 64
"""Deepest parenthesis nesting accepted, so hostile input cannot exhaust the Python stack."""

_MEMBER_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True)
class Condition:
    """A parsed simple condition; ``root`` is its AST."""

    root: BoolNode

    def evaluate(self, context: ExpressionContext) -> bool:
        """Whether the condition holds in ``context``; never raises for missing values."""
        return self.root.evaluate(context)

    def explain(self, context: ExpressionContext) -> str:
        """The condition with the actual values in place of its expressions (``401 == 200``)."""
        return self.root.explain(context)

    @property
    def expressions(self) -> tuple[RuntimeExpression, ...]:
        """The runtime expressions the condition reads, left to right (for static checks)."""
        return tuple(iter_expressions(self.root))

    def __str__(self) -> str:
        return str(self.root)


def _navigation(token: Token, start: int, text: str) -> tuple[str | int, ...]:
    """The ``.member`` / ``[index]`` accessors in ``token.text[start:]``."""
    body = token.text
    accessors: list[str | int] = []
    pos = start
    while pos < len(body):
        if body[pos] == ".":
            end = pos + 1
            while end < len(body) and body[end] in _MEMBER_CHARS:
                end += 1
            if end == pos + 1:
                raise ExpressionSyntaxError("expected a member name after '.'", text, token.column + end)
            accessors.append(body[pos + 1 : end])
        elif body[pos] == "[":
            end = pos + 1
            while end < len(body) and body[end].isascii() and body[end].isdigit():
                end += 1
            if end == pos + 1 or body[end : end + 1] != "]":
                raise ExpressionSyntaxError("expected '[<digits>]'", text, token.column + end)
            if end - pos > 19:
                raise ExpressionSyntaxError("array index too large", text, token.column + pos + 1)
            accessors.append(int(body[pos + 1 : end]))
            end += 1
        else:
            raise ExpressionSyntaxError("expected '.name' or '[index]'", text, token.column + pos)
        pos = end
    return tuple(accessors)


def _operand(token: Token, text: str) -> Operand:
    """Split an operand token into the longest runtime expression that leaves valid accessors."""
    body = token.text
    cuts = [len(body), *(i for i in range(len(body) - 1, 0, -1) if body[i] in ".[")]
    navigation_error: ExpressionSyntaxError | None = None
    for cut in cuts:
        try:
            expression = parse_expression(body[:cut])
        except ExpressionSyntaxError:
            continue
        try:
            return Operand(expression, _navigation(token, cut, text))
        except ExpressionSyntaxError as exc:
            navigation_error = navigation_error or exc
    if navigation_error is not None:
        raise navigation_error
    try:
        parse_expression(body)
    except ExpressionSyntaxError as exc:
        raise ExpressionSyntaxError(exc.reason, text, token.column + exc.column) from None
    raise AssertionError("unreachable: the whole operand parsed")  # pragma: no cover


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, reason: str, token: Token) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, self.text, token.column)

    def condition(self) -> BoolNode:
        node = self.or_()
        if self.token.kind != "end":
            raise self.error(self._unexpected(self.token), self.token)
        return node

    def _unexpected(self, token: Token) -> str:
        reason = f"unexpected token {token.describe()}"
        before = self.tokens[self.index - 2].kind if token.kind in COMPARISON_OPS and self.index >= 2 else ""
        if before == "!":
            return reason + " ('!' applies to one value or a group: write '!(a == b)')"
        if before in COMPARISON_OPS:
            return reason + " (comparisons do not chain; combine them with '&&')"
        return reason

    def or_(self) -> BoolNode:
        items = [self.and_()]
        while self.token.kind == "||":
            self.advance()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> BoolNode:
        items = [self.basic()]
        while self.token.kind == "&&":
            self.advance()
            items.append(self.basic())
        return items[0] if len(items) == 1 else And(tuple(items))

    def basic(self) -> BoolNode:
        if self.token.kind == "!":
            self.advance()
            return Not(self.group() if self.token.kind == "(" else Bare(self.comparable()))
        if self.token.kind == "(":
            return self.group()
        left = self.comparable()
        if self.token.kind in COMPARISON_OPS:
            op = self.advance().kind
            return Comparison(left, op, self.comparable())
        return Bare(left)

    def group(self) -> Group:
        opening = self.advance()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"parentheses nested deeper than {MAX_NESTING}", opening)
        inner = self.or_()
        if self.token.kind != ")":
            where, found = opening.column + 1, self.token.describe()
            raise self.error(f"expected ')' to close '(' at column {where}, found {found}", self.token)
        self.advance()
        self.depth -= 1
        return Group(inner)

    def comparable(self) -> Comparable:
        token = self.token
        if token.kind in ("number", "string", "keyword"):
            self.advance()
            return Literal(token.value, token.text)
        if token.kind == "operand":
            self.advance()
            return _operand(token, self.text)
        raise self.error(f"expected an operand, found {token.describe()}", token)


@lru_cache(maxsize=2048)
def parse_condition(text: str) -> Condition:
    """Parse a simple condition; raises :class:`ExpressionSyntaxError` with the offending column."""
    return Condition(_Parser(text).condition())
