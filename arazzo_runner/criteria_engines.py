"""The engines behind ``regex``, ``jsonpath`` and ``xpath`` criteria: compiling queries and reading contexts.

Each compiler raises :class:`CriterionFailure` with a message that names the query; each reader turns a
context value into the document its engine works on (JSON text is parsed, XML is parsed with DOCTYPE and
ENTITY declarations refused before any entity can expand).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from typing import Any
from xml.parsers import expat

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
def compile_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regular expression."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise CriterionFailure(f"invalid regular expression {pattern!r}: {exc}") from None


@lru_cache(maxsize=512)
def compile_jsonpath(query: str) -> Any:
    """A compiled RFC 9535 query."""
    import jsonpath_rfc9535

    try:
        return jsonpath_rfc9535.compile(query)
    except jsonpath_rfc9535.JSONPathError as exc:
        raise CriterionFailure(f"invalid JSONPath query {query!r}: {exc}") from None


def run_jsonpath(query: Any, document: Any) -> bool:
    """Whether ``query`` selects at least one node of ``document``."""
    import jsonpath_rfc9535

    try:
        return len(query.find(document)) > 0
    except jsonpath_rfc9535.JSONPathError as exc:
        raise CriterionFailure(f"JSONPath query failed: {exc}") from None


@lru_cache(maxsize=256)
def compile_xpath(version: str, expression: str) -> Any:
    """The root token of a parsed XPath expression of the given version."""
    import importlib

    import elementpath

    module, name = XPATH_PARSERS[version]
    try:
        return getattr(importlib.import_module(module), name)().parse(expression)
    except elementpath.ElementPathError as exc:
        raise CriterionFailure(f"XPath expression {expression!r} failed: {exc}") from None


def run_xpath(token: Any, document: ElementTree.ElementTree, expression: str) -> bool:
    """The effective boolean value of a parsed XPath expression over ``document``."""
    import elementpath

    try:
        return bool(token.boolean_value(token.evaluate(elementpath.XPathContext(document))))
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
