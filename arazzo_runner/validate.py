"""Validation: the JSON Schema plus every semantic rule of ENGINE-CHECKLIST.md §3, reporting all problems.

Each rule yields :class:`Diagnostic` objects with a stable kebab-case id (the README lists them). Rules work on
the tolerant model, so a document with schema errors still gets its semantic problems reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arazzo_runner.errors import Diagnostic, ExpressionSyntaxError, ResolutionError, Severity
from arazzo_runner.expressions import parse_condition, parse_expression, parse_template
from arazzo_runner.model import Action, Criterion, Node, Parameter, Reusable, Step, Workflow
from arazzo_runner.schema import schema_diagnostics
from arazzo_runner.sources import BoundDocument

SUPPORTED_VERSION = re.compile(r"^1\.0\.\d+(-.+)?$")
CRITERION_TYPES = {"simple", "regex", "jsonpath", "xpath"}
COMPONENT_KINDS = {"parameters": "parameter", "successActions": "success action",
                   "failureActions": "failure action"}


MAX_CALL_DEPTH = 64


Field = str | tuple[str, ...] | None
"""A field of a node (``"stepId"``) or a path below it (``("outputs", "a/b")``), unescaped."""


@dataclass(frozen=True)
class _Edge:
    kind: str  # "dependsOn" or "step"
    reference: str
    node: Node
    field: Field


def _edges(workflow: Workflow) -> Iterator[_Edge]:
    for index, reference in enumerate(workflow.depends_on):
        yield _Edge("dependsOn", reference, workflow, ("dependsOn", str(index)))
    for step in workflow.steps:
        if step.workflow_id is not None:
            yield _Edge("step", step.workflow_id, step, "workflowId")


@dataclass(frozen=True)
class _Problem:
    node: Node
    field: Field
    rule: str
    message: str
    severity: Severity = "error"

    def diagnostic(self) -> Diagnostic:
        names = (self.field,) if isinstance(self.field, str) else self.field or ()
        location = self.node.field_location(*names) if names else self.node.location
        return Diagnostic(self.severity, self.rule, self.message, location)


def validate_bound(bound: BoundDocument, schema_only: bool = False) -> list[Diagnostic]:
    """Every problem of a bound document: version, schema, semantics and (unless ``schema_only``) sources."""
    document = bound.document
    if document.document.data is None:
        return [Diagnostic("error", "malformed-document", "the document is empty", document.location)]
    if not SUPPORTED_VERSION.match(document.arazzo):
        shown = document.document.data.get("arazzo") if isinstance(document.document.data, dict) else None
        message = (f"unsupported Arazzo version {shown!r}: this engine implements 1.0.x"
                   if isinstance(shown, str) else "the document has no valid 'arazzo' version field")
        version_problem = Diagnostic("error", "unsupported-version", message, document.field_location("arazzo"))
        if isinstance(shown, str):
            return [version_problem]  # another version's document: our schema's complaints would only be noise
        diagnostics = [version_problem]
    else:
        diagnostics = []
    diagnostics.extend(schema_diagnostics(document.document))
    if not isinstance(document.document.data, dict):
        return diagnostics
    checker = _Checker(bound, resolve=not schema_only)
    if not schema_only:
        diagnostics.extend(bound.problems)
    diagnostics.extend(p.diagnostic() for p in checker.run())
    return sorted(diagnostics, key=_order)


def _order(diagnostic: Diagnostic) -> tuple[int, int, str]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0, diagnostic.rule)


class _Checker:
    def __init__(self, bound: BoundDocument, resolve: bool) -> None:
        self.bound = bound
        self.doc = bound.document
        self.resolve = resolve

    def run(self) -> Iterator[_Problem]:
        yield from self._duplicates(self.doc.source_descriptions, lambda s: s.name, "name",
                                    "duplicate-source-name", "source description name")
        yield from self._duplicates(self.doc.workflows, lambda w: w.workflow_id, "workflowId",
                                    "duplicate-workflow-id", "workflowId")
        yield from self._components()
        for workflow in self.doc.workflows:
            yield from self._workflow(workflow)
        yield from self._cycles()

    # --- generic helpers ------------------------------------------------------------------------------

    def _duplicates(self, nodes: Iterable[Any], key: Callable[[Any], Any], field: str, rule: str,
                    what: str) -> Iterator[_Problem]:
        seen: dict[object, Node] = {}
        for node in nodes:
            value = key(node)
            if value in (None, "", (None, None)):
                continue
            if value in seen:
                shown = value if isinstance(value, str) else "/".join(str(v) for v in value)
                first = seen[value].location
                yield _Problem(node, field, rule,
                               f"duplicate {what} '{shown}' (first defined at line {first.line})")
            else:
                seen[value] = node

    def _expression(self, node: Node, field: Field, text: str, what: str) -> Iterator[_Problem]:
        try:
            parse_expression(text)
        except ExpressionSyntaxError as exc:
            yield _Problem(node, field, "invalid-expression", f"invalid runtime expression in {what} "
                           f"'{text}': {exc.reason} at column {exc.column + 1}")

    # --- components and references ---------------------------------------------------------------------

    def _components(self) -> Iterator[_Problem]:
        for parameter in self.doc.components.parameters.values():
            yield from self._value_expressions(parameter, "value", parameter.value)
        for action in (*self.doc.components.success_actions.values(),
                       *self.doc.components.failure_actions.values()):
            yield from self._action_shape(action)
            yield from self._criteria(action.criteria, None)

    def _resolve_reusable(self, ref: Reusable, kind: str) -> tuple[Node | None, list[_Problem]]:
        prefix = f"$components.{kind}."
        if not ref.reference.startswith("$components."):
            return None, [_Problem(ref, "reference", "invalid-reference",
                                   f"reference '{ref.reference}' must be '{prefix}<name>'")]
        section, _, name = ref.reference[len("$components."):].partition(".")
        if section != kind:
            expected = COMPONENT_KINDS.get(kind, kind)
            return None, [_Problem(ref, "reference", "invalid-reference",
                                   f"reference '{ref.reference}' must point at a {expected} ('{prefix}<name>')")]
        table = {"parameters": self.doc.components.parameters,
                 "successActions": self.doc.components.success_actions,
                 "failureActions": self.doc.components.failure_actions}[kind]
        target = table.get(name)
        if target is None:
            known = ", ".join(sorted(table)) or "none defined"
            return None, [_Problem(ref, "reference", "unknown-component",
                                   f"no component {kind}.{name} (known: {known})")]
        problems = []
        if ref.has_value and kind != "parameters":
            problems.append(_Problem(ref, "value", "invalid-reference",
                                     "'value' only overrides referenced parameters", "warning"))
        return target, problems

    def parameters(self, items: Sequence[Parameter | Reusable]) -> tuple[list[Parameter], list[_Problem]]:
        """Reusable references resolved; problems of the references themselves."""
        resolved: list[Parameter] = []
        problems: list[_Problem] = []
        for item in items:
            if isinstance(item, Reusable):
                target, found = self._resolve_reusable(item, "parameters")
                problems.extend(found)
                if isinstance(target, Parameter):
                    resolved.append(Parameter(item.document, item.pointer, target.name,
                                              item.value if item.has_value else target.value, target.in_))
            else:
                resolved.append(item)
        return resolved, problems

    def actions(self, items: Sequence[Action | Reusable], kind: str) -> tuple[list[Action], list[_Problem]]:
        resolved: list[Action] = []
        problems: list[_Problem] = []
        for item in items:
            if isinstance(item, Reusable):
                target, found = self._resolve_reusable(item, kind)
                problems.extend(found)
                if isinstance(target, Action):
                    resolved.append(target)
            else:
                resolved.append(item)
        return resolved, problems

    # --- workflows ---------------------------------------------------------------------------------------

    def _workflow(self, workflow: Workflow) -> Iterator[_Problem]:
        yield from self._duplicates(workflow.steps, lambda s: s.step_id, "stepId", "duplicate-step-id", "stepId")
        workflow_params, problems = self.parameters(workflow.parameters)
        yield from problems
        yield from self._parameter_duplicates(workflow_params)
        for kind, items in (("successActions", workflow.success_actions),
                            ("failureActions", workflow.failure_actions)):
            actions, problems = self.actions(items, kind)
            yield from problems
            yield from self._action_list(workflow, actions, items)
        for index, depends in enumerate(workflow.depends_on):
            yield from self._workflow_reference(workflow, ("dependsOn", str(index)), depends, "unknown-depends-on")
        for step in workflow.steps:
            yield from self._step(workflow, step, workflow_params)
        for name, value in workflow.outputs.items():
            yield from self._output(workflow, workflow, name, value)

    def _step(self, workflow: Workflow, step: Step, inherited: list[Parameter]) -> Iterator[_Problem]:
        targets = [f for f, v in (("operationId", step.operation_id), ("operationPath", step.operation_path),
                                  ("workflowId", step.workflow_id)) if v is not None]
        if len(targets) != 1:
            message = ("a step needs exactly one of operationId, operationPath or workflowId"
                       if not targets else f"a step may name only one target, found {' and '.join(targets)}")
            yield _Problem(step, None, "step-target", f"step '{step.step_id}': {message}")
        elif self.resolve:
            yield from self._step_target(workflow, step, targets[0])
        params, problems = self.parameters(step.parameters)
        yield from problems
        yield from self._parameter_duplicates(params)
        if step.workflow_id is None and targets:
            overridden = {(p.name, p.in_) for p in params}
            for parameter in [*params, *(p for p in inherited if (p.name, p.in_) not in overridden)]:
                if parameter.in_ is None:
                    yield _Problem(parameter, "name", "parameter-in-required",
                                   f"parameter '{parameter.name}' of operation step '{step.step_id}' needs 'in' "
                                   "(path, query, header or cookie)")
        for parameter in params:
            yield from self._value_expressions(parameter, "value", parameter.value, workflow, step)
        if step.request_body is not None:
            body = step.request_body
            if body.has_payload:
                yield from self._value_expressions(body, "payload", body.payload, workflow, step)
            for replacement in body.replacements:
                yield from self._value_expressions(replacement, "value", replacement.value, workflow, step)
        yield from self._criteria(step.success_criteria, workflow, step)
        for kind, items in (("successActions", step.on_success), ("failureActions", step.on_failure)):
            actions, problems = self.actions(items or (), kind)
            yield from problems
            yield from self._action_list(workflow, actions, items or ())
        for name, value in step.outputs.items():
            yield from self._output(step, workflow, name, value, step)

    def _step_target(self, workflow: Workflow, step: Step, target: str) -> Iterator[_Problem]:
        try:
            if target == "operationId":
                self.bound.operation_by_id(step.operation_id or "")
            elif target == "operationPath":
                self.bound.operation_by_path(step.operation_path or "")
            else:
                self.bound.workflow(step.workflow_id or "")
        except ResolutionError as exc:
            if exc.rule != "source-unavailable":  # already reported at the source description
                yield _Problem(step, target, exc.rule, f"step '{step.step_id}': {exc.message}")

    def _parameter_duplicates(self, params: list[Parameter]) -> Iterator[_Problem]:
        yield from self._duplicates(params, lambda p: p.identity, "name", "duplicate-parameter",
                                    "parameter (name, in)")

    def _action_list(self, workflow: Workflow, actions: list[Action],
                     written: Sequence[Action | Reusable]) -> Iterator[_Problem]:
        yield from self._duplicates(actions, lambda a: a.name, "name", "duplicate-action-name", "action name")
        for action in actions:
            if action in written:  # component actions were checked once, where they are defined
                yield from self._action_shape(action)
                yield from self._criteria(action.criteria, workflow)
            if action.step_id is not None and workflow.step(action.step_id) is None:
                where = next((w for w in written if w.pointer == action.pointer), action)
                yield _Problem(where, "stepId" if where is action else "reference", "unknown-step",
                               f"{action.type} action '{action.name}' targets step '{action.step_id}', which is "
                               f"not a step of workflow '{workflow.workflow_id}'")
            if action.workflow_id is not None and self.resolve:
                yield from self._workflow_reference(action, "workflowId", action.workflow_id, "unknown-workflow-id")

    def _action_shape(self, action: Action) -> Iterator[_Problem]:
        if action.type == "goto" and (action.step_id is None) == (action.workflow_id is None):
            yield _Problem(action, "type", "action-target",
                           f"goto action '{action.name}' needs exactly one of stepId or workflowId")
        if action.type == "retry" and action.step_id is not None and action.workflow_id is not None:
            yield _Problem(action, "type", "action-target",
                           f"retry action '{action.name}' may name a stepId or a workflowId, not both")
        if action.type == "end" and (action.step_id or action.workflow_id):
            yield _Problem(action, "type", "action-target",
                           f"end action '{action.name}' takes no stepId or workflowId", "warning")

    def _workflow_reference(self, node: Node, field: Field, reference: str, rule: str) -> Iterator[_Problem]:
        try:
            self.bound.workflow(reference)
        except ResolutionError as exc:
            if exc.rule != "source-unavailable":
                yield _Problem(node, field, rule if exc.rule == "unknown-workflow-id" else exc.rule, exc.message)

    # --- call cycles ------------------------------------------------------------------------------------

    def _cycles(self) -> Iterator[_Problem]:
        """Cycles among workflows through dependsOn and sub-workflow steps, across documents too."""
        done: set[tuple[str, str]] = set()
        reported: set[frozenset[tuple[str, str]]] = set()
        for workflow in self.doc.workflows:
            yield from self._walk(self.bound, workflow, [], done, reported)

    def _walk(self, bound: BoundDocument, workflow: Workflow, path: list[tuple[tuple[str, str], _Edge]],
              done: set[tuple[str, str]], reported: set[frozenset[tuple[str, str]]]) -> Iterator[_Problem]:
        key = (bound.url, workflow.workflow_id)
        keys = [k for k, _ in path]
        if key in keys:
            cycle = path[keys.index(key):]
            members = frozenset(k for k, _ in cycle)
            if members not in reported:
                reported.add(members)
                yield self._cycle_problem([k for k, _ in cycle] + [key], [e for _, e in cycle])
            return
        if key in done or len(path) > MAX_CALL_DEPTH:
            return
        for edge in _edges(workflow):
            try:
                target_bound, target = bound.workflow(edge.reference)
            except ResolutionError:
                continue  # reported by the reference rules
            yield from self._walk(target_bound, target, [*path, (key, edge)], done, reported)
        done.add(key)

    def _cycle_problem(self, keys: list[tuple[str, str]], edges: list[_Edge]) -> _Problem:
        local = [e for e in edges if e.node.document.url == self.doc.url]
        edge = local[0] if local else edges[-1]
        # Start the chain at the smallest member so every document reports one cycle with the same words.
        ring = keys[:-1]
        start = ring.index(min(ring))
        ring = ring[start:] + ring[:start]
        chain = " -> ".join(workflow_id for _, workflow_id in (*ring, ring[0]))
        if all(e.kind == "dependsOn" for e in edges):
            return _Problem(edge.node, edge.field, "depends-on-cycle", f"dependsOn cycle: {chain}")
        return _Problem(edge.node, edge.field, "workflow-cycle",
                        f"workflows call each other in a cycle: {chain}")

    # --- expressions ---------------------------------------------------------------------------------

    def _criteria(self, criteria: Sequence[Criterion], workflow: Workflow | None,
                  step: Step | None = None) -> Iterator[_Problem]:
        for criterion in criteria:
            if criterion.type not in CRITERION_TYPES:
                continue  # reported by the schema
            if criterion.context is not None:
                yield from self._expression(criterion, "context", criterion.context, "criterion context")
                yield from self._references(criterion, "context", criterion.context, workflow, step)
            elif criterion.type != "simple":
                yield _Problem(criterion, "condition", "criterion-context-required",
                               f"a {criterion.type} criterion needs a 'context' expression")
            if criterion.type == "simple":
                try:
                    condition = parse_condition(criterion.condition)
                except ExpressionSyntaxError as exc:
                    yield _Problem(criterion, "condition", "invalid-expression",
                                   f"invalid condition '{criterion.condition}': {exc.reason} at column "
                                   f"{exc.column + 1}")
                else:
                    for expression in condition.expressions:
                        yield from self._reference(criterion, "condition", expression, workflow, step)

    def _output(self, node: Node, workflow: Workflow, name: str, value: object,
                step: Step | None = None) -> Iterator[_Problem]:
        field = ("outputs", name)
        if not isinstance(value, str):
            return  # reported by the schema
        if value.startswith("$"):
            yield from self._expression(node, field, value, f"output '{name}'")
        yield from self._references(node, field, value, workflow, step)

    def _value_expressions(self, node: Node, field: Field, value: object, workflow: Workflow | None = None,
                           step: Step | None = None) -> Iterator[_Problem]:
        if isinstance(value, dict):
            for item in value.values():
                yield from self._value_expressions(node, field, item, workflow, step)
        elif isinstance(value, list):
            for item in value:
                yield from self._value_expressions(node, field, item, workflow, step)
        elif isinstance(value, str):
            yield from self._references(node, field, value, workflow, step)

    def _references(self, node: Node, field: Field, text: str, workflow: Workflow | None,
                    step: Step | None) -> Iterator[_Problem]:
        """Check what the expressions in ``text`` (whole or embedded) refer to."""
        try:
            expressions = (parse_expression(text),) if text.startswith("$") else parse_template(text).expressions
        except ExpressionSyntaxError:
            return  # a literal that merely looks like an expression
        for expression in expressions:
            yield from self._reference(node, field, expression, workflow, step)

    def _reference(self, node: Node, field: Field, expression: object, workflow: Workflow | None,
                   step: Step | None) -> Iterator[_Problem]:
        kind = getattr(expression, "kind", "")
        parts: tuple[str, ...] = getattr(expression, "parts", ())
        if kind == "steps" and workflow is not None and parts:
            target = workflow.step(parts[0])
            if target is None:
                yield _Problem(node, field, "unknown-step-reference",
                               f"'{expression}' refers to step '{parts[0]}', which is not a step of workflow "
                               f"'{workflow.workflow_id}'")
            elif len(parts) >= 3 and parts[1] == "outputs" and not _has_output(target.outputs, parts[2:]):
                yield _Problem(node, field, "unknown-step-output",
                               f"'{expression}' refers to output '{'.'.join(parts[2:])}', which step "
                               f"'{parts[0]}' does not declare")
            elif step is not None and workflow.steps.index(target) > workflow.steps.index(step):
                yield _Problem(node, field, "forward-step-reference",
                               f"'{expression}' refers to step '{parts[0]}', which runs after step "
                               f"'{step.step_id}' in list order", "warning")
        elif kind == "sourceDescriptions" and parts and self.doc.source(parts[0]) is None:
            yield _Problem(node, field, "unknown-source-description",
                           f"'{expression}' refers to source description '{parts[0]}', which is not declared")


def _has_output(outputs: Mapping[str, object], names: tuple[str, ...]) -> bool:
    # Output names may contain dots, so try every split of the dotted tail against the declared names.
    return any(".".join(names[:i]) in outputs for i in range(1, len(names) + 1))
