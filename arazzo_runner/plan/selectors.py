"""Arazzo 1.1 Selector Objects: a value taken out of structured data by JSONPath, XPath or JSON Pointer.

``context`` is a runtime expression for the data; ``selector`` the query; ``type`` its language, or an
Expression Type Object with a version. What a selector gives:

* ``jsonpath`` (RFC 9535, or ``draft-goessner-dispatch-jsonpath-00`` read by the same engine): the value of the
  one node it selects; a list of the values when it selects several; no value when it selects none;
* ``xpath`` (3.1 by default; ``xpath-10/20/30/31``): the XML context's selected node as its string value (the
  text it holds), several as a list, an atomic result (a count, a boolean) as it is; no value for no node;
* ``jsonpointer`` (RFC 6901): the value at the pointer, or no value.

A context without a value, or ``null``, gives no value (so an output is left unset, a parameter is omitted,
as for any expression without a value). JSON text in the context is parsed first; XML must be text. Queries
are compiled once, at plan time, and run under the evaluation time budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from arazzo_runner import pointer
from arazzo_runner.criteria_engines import (
    CriterionFailure,
    compile_selector,
    json_document,
    select_jsonpath,
    select_xpath,
    xml_document,
)
from arazzo_runner.errors import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_runner.expressions import MISSING, ExpressionContext, RuntimeExpression, parse_expression
from arazzo_runner.limits import DEFAULT_LIMITS
from arazzo_runner.plan.values import Omitted, Path, Value


@dataclass(frozen=True, slots=True)
class Selected(Value):
    """A compiled Selector Object."""

    context: RuntimeExpression | None
    selector: str
    kind: str
    version: str | None
    query: Any
    """The compiled JSONPath query or XPath token; ``None`` for a JSON Pointer."""
    failure: str | None = None
    """Why the selector cannot be used (every evaluation fails with it)."""

    @classmethod
    def of(cls, raw: Mapping[Any, Any]) -> Selected:
        selector = str(raw.get("selector"))
        kind, version = _type(raw.get("type"))
        try:
            context = parse_expression(str(raw.get("context")))
        except ExpressionSyntaxError as exc:
            return cls(None, selector, kind, version, None, f"invalid selector context: {exc.reason}")
        try:
            return cls(context, selector, kind, version, compile_selector(kind, version, selector))
        except CriterionFailure as exc:
            return cls(context, selector, kind, version, None, str(exc))

    def evaluate(self, context: ExpressionContext, omitted: Omitted | None = None, at: Path = ()) -> Any:
        if self.failure is not None or self.context is None:
            raise ExpressionEvaluationError(f"selector {self.selector!r}: {self.failure}")
        data = self.context.evaluate(context)
        if data is MISSING or data is None:
            return MISSING
        timeout = DEFAULT_LIMITS.evaluation_timeout
        try:
            if self.kind == "jsonpointer":
                return pointer.resolve(json_document(data, str(self.context)), self.selector, MISSING)
            if self.kind == "jsonpath":
                found = select_jsonpath(self.query, json_document(data, str(self.context)), timeout)
                return MISSING if not found else found[0] if len(found) == 1 else found
            document = xml_document(data, str(self.context))
            selected = select_xpath(self.query, document, self.selector, timeout)
            return MISSING if selected == [] else selected
        except CriterionFailure as exc:
            raise ExpressionEvaluationError(f"selector {self.selector!r} on {self.context}: {exc}") from None

    def reads(self, kind: str) -> bool:
        return self.context is not None and self.context.kind == kind

    def __str__(self) -> str:
        return f"{self.kind} {self.selector!r} on {self.context}"


def _type(raw: Any) -> tuple[str, str | None]:
    if isinstance(raw, Mapping):
        return str(raw.get("type")), (str(raw["version"]) if raw.get("version") is not None else None)
    return str(raw), None
