"""Rules about runtime expressions in a document: they parse, and what they name exists.

Every condition, criterion context, output, parameter value, payload and replacement value is parsed here
with the expression language itself; ``$steps.<id>.outputs.<name>`` must name a step of the same workflow
and an output it declares, and ``$sourceDescriptions.<name>`` a declared source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from arazzo_runner.criteria_engines import CriterionFailure, compile_selector
from arazzo_runner.errors import Diagnostic, ExpressionSyntaxError
from arazzo_runner.expressions import RuntimeExpression, parse_condition, parse_expression, parse_template
from arazzo_runner.model import ArazzoDocument, Criterion, Field, Node, Step, Workflow, is_selector

CRITERION_TYPES = {"simple", "regex", "jsonpath", "xpath", "jsonpointer"}
_LOOKS_LIKE_EXPRESSION = re.compile(
    r"^\$(url|method|statusCode|request|response|inputs|outputs|steps|workflows|sourceDescriptions|components|"
    r"self|message)\b")


class ExpressionRules:
    """The expression rules of one document."""

    def __init__(self, document: ArazzoDocument) -> None:
        self.document = document

    def criteria(self, criteria: Sequence[Criterion], workflow: Workflow | None,
                 step: Step | None = None) -> Iterator[Diagnostic]:
        """Contexts and simple conditions parse, and refer to what exists."""
        for criterion in criteria:
            if criterion.type not in CRITERION_TYPES:
                continue  # reported by the schema
            if criterion.context is not None:
                yield from self._expression(criterion, "context", criterion.context, "criterion context")
                yield from self._references(criterion, "context", criterion.context, workflow, step)
            elif criterion.type != "simple" or criterion.type_given:
                # 1.0.1: "If type is specified, then the context MUST be provided" (type: simple included).
                yield criterion.diagnostic("type" if criterion.type_given else "condition",
                                           "criterion-context-required",
                                           f"a criterion with a type ({criterion.type}) needs a 'context' expression")
            if criterion.type == "simple":
                try:
                    condition = parse_condition(criterion.condition)
                except ExpressionSyntaxError as exc:
                    yield criterion.diagnostic("condition", "invalid-expression",
                                               f"invalid condition '{criterion.condition}': {exc.reason} at column "
                                               f"{exc.column + 1}")
                else:
                    for expression in condition.expressions:
                        yield from self._reference(criterion, "condition", expression, workflow, step)

    def output(self, node: Node, workflow: Workflow, name: str, value: object,
               step: Step | None = None) -> Iterator[Diagnostic]:
        """An output's expression parses and refers to what exists."""
        field = ("outputs", name)
        if node.in_1_1 and is_selector(value):
            assert isinstance(value, dict)
            yield from self._selector(node, field, value, workflow, step)
            return
        if not isinstance(value, str):
            return  # reported by the schema
        if value.startswith("$"):
            yield from self._expression(node, field, value, f"output '{name}'")
        yield from self._references(node, field, value, workflow, step)

    def value(self, node: Node, field: Field, value: object, workflow: Workflow | None = None,
              step: Step | None = None) -> Iterator[Diagnostic]:
        """The expressions of a parameter value, payload or replacement value refer to what exists, and a
        string that looks like an expression but is not one is pointed out (it would be sent as text)."""
        pending = [value]
        while pending:  # iterative: a deeply nested payload must not exhaust the stack
            item = pending.pop()
            if node.in_1_1 and is_selector(item):
                assert isinstance(item, dict)
                yield from self._selector(node, field, item, workflow, step)
            elif isinstance(item, dict):
                pending.extend(reversed(list(item.values())))
            elif isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, str):
                yield from self._suspicious(node, field, item)
                yield from self._references(node, field, item, workflow, step)

    def _selector(self, node: Node, field: Field, selector: dict[str, object], workflow: Workflow | None,
                  step: Step | None) -> Iterator[Diagnostic]:
        """A 1.1 Selector Object: its context is a runtime expression, its query compiles for its type."""
        context = selector.get("context")
        if isinstance(context, str):
            yield from self._expression(node, field, context, "selector context")
            yield from self._references(node, field, context, workflow, step)
        written = selector.get("type")
        kind, version = (written.get("type"), written.get("version")) if isinstance(written, dict) else (written, None)
        try:
            compile_selector(str(kind), None if version is None else str(version), str(selector.get("selector")))
        except CriterionFailure as exc:
            yield node.diagnostic(field, "invalid-selector", f"selector {selector.get('selector')!r}: {exc}")

    def _suspicious(self, node: Node, field: Field, text: str) -> Iterator[Diagnostic]:
        if not _LOOKS_LIKE_EXPRESSION.match(text):
            return
        try:
            parse_expression(text)
        except ExpressionSyntaxError as exc:
            yield node.diagnostic(field, "suspicious-expression",
                                  f"'{text}' looks like a runtime expression but is not one ({exc.reason} at "
                                  f"column {exc.column + 1}): it is sent as literal text", "warning")

    def _expression(self, node: Node, field: Field, text: str, what: str) -> Iterator[Diagnostic]:
        try:
            parse_expression(text)
        except ExpressionSyntaxError as exc:
            yield node.diagnostic(field, "invalid-expression", f"invalid runtime expression in {what} "
                                  f"'{text}': {exc.reason} at column {exc.column + 1}")

    def _references(self, node: Node, field: Field, text: str, workflow: Workflow | None,
                    step: Step | None) -> Iterator[Diagnostic]:
        """Check what the expressions in ``text`` (whole or embedded) refer to."""
        try:
            expressions = (parse_expression(text),) if text.startswith("$") else parse_template(text).expressions
        except ExpressionSyntaxError:
            return  # a literal that merely looks like an expression
        for expression in expressions:
            yield from self._reference(node, field, expression, workflow, step)

    def _reference(self, node: Node, field: Field, expression: RuntimeExpression, workflow: Workflow | None,
                   step: Step | None) -> Iterator[Diagnostic]:
        kind, parts = expression.kind, expression.parts
        if kind in ("self", "message") and self.document.version == "1.0":
            yield node.diagnostic(field, "arazzo-1.1-field", f"'{expression}' is an Arazzo 1.1 expression; this "
                                  "document declares 1.0 (write 'arazzo: 1.1.0' to use it)")
        elif kind == "message":
            yield node.diagnostic(field, "asyncapi-not-supported", f"'{expression}' reads an AsyncAPI message; this "
                                  "engine runs HTTP (OpenAPI) steps only, so it has no value", "warning")
        if kind == "steps" and workflow is not None and parts:
            target = workflow.step(parts[0])
            if target is None:
                yield node.diagnostic(field, "unknown-step-reference",
                                      f"'{expression}' refers to step '{parts[0]}', which is not a step of workflow "
                                      f"'{workflow.workflow_id}'")
            elif len(parts) >= 3 and parts[1] == "outputs" and not _has_output(target.outputs, parts[2:]):
                yield node.diagnostic(field, "unknown-step-output",
                                      f"'{expression}' refers to output '{'.'.join(parts[2:])}', which step "
                                      f"'{parts[0]}' does not declare")
            elif step is not None and (workflow.position(target.step_id) or 0) > (workflow.position(step.step_id) or 0):
                # 1.1: with no dependsOn to order the steps, such a reference cannot be satisfied (an error, as
                # 1.1 recommends); with dependsOn it is an implicit dependency that orders them.
                ordered = any(s.depends_on for s in workflow.steps)
                if not (node.in_1_1 and ordered):
                    yield node.diagnostic(field, "forward-step-reference",
                                          f"'{expression}' refers to step '{parts[0]}', which runs after step "
                                          f"'{step.step_id}' in list order",
                                          "error" if node.in_1_1 else "warning")
        elif kind == "sourceDescriptions" and parts and self.document.source(parts[0]) is None:
            yield node.diagnostic(field, "unknown-source-description",
                                  f"'{expression}' refers to source description '{parts[0]}', which is not declared")


def _has_output(outputs: Mapping[str, object], names: tuple[str, ...]) -> bool:
    # Output names may contain dots, so try every split of the dotted tail against the declared names.
    return any(".".join(names[:i]) in outputs for i in range(1, len(names) + 1))
