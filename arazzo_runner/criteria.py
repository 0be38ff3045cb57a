"""Criterion evaluation: ``simple``, ``regex``, ``jsonpath`` and ``xpath`` conditions.

:func:`evaluate_criterion` never raises and never passes silently: any problem (bad syntax, a context that
does not resolve or has the wrong shape, an invalid pattern, malformed XML) yields ``passed=False`` with an
``error`` message, as Arazzo 1.1 requires.

Choices where Arazzo 1.0.1 is silent:

* ``simple`` ignores ``context``: a simple condition names its own operands (Arazzo PR #499).
* ``regex`` is Python :func:`re.search` (unanchored; anchor with ``^...$``) over the context value as text:
  strings as they are, numbers in decimal, booleans ``true``/``false``, other values compact JSON.
* ``jsonpath`` is RFC 9535 (``jsonpath-rfc9535``); ``draft-goessner-dispatch-jsonpath-00`` is accepted and
  evaluated by the same engine, since Goessner's draft is the informal ancestor of RFC 9535 and no
  maintained Python engine implements it exactly. A criterion passes when the node list is not empty.
* ``xpath`` defaults to XPath 3.1; ``xpath-10/20/30/31`` select elementpath's parser of that version. The
  context must be XML text; documents with a DOCTYPE or ENTITY declaration are refused before parsing
  (entity expansion attacks). A criterion passes on the expression's effective boolean value.
* In regex/jsonpath/xpath conditions, ``{$expression}`` parts are substituted first (Arazzo 1.1); an
  embedded expression without a value fails the criterion.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.parsers import expat

from arazzo_runner.errors import ExpressionError, ExpressionSyntaxError
from arazzo_runner.expressions import (
    MISSING,
    ExpressionContext,
    parse_condition,
    parse_expression,
    parse_template,
)
from arazzo_runner.expressions.templates import stringify


@dataclass(frozen=True)
class CriterionOutcome:
    """Whether a criterion passed; ``error`` says why it could not be evaluated (then ``passed`` is false)."""

    passed: bool
    error: str | None = None


class _CriterionFailure(Exception):
    """Internal: a criterion that cannot be evaluated; its message becomes ``CriterionOutcome.error``."""


JSONPATH_VERSIONS = frozenset({"rfc9535", "draft-goessner-dispatch-jsonpath-00"})
"""Criterion Expression Type versions accepted for ``jsonpath`` (all evaluated as RFC 9535)."""

XPATH_PARSERS: dict[str, tuple[str, str]] = {
    "xpath-10": ("elementpath", "XPath1Parser"),
    "xpath-20": ("elementpath", "XPath2Parser"),
    "xpath-30": ("elementpath.xpath30", "XPath30Parser"),
    "xpath-31": ("elementpath.xpath31", "XPath31Parser"),
}
"""Criterion Expression Type version -> elementpath parser class name; XPath 3.1 is the default.

elementpath and jsonpath_rfc9535 are imported on first use: most workflows use neither, and together they
would add about 0.1 s to every start.
"""


def _context_value(context: str | None, ctx: ExpressionContext, kind: str) -> Any:
    if context is None:
        raise _CriterionFailure(f"a {kind} criterion needs a context")
    try:
        value = parse_expression(context).evaluate(ctx)
    except ExpressionSyntaxError as exc:
        raise _CriterionFailure(f"invalid context: {exc}") from None
    if value is MISSING:
        raise _CriterionFailure(f"context {context} has no value")
    if value is None:
        raise _CriterionFailure(f"context {context} is null")
    return value


def _substitute(condition: str, ctx: ExpressionContext) -> str:
    return parse_template(condition).render(ctx, strict=True)


def _simple(condition: str, context: str | None, ctx: ExpressionContext, version: str | None) -> bool:
    return parse_condition(condition).evaluate(ctx)


@lru_cache(maxsize=512)
def _compiled_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _CriterionFailure(f"invalid regular expression {pattern!r}: {exc}") from None


def _regex(condition: str, context: str | None, ctx: ExpressionContext, version: str | None) -> bool:
    value = _context_value(context, ctx, "regex")
    return _compiled_regex(_substitute(condition, ctx)).search(stringify(value)) is not None


@lru_cache(maxsize=512)
def _compiled_jsonpath(query: str) -> Any:
    import jsonpath_rfc9535

    try:
        return jsonpath_rfc9535.compile(query)
    except jsonpath_rfc9535.JSONPathError as exc:
        raise _CriterionFailure(f"invalid JSONPath query {query!r}: {exc}") from None


def _json_document(value: Any, context: str) -> Any:
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _CriterionFailure(f"context {context} is not JSON") from None
    return value


def _jsonpath(condition: str, context: str | None, ctx: ExpressionContext, version: str | None) -> bool:
    if version is not None and version not in JSONPATH_VERSIONS:
        raise _CriterionFailure(f"unsupported jsonpath version {version!r}")
    document = _json_document(_context_value(context, ctx, "jsonpath"), str(context))
    query = _compiled_jsonpath(_substitute(condition, ctx))
    import jsonpath_rfc9535

    try:
        return len(query.find(document)) > 0
    except jsonpath_rfc9535.JSONPathError as exc:
        raise _CriterionFailure(f"JSONPath query failed: {exc}") from None


def _refuse_declaration(*args: object) -> None:
    raise _CriterionFailure("XML with a DOCTYPE or ENTITY declaration is refused")


def _xml_document(value: Any, context: str) -> ElementTree.ElementTree:
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    if not isinstance(value, str):
        raise _CriterionFailure(f"context {context} is not XML text")
    # A first expat pass that stops at any declaration, so entities are never expanded.
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_declaration
    guard.EntityDeclHandler = _refuse_declaration
    try:
        guard.Parse(value, True)
        return ElementTree.ElementTree(ElementTree.fromstring(value))
    except (expat.ExpatError, ElementTree.ParseError) as exc:
        raise _CriterionFailure(f"context {context} is not well-formed XML: {exc}") from None


@lru_cache(maxsize=256)
def _compiled_xpath(version: str, expression: str) -> Any:
    import importlib

    module, name = XPATH_PARSERS[version]
    return getattr(importlib.import_module(module), name)().parse(expression)


def _xpath(condition: str, context: str | None, ctx: ExpressionContext, version: str | None) -> bool:
    version = version or "xpath-31"
    if version not in XPATH_PARSERS:
        raise _CriterionFailure(f"unsupported xpath version {version!r}")
    document = _xml_document(_context_value(context, ctx, "xpath"), str(context))
    expression = _substitute(condition, ctx)
    import elementpath

    try:
        token = _compiled_xpath(version, expression)
        return bool(token.boolean_value(token.evaluate(elementpath.XPathContext(document))))
    except elementpath.ElementPathError as exc:
        raise _CriterionFailure(f"XPath expression {expression!r} failed: {exc}") from None


_Evaluator = Callable[[str, str | None, ExpressionContext, str | None], bool]

CRITERION_TYPES: dict[str, _Evaluator] = {
    "simple": _simple,
    "regex": _regex,
    "jsonpath": _jsonpath,
    "xpath": _xpath,
}
"""Criterion ``type`` -> evaluator, keyed by the specification's own words."""


def evaluate_criterion(
    condition: str,
    ctx: ExpressionContext,
    *,
    context: str | None = None,
    type: str = "simple",
    version: str | None = None,
) -> CriterionOutcome:
    """Evaluate one Criterion Object against ``ctx``; never raises.

    ``context`` is the criterion's ``context`` runtime expression; ``type`` and ``version`` come from the
    ``type`` field (a string, or a Criterion Expression Type Object's ``type`` and ``version``).
    """
    evaluator = CRITERION_TYPES.get(type)
    if evaluator is None:
        known = ", ".join(CRITERION_TYPES)
        return CriterionOutcome(False, f"unknown criterion type {type!r} (expected one of {known})")
    if version is not None and type in ("simple", "regex"):
        return CriterionOutcome(False, f"a {type} criterion takes no version (got {version!r})")
    try:
        return CriterionOutcome(evaluator(condition, context, ctx, version))
    except (_CriterionFailure, ExpressionError) as exc:
        return CriterionOutcome(False, str(exc))
    except Exception as exc:
        # The contract is "fail, never raise": a library error we did not foresee still fails the criterion.
        name = exc.__class__.__name__
        return CriterionOutcome(False, f"{type} criterion could not be evaluated: {name}: {exc}")
