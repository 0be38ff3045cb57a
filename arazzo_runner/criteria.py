"""Criteria: ``simple``, ``regex``, ``jsonpath`` and ``xpath`` conditions, compiled once and evaluated per step.

:func:`compile_criterion` turns a Criterion Object's fields into a :class:`Criterion` ready to evaluate: the
condition, its ``context`` expression, a literal regular expression, JSONPath query or XPath expression are
all parsed at plan time, so a run never parses text. Compilation never raises: a criterion that cannot be
compiled fails every evaluation with the reason. :meth:`Criterion.evaluate` never raises and never passes
silently: any problem (a context that does not resolve or has the wrong shape, malformed XML, a query that
fails) yields ``passed=False`` with an ``error`` message, as Arazzo 1.1 requires.

Choices where Arazzo 1.0.1 is silent:

* ``simple`` ignores ``context``: a simple condition names its own operands (Arazzo PR #499).
* ``regex`` is Python :func:`re.search` (unanchored; anchor with ``^...$``) over the context value as text
  (:func:`arazzo_runner.text.to_text`).
* ``jsonpath`` is RFC 9535 (``jsonpath-rfc9535``); ``draft-goessner-dispatch-jsonpath-00`` is accepted and
  evaluated by the same engine, since Goessner's draft is the informal ancestor of RFC 9535 and no
  maintained Python engine implements it exactly. A criterion passes when the node list is not empty.
* ``xpath`` defaults to XPath 3.1; ``xpath-10/20/30/31`` select elementpath's parser of that version. The
  context must be XML text; documents with a DOCTYPE or ENTITY declaration are refused before parsing
  (entity expansion attacks). A criterion passes on the expression's effective boolean value.
* ``jsonpointer`` (Arazzo 1.1, as an Expression Type Object's type): the condition is an RFC 6901 pointer into
  the context; it passes when the pointer reaches a value that is neither ``null`` nor ``false`` (1.1 says
  nothing more; this mirrors the other types' "something was selected").
* In regex/jsonpath/xpath conditions, ``{$expression}`` parts are substituted first (Arazzo 1.1); an
  embedded expression without a value fails the criterion. Only such conditions are compiled per evaluation.

elementpath and jsonpath_rfc9535 are imported when a criterion of their type is compiled: most workflows use
neither, and together they would add about 0.1 s to every start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from arazzo_runner.criteria_engines import (
    JSONPATH_VERSIONS,
    XPATH_PARSERS,
    CriterionFailure,
    compile_jsonpath,
    compile_regex,
    compile_selector,
    compile_xpath,
    json_document,
    run_jsonpath,
    run_regex,
    run_xpath,
    xml_document,
)
from arazzo_runner.errors import ExpressionError, ExpressionSyntaxError
from arazzo_runner.expressions import (
    MISSING,
    Condition,
    ExpressionContext,
    RuntimeExpression,
    Template,
    parse_condition,
    parse_expression,
    parse_template,
)
from arazzo_runner.expressions.ast import show
from arazzo_runner.expressions.navigate import resolve_pointer
from arazzo_runner.text import to_text

__all__ = ["CRITERION_TYPES", "JSONPATH_VERSIONS", "XPATH_PARSERS", "Criterion", "CriterionOutcome",
           "compile_criterion", "evaluate_criterion"]


@dataclass(frozen=True)
class CriterionOutcome:
    """Whether a criterion passed; ``error`` says why it could not be evaluated (then ``passed`` is false)."""

    passed: bool
    error: str | None = None


_PASSED, _NOT_PASSED = CriterionOutcome(True), CriterionOutcome(False)
DEFAULT_TIMEOUT = 1.0
"""Seconds a regex, JSONPath or XPath evaluation may take by default (``Limits.evaluation_timeout``)."""
_Check = Callable[[Any, ExpressionContext, float], bool]
"""Compiled test of a context value (the step's context for ``simple``), given a time budget in seconds."""


@dataclass(frozen=True)
class Criterion:
    """A compiled criterion: ``condition`` as written, and what evaluating it needs, parsed."""

    condition: str
    type: str
    check: _Check = field(repr=False, compare=False)
    context: RuntimeExpression | None = None
    failure: str | None = None
    """Why the criterion cannot be evaluated at all (then it always fails with this)."""
    parsed: Condition | None = field(default=None, repr=False, compare=False)
    """A simple condition's AST (for :meth:`explain`)."""

    def explain(self, ctx: ExpressionContext) -> str:
        """The criterion with the actual values: ``401 == 200`` for a simple condition; for the other types the
        pattern or query and the context value it was applied to."""
        if self.parsed is not None:
            return self.parsed.explain(ctx)
        if self.context is None:
            return self.condition
        try:
            value = self.context.evaluate(ctx)
        except ExpressionError:
            value = MISSING
        return f"{self.type} {self.condition!r} on {self.context} = {show(value)}"

    def evaluate(self, ctx: ExpressionContext, timeout: float = DEFAULT_TIMEOUT) -> CriterionOutcome:
        """Evaluate against ``ctx``, a regex, JSONPath or XPath within ``timeout`` seconds; never raises."""
        if self.failure is not None:
            return CriterionOutcome(False, self.failure)
        try:
            value = ctx if self.context is None else self._context_value(ctx)
            return _PASSED if self.check(value, ctx, timeout) else _NOT_PASSED
        except (CriterionFailure, ExpressionError) as exc:
            return CriterionOutcome(False, str(exc))
        except Exception as exc:
            # The contract is "fail, never raise": a library error we did not foresee still fails the criterion.
            return CriterionOutcome(False, f"{self.type} criterion could not be evaluated: "
                                           f"{exc.__class__.__name__}: {exc}")

    def _context_value(self, ctx: ExpressionContext) -> Any:
        assert self.context is not None
        value = self.context.evaluate(ctx)
        if value is MISSING:
            raise CriterionFailure(f"context {self.context} has no value")
        if value is None:
            raise CriterionFailure(f"context {self.context} is null")
        return value


def compile_criterion(condition: str, *, context: str | None = None, type: str = "simple",
                      version: str | None = None) -> Criterion:
    """Compile one Criterion Object (``type`` and ``version`` from its ``type`` field); never raises."""
    compiler = CRITERION_TYPES.get(type)
    if compiler is None:
        known = ", ".join(CRITERION_TYPES)
        return _failing(condition, type, f"unknown criterion type {type!r} (expected one of {known})")
    if version is not None and type in ("simple", "regex"):
        return _failing(condition, type, f"a {type} criterion takes no version (got {version!r})")
    expression = None
    if type != "simple":
        if context is None:
            return _failing(condition, type, f"a {type} criterion needs a context")
        try:
            expression = parse_expression(context)
        except ExpressionSyntaxError as exc:
            return _failing(condition, type, f"invalid context: {exc}")
    try:
        check = compiler(condition, version, context or "")
    except (CriterionFailure, ExpressionError) as exc:
        return _failing(condition, type, str(exc))
    parsed = parse_condition(condition) if type == "simple" else None
    return Criterion(condition, type, check, expression, parsed=parsed)


def evaluate_criterion(condition: str, ctx: ExpressionContext, *, context: str | None = None,
                       type: str = "simple", version: str | None = None,
                       timeout: float = DEFAULT_TIMEOUT) -> CriterionOutcome:
    """Compile and evaluate one criterion against ``ctx``; never raises (see :func:`compile_criterion`)."""
    return _cached(condition, context, type, version).evaluate(ctx, timeout)


@lru_cache(maxsize=512)
def _cached(condition: str, context: str | None, type: str, version: str | None) -> Criterion:
    return compile_criterion(condition, context=context, type=type, version=version)


def _failing(condition: str, type: str, reason: str) -> Criterion:
    return Criterion(condition, type, _never, failure=reason)


def _never(value: Any, ctx: ExpressionContext, timeout: float) -> bool:
    return False


# --- compilers, keyed by the specification's own words -------------------------------------------------

_Prepared = Any
"""A literal query compiled at plan time, its :class:`CriterionFailure`, or the :class:`Template` to render."""


def _prepare(condition: str, compiler: Callable[[str], Any]) -> _Prepared:
    template = parse_template(condition)
    if not template.is_literal:
        return template
    try:
        return compiler(condition)
    except CriterionFailure as exc:
        return exc  # raised when evaluated, after the context has been checked, as for a templated query


def _use(prepared: _Prepared, ctx: ExpressionContext, compiler: Callable[[str], Any]) -> Any:
    if isinstance(prepared, Template):
        return compiler(prepared.render(ctx, strict=True))
    if isinstance(prepared, CriterionFailure):
        raise CriterionFailure(str(prepared))
    return prepared


def _simple(condition: str, version: str | None, context: str) -> _Check:
    parsed: Condition = parse_condition(condition)
    return lambda value, ctx, timeout: parsed.evaluate(ctx)


def _regex(condition: str, version: str | None, context: str) -> _Check:
    prepared = _prepare(condition, compile_regex)
    return lambda value, ctx, timeout: run_regex(_use(prepared, ctx, compile_regex), to_text(value), timeout)


def _jsonpath(condition: str, version: str | None, context: str) -> _Check:
    if version is not None and version not in JSONPATH_VERSIONS:
        raise CriterionFailure(f"unsupported jsonpath version {version!r}")
    prepared = _prepare(condition, compile_jsonpath)

    def check(value: Any, ctx: ExpressionContext, timeout: float) -> bool:
        document = json_document(value, context)
        return run_jsonpath(_use(prepared, ctx, compile_jsonpath), document, timeout)

    return check


def _xpath(condition: str, version: str | None, context: str) -> _Check:
    chosen = version or "xpath-31"
    if chosen not in XPATH_PARSERS:
        raise CriterionFailure(f"unsupported xpath version {chosen!r}")

    def parse(expression: str) -> Any:
        return compile_xpath(chosen, expression)

    prepared = _prepare(condition, parse)

    def check(value: Any, ctx: ExpressionContext, timeout: float) -> bool:
        document = xml_document(value, context)
        expression = prepared.render(ctx, strict=True) if isinstance(prepared, Template) else condition
        return run_xpath(_use(prepared, ctx, parse), document, expression, timeout)

    return check


def _jsonpointer(condition: str, version: str | None, context: str) -> _Check:
    if version not in (None, "rfc6901"):
        raise CriterionFailure(f"unsupported jsonpointer version {version!r}")
    prepared = _prepare(condition, _checked_pointer)

    def check(value: Any, ctx: ExpressionContext, timeout: float) -> bool:
        found = resolve_pointer(json_document(value, context), _use(prepared, ctx, _checked_pointer))
        return found is not MISSING and found is not None and found is not False

    return check


def _checked_pointer(text: str) -> str:
    compile_selector("jsonpointer", None, text)
    return text


CRITERION_TYPES: dict[str, Callable[[str, str | None, str], _Check]] = {
    "simple": _simple,
    "regex": _regex,
    "jsonpath": _jsonpath,
    "xpath": _xpath,
    "jsonpointer": _jsonpointer,
}
"""Criterion ``type`` -> compiler, keyed by the specification's own words."""
