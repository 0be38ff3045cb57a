"""The small subset of Mixpanel's segmentation expressions the stand-in understands.

``on`` may be ``properties["name"]`` (either quote style) or a bare property name. ``where`` may be
clauses joined by ``and``, each ``properties["name"] == <literal>``, ``!=``, ``defined(...)`` or
``not defined(...)`` with JSON-like literals (strings, numbers, true, false). Anything else is
refused with a message that says where it stopped, so a caller learns the stand-in's limit instead
of receiving silently wrong numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ExpressionError", "Filter", "parse_on", "parse_where", "segment_label"]

_PROPERTY = r"""properties\s*\[\s*(?:"(?P<{0}dq>[^"]*)"|'(?P<{0}sq>[^']*)')\s*\]"""
_ON = re.compile(r"\s*" + _PROPERTY.format("") + r"\s*")
_BARE_NAME = re.compile(r"\s*(?P<name>[^\s\[\]()\"'=<>!][^\[\]()\"'=<>!]*?)\s*")
_LITERAL = r"""(?P<lit>"(?:[^"\\]|\\.)*"|'[^']*'|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false)"""
_COMPARE = re.compile(r"\s*" + _PROPERTY.format("c") + r"\s*(?P<op>==|!=)\s*" + _LITERAL + r"\s*")
_DEFINED = re.compile(r"\s*(?P<neg>not\s+)?defined\s*\(\s*" + _PROPERTY.format("d") + r"\s*\)\s*")
_AND = re.compile(r"and\b")
_PROPERTY_ONLY = re.compile(r"\s*" + _PROPERTY.format("p") + r"\s*")


class ExpressionError(ValueError):
    """An ``on`` or ``where`` expression outside the supported subset; the message says why."""


def _property_name(match: re.Match[str], prefix: str) -> str:
    double, single = match.group(f"{prefix}dq"), match.group(f"{prefix}sq")
    return double if double is not None else single


def parse_on(expression: str) -> str:
    """The property name an ``on`` expression segments by.

    Raises:
        ExpressionError: For anything but ``properties["name"]`` or a bare name.
    """
    match = _ON.fullmatch(expression) or _BARE_NAME.fullmatch(expression)
    if match is None:
        raise ExpressionError(
            f"unsupported 'on' expression {expression!r}: the stand-in accepts properties[\"name\"] or a bare name"
        )
    return match.group("name") if "name" in match.groupdict() else _property_name(match, "")


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1]
    return json.loads(text)


@dataclass(frozen=True)
class Clause:
    """One comparison or ``defined`` test of a ``where`` expression."""

    prop: str
    op: str  # "==", "!=", "defined" or "not defined"
    value: Any = None

    def holds(self, properties: Mapping[str, Any]) -> bool:
        """Whether an event with ``properties`` satisfies this clause."""
        present = self.prop in properties and properties[self.prop] is not None
        if self.op == "defined":
            return present
        if self.op == "not defined":
            return not present
        equal = present and _same(properties[self.prop], self.value)
        return equal if self.op == "==" else not equal


def _same(actual: Any, expected: Any) -> bool:
    # JSON true is not the number 1, although Python's == says so.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    return bool(actual == expected)


@dataclass(frozen=True)
class Filter:
    """A parsed ``where`` expression: every clause must hold."""

    clauses: tuple[Clause, ...]

    def matches(self, properties: Mapping[str, Any]) -> bool:
        """Whether an event with ``properties`` passes the filter."""
        return all(clause.holds(properties) for clause in self.clauses)


def parse_where(expression: str) -> Filter:
    """Parse a ``where`` expression of the supported subset.

    Raises:
        ExpressionError: Naming the column (1-based) where parsing stopped.
    """
    clauses: list[Clause] = []
    position = 0
    complete = False
    while True:
        compare = _COMPARE.match(expression, position)
        defined = _DEFINED.match(expression, position)
        if compare is not None:
            clause = Clause(_property_name(compare, "c"), compare.group("op"), _literal(compare.group("lit")))
            position = compare.end()
        elif defined is not None:
            op = "not defined" if defined.group("neg") else "defined"
            clause = Clause(_property_name(defined, "d"), op)
            position = defined.end()
        else:
            # Step over a well-formed property so the column points at the operator that failed.
            known = _PROPERTY_ONLY.match(expression, position)
            position = known.end() if known is not None else position
            break
        clauses.append(clause)
        joiner = _AND.match(expression, position)
        if joiner is None:
            complete = True
            break
        position = joiner.end()
    if not complete or position != len(expression):
        raise ExpressionError(
            f"unsupported 'where' expression at column {position + 1}: {expression!r}; the stand-in accepts"
            ' properties["name"] == or != a literal, defined(properties["name"]) and not defined(...),'
            " joined by 'and'"
        )
    return Filter(tuple(clauses))


def segment_label(value: Any) -> str:
    """The key a property value gets in segmentation results; a missing value is ``undefined``."""
    if value is None:
        return "undefined"
    return value if isinstance(value, str) else json.dumps(value)
