"""Micro-benchmark of the expression language (stdlib ``timeit``).

Measures, for a typical success criterion, uncached parsing, evaluation of a parsed condition and a cached
``parse_condition`` call, next to a baseline from the same run: the equivalent comparison written directly
in Python over the same data. Ratios are "how many baseline operations one operation costs".

Run: ``.venv/bin/python benchmarks/expressions_bench.py``
"""

from __future__ import annotations

import platform
import timeit
from collections.abc import Callable

from arazzo_runner.expressions import (
    ExpressionContext,
    ResponseData,
    parse_condition,
    parse_expression,
    parse_template,
)

CONDITION = "$statusCode == 200 && $response.body.status == 'ok'"
EXPRESSION = "$response.body#/items/0/id"
TEMPLATE = "https://api.example.com/pets/{$inputs.petId}?store={$inputs.store}"
RESPONSE = ResponseData(body={"status": "OK", "items": [{"id": 7}]})
CONTEXT = ExpressionContext(status_code=200, response=RESPONSE, inputs={"petId": 7, "store": "main"})


def _uncached_condition() -> None:
    # Clear the operand cache too, so every run parses the runtime expressions as well.
    parse_expression.cache_clear()
    parse_condition.__wrapped__(CONDITION)


def _uncached_expression() -> None:
    parse_expression.__wrapped__(EXPRESSION)


def _uncached_template() -> None:
    parse_expression.cache_clear()
    parse_template.__wrapped__(TEMPLATE)


def _baseline() -> None:
    # The same test written by hand in Python, on the same objects.
    _ = CONTEXT.status_code == 200 and RESPONSE.body["status"].casefold() == "ok"


def _rate(function: Callable[[], object], repeat: int = 5) -> float:
    """Best-of-``repeat`` operations per second."""
    number = 1
    while timeit.timeit(function, number=number) < 0.2:
        number *= 2
    best = min(timeit.repeat(function, number=number, repeat=repeat))
    return number / best


def cases() -> list[tuple[str, Callable[[], object]]]:
    """(label, operation) pairs, the hand-written baseline first."""
    condition = parse_condition(CONDITION)
    expression = parse_expression(EXPRESSION)
    template = parse_template(TEMPLATE)
    assert condition.evaluate(CONTEXT) is True
    listed: list[tuple[str, Callable[[], object]]] = [
        ("baseline: hand-written Python comparison", _baseline),
        ("parse condition (uncached)", _uncached_condition),
        ("parse condition (cached)", lambda: parse_condition(CONDITION)),
        ("evaluate parsed condition", lambda: condition.evaluate(CONTEXT)),
        ("parse runtime expression (uncached)", _uncached_expression),
        ("evaluate runtime expression", lambda: expression.evaluate(CONTEXT)),
        ("parse template (uncached)", _uncached_template),
        ("render template", lambda: template.render(CONTEXT)),
    ]
    return listed


def main() -> None:
    """Print operations per second and the ratio to the baseline."""
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(f"condition: {CONDITION}")
    baseline = 0.0
    for label, function in cases():
        rate = _rate(function)
        baseline = baseline or rate
        print(f"  {label:<42} {rate:>14,.0f} ops/s   {baseline / rate:>8.1f}x baseline cost")


if __name__ == "__main__":
    main()
