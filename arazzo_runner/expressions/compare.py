"""How a simple condition compares two values.

Arazzo 1.0.1 fixes only that string comparison is case-insensitive; the rest follows Arazzo 1.1 and the
reference implementation (swaggerexpert/arazzo-criterion):

* strings compare case-insensitively (``casefold``), for ``==`` and for ordering alike;
* a string that is a JSON number compares as that number when the other side is a number
  (``$statusCode == '200'``); two numeric strings still compare as strings;
* ``null`` equals only ``null``, and a missing value behaves as ``null`` for ``==``/``!=``;
* ordering with ``null``/missing, with booleans, with containers or across types is false;
* booleans equal only booleans (``true == 1`` is false); arrays and objects compare structurally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from arazzo_runner.expressions.lexer import number_value
from arazzo_runner.expressions.missing import MISSING
from arazzo_runner.expressions.navigate import is_array


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(value: Any) -> int | float | None:
    if _is_number(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        return number_value(value)
    return None


def equals(left: Any, right: Any) -> bool:
    """``left == right`` under the condition rules."""
    if left is None or left is MISSING or right is None or right is MISSING:
        return (left is None or left is MISSING) and (right is None or right is MISSING)
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if _is_number(left) or _is_number(right):
        a, b = _as_number(left), _as_number(right)
        return a is not None and b is not None and a == b
    if isinstance(left, str) or isinstance(right, str):
        return False
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return dict(left) == dict(right)
    if is_array(left) and is_array(right):
        return list(left) == list(right)
    return False


def _ordering_keys(left: Any, right: Any) -> tuple[Any, Any] | None:
    """The pair to order, or ``None`` when the two values cannot be ordered."""
    if isinstance(left, bool) or isinstance(right, bool):
        return None
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold(), right.casefold()
    if _is_number(left) or _is_number(right):
        a, b = _as_number(left), _as_number(right)
        return None if a is None or b is None else (a, b)
    return None


def _ordering(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(left: Any, right: Any) -> bool:
        keys = _ordering_keys(left, right)
        return keys is not None and test(*keys)

    return compare


COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": equals,
    "!=": lambda left, right: not equals(left, right),
    "<": _ordering(lambda a, b: a < b),
    "<=": _ordering(lambda a, b: a <= b),
    ">": _ordering(lambda a, b: a > b),
    ">=": _ordering(lambda a, b: a >= b),
}
"""Comparison operator -> predicate, keyed by the operator as written in a condition."""
