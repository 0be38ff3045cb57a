"""Arazzo 1.1 payload replacement targets: how each is read, set, refused, and bounded in time."""

from __future__ import annotations

import time
from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.payload_targets import (
    Target,
    apply_replacements,
    body_media_type,
    media_family,
    payload_kind,
    syntax_problem,
    target_kind,
)

EVIL_TEXT = "a" * 40 + "!"
MANY = "<r>" + "<i>x</i>" * 400 + "</r>"


@pytest.mark.parametrize(("declared", "media", "expected"), [
    pytest.param("jsonpath", "application/xml", "jsonpath", id="declared-wins"),
    pytest.param(None, "application/json; charset=utf-8", "jsonpointer", id="json"),
    pytest.param(None, "application/vnd.api+json", "jsonpointer", id="json-suffix"),
    pytest.param(None, "text/xml", "xpath", id="xml"),
    pytest.param(None, "application/soap+xml", "xpath", id="xml-suffix"),
    pytest.param(None, "application/x-www-form-urlencoded", None, id="form-by-payload"),
    pytest.param(None, None, None, id="no-media-by-payload"),
    pytest.param("jmespath", "application/json", "jsonpointer", id="unknown-declared-by-media"),
])
def test_target_kind_is_declared_or_by_media_type(declared: str | None, media: str | None,
                                                  expected: str | None) -> None:
    assert target_kind(declared, media) == expected


def test_media_type_helpers() -> None:
    assert body_media_type(None, ("application/xml", "application/json")) == "application/xml"
    assert body_media_type("text/plain", ("application/xml",)) == "text/plain"
    assert body_media_type(None, ()) is None
    assert [media_family(m) for m in ("application/json", "text/xml", "text/plain", None)] == [
        "json", "xml", "other", "other"]
    assert [payload_kind(p) for p in ("  <a/>", '{"a": 1}', {"a": 1}, None)] == [
        "xpath", "jsonpointer", "jsonpointer", "jsonpointer"]


@pytest.mark.parametrize(("target", "problem"), [
    pytest.param(Target("/a/0", "jsonpointer"), None, id="pointer"),
    pytest.param(Target("", "jsonpointer"), None, id="whole-pointer"),
    pytest.param(Target("#/a", "jsonpointer"), None, id="fragment-pointer"),
    pytest.param(Target("a", "jsonpointer"), "is not a JSON Pointer (it must start with '/')", id="relative-pointer"),
    pytest.param(Target("$.a[?@.b > 1]", "jsonpath"), None, id="jsonpath"),
    pytest.param(Target("$.a[", "jsonpath"), "is not a JSONPath query: unbalanced brackets", id="bad-jsonpath"),
    pytest.param(Target("$.a", "jsonpath", "jsonpath-2"), "has an unsupported jsonpath version 'jsonpath-2'",
                 id="jsonpath-version"),
    pytest.param(Target("/a/b[@c]", "xpath"), None, id="xpath"),
    pytest.param(Target("/p:a", "xpath"), None, id="xpath-prefix-known-at-run-time"),
    pytest.param(Target("/a[", "xpath"), "is not an XPath expression", id="bad-xpath"),
    pytest.param(Target("/a", "xpath", "xpath-40"), "has an unsupported xpath version 'xpath-40'",
                 id="xpath-version"),
    pytest.param(Target("anything"), None, id="type-known-at-run-time"),
])
def test_syntax_problem(target: Target, problem: str | None) -> None:
    found = syntax_problem(target)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and f"'{target.text}'" in found


def test_plain_text_targets_follow_the_1_0_rules() -> None:
    # The 1.0 XPath subset ignores prefixes; 1.1 XPath would refuse an undeclared one.
    assert apply_replacements("<a><b>0</b></a>", [("/x:a/x:b", 1)]) == "<a><b>1</b></a>"
    with pytest.raises(ExecutionError, match="is not an XPath expression"):
        apply_replacements("<a><b>0</b></a>", [(Target("/x:a/x:b", "xpath"), 1)])


def test_the_payload_is_never_changed_and_each_match_gets_its_own_value() -> None:
    payload = {"items": [{"q": 1}, {"q": 2}]}
    value = {"n": 1}

    result = apply_replacements(payload, [(Target("$.items[*].q", "jsonpath"), value)])

    assert payload == {"items": [{"q": 1}, {"q": 2}]}
    assert result == {"items": [{"q": {"n": 1}}, {"q": {"n": 1}}]}
    assert result["items"][0]["q"] is not result["items"][1]["q"]


def test_a_text_node_first_in_its_element_is_the_elements_text() -> None:
    assert apply_replacements("<a>x<b/></a>", [(Target("/a/text()", "xpath"), "y")]) == "<a>y<b /></a>"


def test_an_element_keeps_its_children_when_its_text_is_set() -> None:
    assert apply_replacements("<a>x<b/></a>", [(Target("/a", "xpath"), "y")]) == "<a>y<b /></a>"


def test_xpath_1_0_names_without_a_prefix_are_in_no_namespace() -> None:
    xml = '<a xmlns="urn:a"><b>0</b></a>'
    assert apply_replacements(xml, [(Target("/a/b", "xpath", "xpath-20"), 1)]) == '<a xmlns="urn:a"><b>1</b></a>'
    with pytest.raises(ExecutionError, match="matches nothing"):
        apply_replacements(xml, [(Target("/a/b", "xpath", "xpath-10"), 1)])


def test_a_json_target_after_an_xml_one_is_refused() -> None:
    with pytest.raises(ExecutionError) as caught:
        apply_replacements("<a/>", [(Target("/a", "xpath"), 1), (Target("$.a", "jsonpath"), 1)])
    assert caught.value.message == "replacement target '$.a' (JSONPath) needs a JSON payload, but the payload is XML"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("payload", "target", "reason"), [
    pytest.param([EVIL_TEXT], Target("$[?search(@, '(a|a)+$')]", "jsonpath"), "took longer than 0.2 s",
                 id="jsonpath-search-backtracking"),
    pytest.param(MANY, Target("//i[. = //i][. = //i]", "xpath"), "took longer than 0.2 s", id="xpath-quadratic"),
    pytest.param(f"<r>{EVIL_TEXT}</r>", Target("/r[matches(., '^(a|a)+$')]", "xpath"), "took longer than 0.2 s",
                 id="xpath-matches-backtracking"),
])
def test_a_runaway_query_fails_within_the_budget(payload: Any, target: Target, reason: str) -> None:
    started = time.monotonic()

    with pytest.raises(ExecutionError) as caught:
        apply_replacements(payload, [(target, "x")], timeout=0.2)

    assert time.monotonic() - started < 2.0
    assert reason in caught.value.message and f"'{target.text}'" in caught.value.message
