"""The semantic rules of ENGINE-CHECKLIST.md §3 that are not about resolving references.

Ids that must be unique, parameters without ``in``, the shape of actions, criteria, and what runtime
expressions refer to (steps, outputs, source descriptions). They read the :class:`Resolution` for the
effective parameter and action lists, so nothing is resolved twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from arazzo_runner import pointer
from arazzo_runner.errors import Diagnostic, ResolutionError
from arazzo_runner.model import Action, ArazzoDocument, Node, Parameter, Step, Workflow
from arazzo_runner.resolve import ResolvedAction, ResolvedStep, ResolvedWorkflow
from arazzo_runner.validate import rules_1_1
from arazzo_runner.validate.expressions import ExpressionRules


def document_rules(document: ArazzoDocument, workflows: Sequence[ResolvedWorkflow]) -> Iterator[Diagnostic]:
    """Every rule of this module over one document whose workflows were resolved into ``workflows``."""
    yield from duplicates(document.source_descriptions, lambda s: s.name, "name", "duplicate-source-name",
                          "source description name")
    yield from duplicates(document.workflows, lambda w: w.workflow_id, "workflowId", "duplicate-workflow-id",
                          "workflowId")
    expressions = ExpressionRules(document)
    for parameter in document.components.parameters.values():
        yield from expressions.value(parameter, "value", parameter.value)
    for action in (*document.components.success_actions.values(), *document.components.failure_actions.values()):
        yield from action_shape(action, document.version)
        yield from expressions.criteria(action.criteria, None)
    for resolved in workflows:
        yield from _workflow(resolved, expressions)


def duplicates(nodes: Iterable[Any], key: Callable[[Any], Any], field: str, rule: str,
               what: str) -> Iterator[Diagnostic]:
    """A diagnostic for every node whose ``key`` repeats an earlier one's."""
    seen: dict[object, Node] = {}
    for node in nodes:
        value = key(node)
        if value in (None, "", (None, None)):
            continue
        if value in seen:
            shown = value if isinstance(value, str) else "/".join(str(v) for v in value)
            first = seen[value].location
            yield node.diagnostic(field, rule, f"duplicate {what} '{shown}' (first defined at line {first.line})")
        else:
            seen[value] = node


def action_shape(action: Action, version: str = "1.0") -> Iterator[Diagnostic]:
    """Targets an action of its type may (not) have, and in 1.1 what its parameters may be."""
    if action.type == "goto" and (action.step_id is None) == (action.workflow_id is None):
        yield action.diagnostic("type", "action-target",
                                f"goto action '{action.name}' needs exactly one of stepId or workflowId")
    if action.type == "retry" and action.step_id is not None and action.workflow_id is not None:
        yield action.diagnostic("type", "action-target",
                                f"retry action '{action.name}' may name a stepId or a workflowId, not both")
    if action.type == "end" and (action.step_id or action.workflow_id):
        yield action.diagnostic("type", "action-target",
                                f"end action '{action.name}' takes no stepId or workflowId", "warning")
    if version == "1.1":
        yield from rules_1_1.action_parameters_shape(action)


OUTPUT_NAME = re.compile(r"^[a-zA-Z0-9.\-_]+$")


def output_names(node: Step | Workflow) -> Iterator[Diagnostic]:
    """Output names must match ``^[a-zA-Z0-9.-_]+$`` (the specification's Outputs rule)."""
    for name in node.outputs:
        if not OUTPUT_NAME.match(name):
            yield node.diagnostic(("outputs", name), "invalid-output-name",
                                  f"output name {name!r} may only use letters, digits, '.', '-' and '_'")


def inputs_schema_references(workflow: Workflow) -> Iterator[Diagnostic]:
    """An inputs schema may reference only its own document (``#/components/inputs/...``), and must resolve."""
    pending: list[tuple[str, Any]] = [("inputs", workflow.inputs)]
    data = workflow.document.data
    while pending:  # iterative: schemas nest as deep as the document does
        at, node = pending.pop()
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str):
                yield from _inputs_reference(workflow, at, reference, data)
            pending.extend((f"{at}/{pointer.escape(str(key))}", value) for key, value in node.items())
        elif isinstance(node, list):
            pending.extend((f"{at}/{index}", value) for index, value in enumerate(node))


def _inputs_reference(workflow: Workflow, at: str, reference: str, data: Any) -> Iterator[Diagnostic]:
    field = tuple(pointer.unescape(part) for part in at.split("/"))
    if not reference.startswith("#"):
        yield workflow.diagnostic((*field, "$ref"), "invalid-inputs-schema",
                                  f"inputs schema reference {reference!r} leaves the document; reference "
                                  "'#/components/inputs/<name>' instead")
        return
    try:
        pointer.get(data, unquote(reference[1:]), reference)
    except ResolutionError as exc:
        yield workflow.diagnostic((*field, "$ref"), "invalid-inputs-schema",
                                  f"inputs schema reference {reference!r} does not resolve: {exc.message}")


def _workflow(resolved: ResolvedWorkflow, expressions: ExpressionRules) -> Iterator[Diagnostic]:
    workflow = resolved.workflow
    yield from duplicates(workflow.steps, lambda s: s.step_id, "stepId", "duplicate-step-id", "stepId")
    yield from output_names(workflow)
    yield from inputs_schema_references(workflow)
    yield from _parameter_duplicates(resolved.parameters)
    yield from _action_list(workflow, resolved.success_actions, expressions)
    yield from _action_list(workflow, resolved.failure_actions, expressions)
    for step in resolved.steps:
        yield from _step(workflow, step, expressions)
    for name, value in workflow.outputs.items():
        yield from expressions.output(workflow, workflow, name, value)


def _step(workflow: Workflow, resolved: ResolvedStep, expressions: ExpressionRules) -> Iterator[Diagnostic]:
    step: Step = resolved.step
    yield from output_names(step)
    yield from _parameter_duplicates(resolved.own_parameters)
    operation_step = step.workflow_id is None and (step.operation_id is not None or step.operation_path is not None)
    newer = expressions.document.version == "1.1"
    if operation_step:
        places = "path, query, querystring, header or cookie" if newer else "path, query, header or cookie"
        for parameter in resolved.parameters:
            if parameter.in_ is None:
                yield parameter.diagnostic("name", "parameter-in-required",
                                           f"parameter '{parameter.name}' of operation step '{step.step_id}' needs "
                                           f"'in' ({places})")
        if newer:
            yield from rules_1_1.querystring(resolved)
    for parameter in resolved.own_parameters:
        yield from expressions.value(parameter, "value", parameter.value, workflow, step)
    if step.request_body is not None:
        body = step.request_body
        if body.has_payload:
            yield from expressions.value(body, "payload", body.payload, workflow, step)
        for replacement in body.replacements:
            yield from expressions.value(replacement, "value", replacement.value, workflow, step)
        if newer:
            yield from rules_1_1.replacement_targets(resolved, body)
    yield from expressions.criteria(step.success_criteria, workflow, step)
    yield from _action_list(workflow, resolved.own_success, expressions, step)
    yield from _action_list(workflow, resolved.own_failure, expressions, step)
    for name, value in step.outputs.items():
        yield from expressions.output(step, workflow, name, value, step)


def _parameter_duplicates(params: Sequence[Parameter]) -> Iterator[Diagnostic]:
    yield from duplicates(params, lambda p: p.identity, "name", "duplicate-parameter", "parameter (name, in)")


def _action_list(workflow: Workflow, actions: Sequence[ResolvedAction], expressions: ExpressionRules,
                 step: Step | None = None) -> Iterator[Diagnostic]:
    version = expressions.document.version
    yield from duplicates([a.action for a in actions], lambda a: a.name, "name", "duplicate-action-name",
                          "action name")
    for resolved in actions:
        if resolved.written is resolved.action:  # component actions were checked once, where they are defined
            yield from action_shape(resolved.action, version)
            yield from expressions.criteria(resolved.action.criteria, workflow)
        if version == "1.1":
            yield from duplicates(resolved.parameters, lambda p: p.name, "name", "duplicate-parameter",
                                  "action parameter")
            yield from rules_1_1.action_parameters(resolved, expressions, workflow, step)
