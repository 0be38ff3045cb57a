"""Criterion evaluation for every type, and the failures that must not raise nor pass."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.criteria import CRITERION_TYPES, XPATH_PARSERS, CriterionOutcome, evaluate_criterion
from arazzo_runner.expressions import ExpressionContext, ResponseData

PETS_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<pets><pet id="1" status="available">Rex</pet><pet id="2" status="sold">Tom</pet></pets>'
)
PETS_JSON = {"pets": [{"id": 1, "status": "available"}, {"id": 2, "status": "sold"}], "count": 2}


def _context(body: Any = None, **inputs: Any) -> ExpressionContext:
    return ExpressionContext(status_code=200, response=ResponseData(body=body), inputs=inputs)


def _fails_with(outcome: CriterionOutcome, fragment: str) -> None:
    assert outcome.passed is False
    assert outcome.error is not None and fragment in outcome.error, outcome.error


def test_dispatch_table_is_keyed_by_the_specification_types() -> None:
    assert set(CRITERION_TYPES) == {"simple", "regex", "jsonpath", "xpath", "jsonpointer"}  # jsonpointer: 1.1


def test_unknown_type_fails_with_an_error() -> None:
    _fails_with(
        evaluate_criterion("x", _context(), context="$statusCode", type="glob"),
        "unknown criterion type 'glob'",
    )


# -- simple ----


def test_simple_condition_passes_and_fails() -> None:
    assert evaluate_criterion("$statusCode == 200", _context()) == CriterionOutcome(True)
    assert evaluate_criterion("$statusCode == 404", _context()) == CriterionOutcome(False)


def test_simple_condition_ignores_a_given_context() -> None:
    outcome = evaluate_criterion("$statusCode == 200", _context(), context="$response.body", type="simple")
    assert outcome == CriterionOutcome(True)


def test_simple_syntax_error_fails_with_the_caret_message() -> None:
    outcome = evaluate_criterion("$statusCode ==", _context())
    _fails_with(outcome, "expected an operand, found end of input at column 15")
    assert outcome.error is not None and outcome.error.splitlines()[-1] == "  " + " " * 14 + "^"


def test_simple_takes_no_version() -> None:
    _fails_with(evaluate_criterion("true", _context(), version="x"), "a simple criterion takes no version")


# -- regex ----


@pytest.mark.parametrize(
    ("pattern", "body", "expected"),
    [
        ("^200$", None, True),  # the specification's example, on $statusCode
        ("^20", None, True),
        ("^2$", None, False),
    ],
)
def test_regex_on_status_code_matches_its_decimal_text(pattern: str, body: Any, expected: bool) -> None:
    assert evaluate_criterion(pattern, _context(body), context="$statusCode", type="regex").passed is expected


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("Hello World", "world|World"),
        (1.5, r"^1\.5$"),
        (True, "^true$"),
        ({"a": [1, "x"]}, r'^\{"a":\[1,"x"\]\}$'),
    ],
    ids=["string", "float", "boolean", "object-as-compact-json"],
)
def test_regex_subject_is_the_context_value_as_text(body: Any, pattern: str) -> None:
    assert evaluate_criterion(pattern, _context(body), context="$response.body", type="regex").passed


def test_regex_search_is_unanchored() -> None:
    assert evaluate_criterion("ell", _context("Hello"), context="$response.body", type="regex").passed


def test_regex_substitutes_embedded_expressions_first() -> None:
    outcome = evaluate_criterion(
        "^{$inputs.prefix}0$", _context(prefix="20"), context="$statusCode", type="regex"
    )
    assert outcome == CriterionOutcome(True)


def test_regex_quantifier_braces_are_not_expressions() -> None:
    assert evaluate_criterion(r"^\d{3}$", _context(), context="$statusCode", type="regex").passed


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"condition": "(", "context": "$statusCode"}, "invalid regular expression '('"),
        ({"condition": "x", "context": "$response.body"}, "context $response.body is null"),
        ({"condition": "x", "context": "$inputs.absent"}, "context $inputs.absent has no value"),
        ({"condition": "x"}, "a regex criterion needs a context"),
        ({"condition": "x", "context": "$inputs."}, "invalid context: expected an input name"),
        ({"condition": "^{$inputs.absent}$", "context": "$statusCode"}, "'{$inputs.absent}'"),
        (
            {"condition": "x", "context": "$statusCode", "version": "pcre"},
            "a regex criterion takes no version",
        ),
    ],
    ids=[
        "invalid-pattern",
        "null-context",
        "missing-context",
        "no-context",
        "bad-context",
        "missing-embedded",
        "version",
    ],
)
def test_regex_errors_fail_with_a_message(kwargs: dict[str, Any], fragment: str) -> None:
    condition = kwargs.pop("condition")
    _fails_with(evaluate_criterion(condition, _context(None), type="regex", **kwargs), fragment)


# -- jsonpath ----


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("$.pets[*]", True),
        ("$.pets[?@.status == 'sold']", True),
        ("$.pets[?@.status == 'pending']", False),
        ("$.count", True),
        ("$.missing", False),
        # The specification's example: under RFC 9535 it filters the root's children and count() counts the
        # nodes of @.pets (1), so on this document it selects nothing; `$.pets[*]` is the robust form.
        ("$[?count(@.pets) > 0]", False),
    ],
)
def test_jsonpath_passes_on_a_non_empty_node_list(query: str, expected: bool) -> None:
    outcome = evaluate_criterion(query, _context(PETS_JSON), context="$response.body", type="jsonpath")
    assert outcome == CriterionOutcome(expected)


@pytest.mark.parametrize("version", [None, "rfc9535", "draft-goessner-dispatch-jsonpath-00"])
def test_jsonpath_versions_use_the_rfc9535_engine(version: str | None) -> None:
    context = _context(PETS_JSON)
    assert evaluate_criterion(
        "$.pets[0]", context, context="$response.body", type="jsonpath", version=version
    ).passed
    assert not evaluate_criterion(
        "$.pets[5]", context, context="$response.body", type="jsonpath", version=version
    ).passed


def test_jsonpath_parses_a_text_context_as_json() -> None:
    outcome = evaluate_criterion("$.a[0]", _context('{"a": [1]}'), context="$response.body", type="jsonpath")
    assert outcome == CriterionOutcome(True)


def test_jsonpath_substitutes_embedded_expressions_first() -> None:
    context = _context(PETS_JSON, wanted="sold")
    outcome = evaluate_criterion(
        "$.pets[?@.status == '{$inputs.wanted}']", context, context="$response.body", type="jsonpath"
    )
    assert outcome == CriterionOutcome(True)


@pytest.mark.parametrize(
    ("body", "query", "version", "fragment"),
    [
        ("not json", "$.a", None, "context $response.body is not JSON"),
        (None, "$.a", None, "context $response.body is null"),
        (PETS_JSON, "$.pets[", None, "invalid JSONPath query '$.pets['"),
        (PETS_JSON, "pets", None, "invalid JSONPath query 'pets'"),
        (PETS_JSON, "$.pets", "jsonpath-ng", "unsupported jsonpath version 'jsonpath-ng'"),
    ],
    ids=["non-json-text", "null-context", "syntax-error", "no-root", "unknown-version"],
)
def test_jsonpath_errors_fail_with_a_message(
    body: Any, query: str, version: str | None, fragment: str
) -> None:
    outcome = evaluate_criterion(
        query, _context(body), context="$response.body", type="jsonpath", version=version
    )
    _fails_with(outcome, fragment)


def test_jsonpath_needs_a_context() -> None:
    _fails_with(
        evaluate_criterion("$.a", _context(PETS_JSON), type="jsonpath"),
        "a jsonpath criterion needs a context",
    )


# -- xpath ----


@pytest.mark.parametrize("version", [None, *XPATH_PARSERS])
@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("/pets/pet", True),
        ("/pets/pet[@status = 'pending']", False),
        ("count(//pet) = 2", True),
        ("string(/pets/pet[2]) = 'Tom'", True),
        ("count(//pet) = 0", False),
    ],
)
def test_xpath_passes_on_the_effective_boolean_value(
    version: str | None, expression: str, expected: bool
) -> None:
    outcome = evaluate_criterion(
        expression, _context(PETS_XML), context="$response.body", type="xpath", version=version
    )
    assert outcome == CriterionOutcome(expected)


@pytest.mark.parametrize(
    ("expression", "first_version"),
    [
        ("exists(//pet)", "xpath-20"),
        ("let $n := count(//pet) return $n = 2", "xpath-30"),
        ("map{'a': 1}?a = 1", "xpath-31"),
    ],
)
def test_xpath_version_selects_the_language_level(expression: str, first_version: str) -> None:
    order = list(XPATH_PARSERS)
    for version in order:
        outcome = evaluate_criterion(
            expression, _context(PETS_XML), context="$response.body", type="xpath", version=version
        )
        if order.index(version) >= order.index(first_version):
            assert outcome == CriterionOutcome(True), version
        else:
            _fails_with(outcome, "XPath expression")
    default = evaluate_criterion(expression, _context(PETS_XML), context="$response.body", type="xpath")
    assert default == CriterionOutcome(True)


def test_xpath_accepts_bytes() -> None:
    outcome = evaluate_criterion("/a/b", _context(b"<a><b/></a>"), context="$response.body", type="xpath")
    assert outcome == CriterionOutcome(True)


def test_xpath_substitutes_embedded_expressions_first() -> None:
    outcome = evaluate_criterion(
        "//pet[@id = '{$inputs.id}'] = 'tom'",
        _context(PETS_XML, id=2),
        context="$response.body",
        type="xpath",
    )
    assert outcome == CriterionOutcome(False)  # XPath string comparison is case-sensitive
    outcome = evaluate_criterion(
        "//pet[@id = '{$inputs.id}'] = 'Tom'",
        _context(PETS_XML, id=2),
        context="$response.body",
        type="xpath",
    )
    assert outcome == CriterionOutcome(True)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
)


@pytest.mark.parametrize(
    ("body", "expression", "version", "fragment"),
    [
        (BILLION_LAUGHS, "/lolz", None, "XML with a DOCTYPE or ENTITY declaration is refused"),
        ('<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>', "/a", None, "DOCTYPE"),
        ("<a><b></a>", "/a", None, "context $response.body is not well-formed XML: mismatched tag"),
        ("", "/a", None, "is not well-formed XML"),
        ({"a": 1}, "/a", None, "context $response.body is not XML text"),
        (None, "/a", None, "context $response.body is null"),
        (PETS_XML, "//pet[", None, "XPath expression '//pet[' failed"),
        (PETS_XML, "(1, 2)", "xpath-20", "effective boolean value is not defined"),
        (PETS_XML, "/pets", "xpath-40", "unsupported xpath version 'xpath-40'"),
    ],
    ids=[
        "entity-expansion",
        "external-doctype",
        "malformed",
        "empty",
        "not-text",
        "null",
        "syntax",
        "no-boolean-value",
        "unknown-version",
    ],
)
def test_xpath_errors_fail_with_a_message(
    body: Any, expression: str, version: str | None, fragment: str
) -> None:
    outcome = evaluate_criterion(
        expression, _context(body), context="$response.body", type="xpath", version=version
    )
    _fails_with(outcome, fragment)
