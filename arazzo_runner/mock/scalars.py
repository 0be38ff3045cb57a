"""Example strings, numbers and booleans from the keywords that constrain them (internal to the generator).

Strings: a value for a known ``format``, else a string built for ``pattern`` (see
:mod:`~arazzo_runner.mock.patterns`), else ``"string"``; ``minLength``/``maxLength`` win over ``format``
(validators assert lengths, while ``format`` is only an annotation by default) by padding with ``x`` or
cutting. Numbers: ``1`` for integers and ``1.5`` for other numbers, moved into the bounds
(``minimum``/``maximum`` and both spellings of ``exclusiveMinimum``/``exclusiveMaximum``: the 3.0 boolean
modifier and the 3.1 number) and onto ``multipleOf`` with decimal arithmetic, so ``0.1`` steps stay exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from arazzo_runner.mock.patterns import string_for_pattern

MAX_STRING_LENGTH = 1024
"""The longest string generated, whatever ``minLength`` asks for."""

FORMAT_EXAMPLES: dict[str, str] = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri-reference": "https://example.com/",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "c3RyaW5n",  # base64 of "string"
    "base64": "c3RyaW5n",
    "binary": "string",
    "password": "password",
    "duration": "P1D",
    "json-pointer": "/",
    "regex": ".*",
}
"""The string written for each ``format`` this generator knows (any other format is ignored)."""

INTEGER_FORMATS = frozenset({"int32", "int64", "integer"})
NUMBER_FORMATS = frozenset({"float", "double", "number", "decimal"})


@dataclass(frozen=True)
class StringRules:
    """The keywords of (the conjunction of) schemas that shape a string."""

    format: str | None = None
    pattern: str | None = None
    min_length: int = 0
    max_length: int | None = None
    content_encoding: str | None = None


@dataclass(frozen=True)
class NumberRules:
    """The keywords of (the conjunction of) schemas that shape a number, bounds already made exclusive-aware."""

    minimum: Decimal | None = None
    exclusive_minimum: bool = False
    maximum: Decimal | None = None
    exclusive_maximum: bool = False
    multiple_of: Decimal | None = None


def example_string(rules: StringRules) -> str:
    """A string for ``rules`` (see the module docstring)."""
    min_length = min(rules.min_length, MAX_STRING_LENGTH)
    max_length = rules.max_length
    text: str | None = None
    if rules.format in FORMAT_EXAMPLES:
        text = FORMAT_EXAMPLES[rules.format]
    elif rules.content_encoding == "base64":
        text = FORMAT_EXAMPLES["byte"]
    if text is None and rules.pattern is not None:
        text = string_for_pattern(rules.pattern, min_length, max_length)
        if text is not None:
            return text
    text = "string" if text is None else text
    if len(text) < min_length:
        text += "x" * (min_length - len(text))
    if max_length is not None and len(text) > max_length:
        text = text[: max(max_length, 0)]
    return text


def example_number(rules: NumberRules, integer: bool) -> int | float:
    """A number for ``rules``: ``1`` (integers) or ``1.5``, moved into the bounds and onto ``multipleOf``."""
    value = Decimal(1) if integer else Decimal("1.5")
    step = rules.multiple_of if rules.multiple_of is not None and rules.multiple_of > 0 else None
    if integer:
        # Integers move in whole steps: the smallest whole multiple of ``multipleOf`` (p for p/q in lowest terms).
        step = Decimal(1) if step is None else Decimal(step.as_integer_ratio()[0])
    low, high = rules.minimum, rules.maximum
    if low is not None and (value < low or (rules.exclusive_minimum and value <= low)):
        value = low
        if rules.exclusive_minimum:
            value = (low + high) / 2 if high is not None else low + 1
    if high is not None and (value > high or (rules.exclusive_maximum and value >= high)):
        value = high
        if rules.exclusive_maximum:
            value = (low + high) / 2 if low is not None else high - 1
    if step is not None:
        value = _onto_step(value, step, rules)
    if integer:
        return int(value.to_integral_value(rounding="ROUND_CEILING"))
    return float(value)


def decimal_of(value: Any) -> Decimal | None:
    """A JSON number as a :class:`Decimal` (exact for what YAML and JSON write), or ``None`` for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _onto_step(value: Decimal, step: Decimal, rules: NumberRules) -> Decimal:
    candidate = (value / step).to_integral_value(rounding="ROUND_CEILING") * step
    low, high = rules.minimum, rules.maximum
    if low is not None and (candidate < low or (rules.exclusive_minimum and candidate <= low)):
        candidate += step
    if high is not None and (candidate > high or (rules.exclusive_maximum and candidate >= high)):
        candidate = (high / step).to_integral_value(rounding="ROUND_FLOOR") * step
        if rules.exclusive_maximum and candidate >= high:
            candidate -= step
    return candidate
