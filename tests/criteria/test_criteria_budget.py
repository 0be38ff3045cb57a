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

    assert time.monotonic() - started < 3.0
    assert outcome.error is not None and "took longer than 1 s (evaluation_timeout)" in outcome.error
