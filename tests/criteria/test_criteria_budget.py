"""Untrusted patterns and queries are evaluated under a time budget: a criterion fails with the reason, never hangs."""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest

from arazzo_runner.criteria import evaluate_criterion
from arazzo_runner.expressions import ExpressionContext, ResponseData

EVIL_TEXT = "a" * 40 + "!"
MANY = "<r>" + "<i>x</i>" * 400 + "</r>"

CASES = [
    pytest.param("regex", None, "^(a|a)+$", EVIL_TEXT, "regular expression '^(a|a)+$' took longer than 0.2 s",
                 id="regex-catastrophic-backtracking"),
    pytest.param("jsonpath", None, "$[?search(@, '(a|a)+$')]", [EVIL_TEXT],
                 "JSONPath query took longer than 0.2 s", id="jsonpath-search-backtracking"),
    pytest.param("jsonpath", None, "$[?match(@, '(a|a)+')]", [EVIL_TEXT],
                 "JSONPath query took longer than 0.2 s", id="jsonpath-match-backtracking"),
    pytest.param("xpath", None, "count(//i[. = //i][. = //i]) > 0", MANY,
                 "took longer than 0.2 s (evaluation_timeout)", id="xpath-quadratic"),
    pytest.param("xpath", None, "matches(string(/r), '^(a|a)+$')", f"<r>{EVIL_TEXT}</r>",
                 "took longer than 0.2 s (evaluation_timeout)", id="xpath-matches-backtracking"),
]


@pytest.mark.parametrize(("kind", "version", "condition", "body", "reason"), CASES)
def test_a_runaway_evaluation_fails_its_criterion_within_the_budget(kind: str, version: str | None, condition: str,
                                                                    body: Any, reason: str) -> None:
    context = ExpressionContext(response=ResponseData(body=body))
    started = time.monotonic()

    outcome = evaluate_criterion(condition, context, context="$response.body", type=kind, version=version,
                                 timeout=0.2)

    assert time.monotonic() - started < 2.0
    assert outcome.passed is False
    assert outcome.error is not None and reason in outcome.error


@pytest.mark.parametrize(("kind", "condition", "body"), [
    pytest.param("regex", "^a+!$", EVIL_TEXT, id="regex"),
    pytest.param("jsonpath", "$[?search(@, 'a+!')]", [EVIL_TEXT], id="jsonpath-search"),
    pytest.param("xpath", "count(//i) = 400", MANY, id="xpath"),
    pytest.param("xpath", "matches('abc', '^a.c$')", "<r/>", id="xpath-matches"),
])
def test_ordinary_evaluations_pass_under_the_same_budget(kind: str, condition: str, body: Any) -> None:
    context = ExpressionContext(response=ResponseData(body=body))
    outcome = evaluate_criterion(condition, context, context="$response.body", type=kind, timeout=0.2)
    assert outcome.passed is True, outcome.error


def test_a_budget_leaves_no_tracer_and_the_regex_module_reference_restored_behind() -> None:
    from elementpath.xpath2 import _xpath2_functions
    from jsonpath_rfc9535.function_extensions import match

    before = (sys.gettrace(), _xpath2_functions.re, match.re)
    context = ExpressionContext(response=ResponseData(body=MANY))
    evaluate_criterion("count(//i[. = //i][. = //i]) > 0", context, context="$response.body", type="xpath",
                       timeout=0.05)
    assert (sys.gettrace(), _xpath2_functions.re, match.re) == before


def test_an_xpath_that_folds_a_runaway_constant_at_compile_time_fails_within_the_default_budget() -> None:
    context = ExpressionContext(response=ResponseData(body="<r/>"))
    started = time.monotonic()

    outcome = evaluate_criterion("matches('" + EVIL_TEXT + "', '^(a|a)+$')", context, context="$response.body",
                                 type="xpath")

    assert time.monotonic() - started < 10.0  # a hang guard (the pattern alone would run for hours), not a speed test
    assert outcome.error is not None and "took longer than 1 s (evaluation_timeout)" in outcome.error



def test_code_the_interpreter_runs_on_the_side_cannot_switch_the_budget_off() -> None:
    # A gc callback (Hypothesis registers one), a finalizer, a dropped generator being closed: each runs inside
    # whatever code triggered it, and the interpreter swallows what it raises. Had the budget raised there, the
    # tracer would be unset and the evaluation would go on unbounded. Here nearly every event the tracer sees
    # is of that kind; only every 1000th one is the evaluation's own.
    import gc

    from arazzo_runner import budget

    calls = 0

    def callback(phase: str, info: dict[str, int]) -> None:
        nonlocal calls
        calls += 1

    class Finalized:
        def __del__(self) -> None:
            _noop()

    def dropped() -> Any:
        try:
            yield 1
            yield 2
        finally:
            _noop()

    waiting = [dropped() for _ in range(300_000)]
    for generator in waiting:
        next(generator)  # started now, so dropping one later closes it (its finally clause runs)
    threshold = gc.get_threshold()
    gc.callbacks.append(callback)
    gc.set_threshold(1)  # a collection, so callbacks, on nearly every allocation
    started = time.monotonic()
    stopped = False
    kept: list[object] = []
    try:
        with budget.time_budget(0.1):
            while time.monotonic() - started < 3.0 and waiting:  # the guard, should the budget be switched off
                kept.append(Finalized())  # an allocation that stays: the collector runs
                Finalized()  # dropped on the spot: its finalizer runs
                waiting.pop()  # a generator dropped: closed on the spot
                if len(kept) % 1000 == 0:
                    _noop()  # the evaluation's own call
    except budget.OverBudget:
        stopped = True
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(callback)
        waiting.clear()

    assert calls > 0, "the garbage collector ran no callback"
    assert stopped, "the evaluation ran past its budget"
    assert time.monotonic() - started < 2.0


def test_a_library_that_catches_every_exception_cannot_swallow_the_budget() -> None:
    # Query engines may wrap their own steps in `except Exception`; the budget's signal must pass through them.
    from arazzo_runner import budget

    def tolerant_step() -> None:
        try:
            time.sleep(0.001)
            int("1")  # a Python-level call the tracer sees
            _noop()
        except Exception:  # noqa: BLE001 - what a tolerant library does
            pass

    started = time.monotonic()
    with pytest.raises(budget.OverBudget), budget.time_budget(0.05):
        while time.monotonic() - started < 3.0:
            tolerant_step()
    assert time.monotonic() - started < 2.0


def _noop() -> None:
    return None
