"""The engines behind ``regex``, ``jsonpath`` and ``xpath`` criteria: compiling queries and reading contexts.

Each compiler raises :class:`CriterionFailure` with a message that names the query; each reader turns a
context value into the document its engine works on (JSON text is parsed, XML is parsed with DOCTYPE and
ENTITY declarations refused before any entity can expand). Every evaluation runs under the caller's time budget
(:mod:`arazzo_runner.budget`): a pattern that backtracks catastrophically or a query that takes quadratic time
fails its criterion with the reason instead of hanging the run.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from typing import Any
from xml.parsers import expat

from arazzo_runner import budget

JSONPATH_VERSIONS = frozenset({"rfc9535", "draft-goessner-dispatch-jsonpath-00"})
"""Criterion Expression Type versions accepted for ``jsonpath`` (all evaluated as RFC 9535)."""

XPATH_PARSERS: dict[str, tuple[str, str]] = {
    "xpath-10": ("elementpath", "XPath1Parser"),
    "xpath-20": ("elementpath", "XPath2Parser"),
    "xpath-30": ("elementpath.xpath30", "XPath30Parser"),
    "xpath-31": ("elementpath.xpath31", "XPath31Parser"),
}
"""Criterion Expression Type version -> elementpath parser class; XPath 3.1 is the default."""


class CriterionFailure(Exception):
    """Internal: a criterion that cannot be evaluated; its message becomes ``CriterionOutcome.error``."""


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> budget.Bounded:
    """A compiled regular expression (the ``regex`` engine: Python's syntax, and a matching timeout)."""
    import regex

    try:
        return budget.compile_pattern(pattern)
    except (regex.error, ValueError) as exc:
        raise CriterionFailure(f"invalid regular expression {pattern!r}: {exc}") from None


def run_regex(pattern: budget.Bounded, text: str, timeout: float) -> bool:
    """Whether ``pattern`` is found in ``text`` within ``timeout`` seconds."""
    try:
        with budget.time_budget(timeout, watch_calls=False):
            return pattern.search(text) is not None
    except budget.OverBudget:
        raise CriterionFailure(f"regular expression {pattern.pattern!r} took longer than {timeout:g} s "
                               "(evaluation_timeout)") from None


@lru_cache(maxsize=512)
def compile_jsonpath(query: str) -> Any:
    """A compiled RFC 9535 query (its ``match()``/``search()`` functions matching under the budget)."""
    import jsonpath_rfc9535

    try:
        return _jsonpath_environment().compile(query)
    except jsonpath_rfc9535.JSONPathError as exc:
        raise CriterionFailure(f"invalid JSONPath query {query!r}: {exc}") from None


def run_jsonpath(query: Any, document: Any, timeout: float) -> bool:
    """Whether ``query`` selects at least one node of ``document``, within ``timeout`` seconds."""
    import jsonpath_rfc9535

    try:
        with budget.time_budget(timeout):
            return len(query.find(document)) > 0
    except budget.OverBudget:
        raise CriterionFailure(f"JSONPath query took longer than {timeout:g} s (evaluation_timeout)") from None
    except jsonpath_rfc9535.JSONPathError as exc:
        raise CriterionFailure(f"JSONPath query failed: {exc}") from None


@lru_cache(maxsize=1)
def _jsonpath_environment() -> Any:
    import jsonpath_rfc9535
    import regex
    from iregexp_check import check
    from jsonpath_rfc9535.function_extensions import Match, Search
    from jsonpath_rfc9535.function_extensions._pattern import map_re

    # RFC 9535's I-Regexp functions, as the library defines them, but matching with the budget's timeout.
    def matches(how: str, string: object, pattern: object) -> bool:
        if not isinstance(pattern, str) or not isinstance(string, str) or not check(pattern):
            return False
        try:
            return bool(getattr(regex, how)(map_re(pattern), string, regex.VERSION1, timeout=budget.remaining(1.0)))
        except regex.error:
            return False
        except TimeoutError:
            raise budget.OverBudget from None

    class BoundedMatch(Match):
        def __call__(self, string: str, pattern: object) -> bool:
            return matches("fullmatch", string, pattern)

    class BoundedSearch(Search):
        def __call__(self, string: str, pattern: object) -> bool:
            return matches("search", string, pattern)

    class Environment(jsonpath_rfc9535.JSONPathEnvironment):
        """RFC 9535, with the I-Regexp functions matching under the evaluation budget."""

        def setup_function_extensions(self) -> None:
            super().setup_function_extensions()
            self.function_extensions["match"] = BoundedMatch()
            self.function_extensions["search"] = BoundedSearch()

    return Environment()


@lru_cache(maxsize=256)
def compile_xpath(version: str, expression: str, timeout: float = 1.0) -> Any:
    """The root token of a parsed XPath expression of the given version (parsing folds constant calls, so it
    runs under the budget too)."""
    import importlib

    import elementpath
    from elementpath.xpath2 import _xpath2_functions

    module, name = XPATH_PARSERS[version]
    # Imported before the budget starts: a parser's first import (traced call by call) is the engine's cost,
    # not the expression's, and on a busy machine it alone could outlast the budget.
    parser = getattr(importlib.import_module(module), name)
    try:
        with budget.time_budget(timeout), budget.bounded_re_in(_xpath2_functions):
            return parser().parse(expression)
    except budget.OverBudget:
        raise CriterionFailure(f"XPath expression {expression!r} took longer than {timeout:g} s "
                               "(evaluation_timeout)") from None
    except elementpath.ElementPathError as exc:
        raise CriterionFailure(f"XPath expression {expression!r} failed: {exc}") from None


def run_xpath(token: Any, document: ElementTree.ElementTree, expression: str, timeout: float) -> bool:
    """The effective boolean value of a parsed XPath expression over ``document``, within ``timeout`` seconds."""
    import elementpath
    from elementpath.xpath2 import _xpath2_functions

    try:
        with budget.time_budget(timeout), budget.bounded_re_in(_xpath2_functions):
            return bool(token.boolean_value(token.evaluate(elementpath.XPathContext(document))))
    except budget.OverBudget:
        raise CriterionFailure(f"XPath expression {expression!r} took longer than {timeout:g} s "
                               "(evaluation_timeout)") from None
    except elementpath.ElementPathError as exc:
        raise CriterionFailure(f"XPath expression {expression!r} failed: {exc}") from None


def json_document(value: Any, context: str) -> Any:
    """The JSON value a context holds: parsed when it is JSON text, as it is otherwise."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise CriterionFailure(f"context {context} is not JSON") from None
        except RecursionError:
            raise CriterionFailure(f"context {context} nests too deeply to be read as JSON") from None
    return value


def _refuse_declaration(*args: object) -> None:
    raise CriterionFailure("XML with a DOCTYPE or ENTITY declaration is refused")


def xml_document(value: Any, context: str) -> ElementTree.ElementTree:
    """The XML document a context holds; DOCTYPE and ENTITY declarations are refused."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    if not isinstance(value, str):
        raise CriterionFailure(f"context {context} is not XML text")
    # A first expat pass that stops at any declaration, so entities are never expanded.
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_declaration
    guard.EntityDeclHandler = _refuse_declaration
    try:
        guard.Parse(value, True)
        return ElementTree.ElementTree(ElementTree.fromstring(value))
    except (expat.ExpatError, ElementTree.ParseError) as exc:
        raise CriterionFailure(f"context {context} is not well-formed XML: {exc}") from None


# --- selectors (Arazzo 1.1 Selector Objects): the same engines, returning what they select ---------------


def select_jsonpath(query: Any, document: Any, timeout: float) -> list[Any]:
    """The values of the nodes ``query`` selects in ``document``, in document order, within ``timeout`` s."""
    import jsonpath_rfc9535

    try:
        with budget.time_budget(timeout):
            return [node.value for node in query.find(document)]
    except budget.OverBudget:
        raise CriterionFailure(f"JSONPath query took longer than {timeout:g} s (evaluation_timeout)") from None
    except jsonpath_rfc9535.JSONPathError as exc:
        raise CriterionFailure(f"JSONPath query failed: {exc}") from None


def select_xpath(token: Any, document: ElementTree.ElementTree, expression: str, timeout: float) -> Any:
    """What a parsed XPath expression gives over ``document``: an atomic value, or the string values of the
    nodes it selects (one node: its string value; several: a list; none: an empty list)."""
    import elementpath
    from elementpath.xpath2 import _xpath2_functions

    try:
        with budget.time_budget(timeout), budget.bounded_re_in(_xpath2_functions):
            result = token.evaluate(elementpath.XPathContext(document))
    except budget.OverBudget:
        raise CriterionFailure(f"XPath expression {expression!r} took longer than {timeout:g} s "
                               "(evaluation_timeout)") from None
    except elementpath.ElementPathError as exc:
        raise CriterionFailure(f"XPath expression {expression!r} failed: {exc}") from None
    items = result if isinstance(result, list) else [result]
    values = [_string_value(item) for item in items]
    if not isinstance(result, list):
        return values[0]
    return values[0] if len(values) == 1 else values


def _string_value(item: Any) -> Any:
    """An XPath item as JSON: a node's string value (the text it holds), an atomic value as it is."""
    if isinstance(item, ElementTree.Element):
        return "".join(item.itertext())
    string_value = getattr(item, "string_value", None)  # elementpath's node objects (elements, attributes, text)
    if isinstance(string_value, str):
        return string_value
    value = getattr(item, "value", None)
    if isinstance(value, str):
        return value
    if isinstance(item, str | int | float | bool) or item is None:
        return item
    return str(item)


SELECTOR_TYPES = ("jsonpath", "xpath", "jsonpointer")


def compile_selector(kind: str, version: str | None, selector: str) -> Any:
    """A Selector Object's query compiled for its type and version (``None`` for a JSON Pointer, which needs
    no compiling); raises :class:`CriterionFailure` saying what is wrong with it."""
    if kind == "jsonpath":
        if version is not None and version not in JSONPATH_VERSIONS:
            raise CriterionFailure(f"unsupported jsonpath version {version!r}")
        return compile_jsonpath(selector)
    if kind == "xpath":
        chosen = version or "xpath-31"
        if chosen not in XPATH_PARSERS:
            raise CriterionFailure(f"unsupported xpath version {chosen!r}")
        return compile_xpath(chosen, selector)
    if kind == "jsonpointer":
        if version not in (None, "rfc6901"):
            raise CriterionFailure(f"unsupported jsonpointer version {version!r}")
        if selector and not selector.startswith("/") or "~" in selector.replace("~0", "").replace("~1", ""):
            raise CriterionFailure(f"invalid JSON Pointer {selector!r}")
        return None
    raise CriterionFailure(f"unknown selector type {kind!r} (expected one of {', '.join(SELECTOR_TYPES)})")
