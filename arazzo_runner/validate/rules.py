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
from arazzo_runner.expressions import is_runtime_expression
from arazzo_runner.model import Action, ArazzoDocument, Node, Parameter, RequestBody, Reusable, Step, Workflow
from arazzo_runner.payload_targets import (
    SELECTOR_TYPES,
    Target,
    body_media_type,
    media_family,
    payload_kind,
    syntax_problem,
    target_kind,
)
from arazzo_runner.resolve import ResolvedAction, ResolvedStep, ResolvedWorkflow
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
    """Targets an action of its type may (not) have; in 1.1, parameters only with a ``workflowId``, and never
    with ``in`` (those written in the action; referenced ones are checked where the action is used)."""
    if action.type == "goto" and (action.step_id is None) == (action.workflow_id is None):
        yield action.diagnostic("type", "action-target",
                                f"goto action '{action.name}' needs exactly one of stepId or workflowId")
    if action.type == "retry" and action.step_id is not None and action.workflow_id is not None:
        yield action.diagnostic("type", "action-target",
                                f"retry action '{action.name}' may name a stepId or a workflowId, not both")
    if action.type == "end" and (action.step_id or action.workflow_id):
        yield action.diagnostic("type", "action-target",
                                f"end action '{action.name}' takes no stepId or workflowId", "warning")
    if version != "1.1" or not action.parameters:
        return
    if action.workflow_id is None:
        yield action.diagnostic("parameters", "action-parameters-without-workflow",
                                f"{action.type} action '{action.name}' has parameters, which are the inputs of the "
                                "workflow it goes to, but it names no workflowId")
    for parameter in action.parameters:
        if isinstance(parameter, Parameter) and parameter.in_ is not None:
            yield parameter.diagnostic("in", "action-parameter-in", _parameter_in(action, parameter))


def _parameter_in(action: Action, parameter: Parameter) -> str:
    inputs = f"workflow '{action.workflow_id}'" if action.workflow_id else "the workflow it goes to"
    return (f"parameter '{parameter.name}' of {action.type} action '{action.name}' has 'in: {parameter.in_}'; an "
            f"action's parameters are the inputs of {inputs} and take no 'in'")


def _action_parameters(resolved: ResolvedAction, expressions: ExpressionRules, workflow: Workflow,
                       step: Step | None) -> Iterator[Diagnostic]:
    """1.1: the parameters of an action as it is used: a referenced parameter with ``in``, a name given twice, and
    what the values' expressions refer to (read where the action is written)."""
    action = resolved.action
    written = {item.pointer: item for item in action.parameters}
    for parameter in resolved.parameters:
        item = written.get(parameter.pointer)
        if isinstance(item, Reusable) and parameter.in_ is not None:
            yield parameter.diagnostic("reference", "action-parameter-in",
                                       f"{_parameter_in(action, parameter)} (from {item.reference})")
    yield from duplicates(resolved.parameters, lambda p: p.name, "name", "duplicate-parameter", "action parameter")
    if resolved.written is action:
        for parameter in resolved.parameters:
            yield from expressions.value(parameter, "value", parameter.value, workflow, step)


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
            yield from _querystring(resolved)
    for parameter in resolved.own_parameters:
        yield from expressions.value(parameter, "value", parameter.value, workflow, step)
    if step.request_body is not None:
        body = step.request_body
        if body.has_payload:
            yield from expressions.value(body, "payload", body.payload, workflow, step)
        for replacement in body.replacements:
            yield from expressions.value(replacement, "value", replacement.value, workflow, step)
        if newer:
            yield from _replacement_targets(resolved, body)
    yield from expressions.criteria(step.success_criteria, workflow, step)
    yield from _action_list(workflow, resolved.own_success, expressions, step)
    yield from _action_list(workflow, resolved.own_failure, expressions, step)
    for name, value in step.outputs.items():
        yield from expressions.output(step, workflow, name, value, step)


def _querystring(resolved: ResolvedStep) -> Iterator[Diagnostic]:
    """Arazzo 1.1: a querystring parameter is the whole query, so a step sends one at most and no ``in: query``
    parameter beside it (OpenAPI 3.2: the two cannot coexist), its inherited parameters included."""
    step = resolved.step
    own = {id(p) for p in resolved.own_parameters}
    distinct: dict[object, Parameter] = {}
    for parameter in resolved.parameters:  # a repeated (name, in) is duplicate-parameter's to report
        if parameter.in_ == "querystring":
            distinct.setdefault(parameter.identity, parameter)
    strings = list(distinct.values())
    if not strings:
        return

    def named(parameter: Parameter) -> str:
        return f"'{parameter.name}'" + ("" if id(parameter) in own else " (inherited from the workflow)")

    def at(*candidates: Parameter) -> Parameter:
        # The step's own parameter when one is involved, so the problem is shown where the step can fix it.
        return next((p for p in candidates if id(p) in own), candidates[0])

    if len(strings) > 1:
        yield at(*strings[1:], strings[0]).diagnostic(
            "in", "duplicate-querystring",
            f"step '{step.step_id}' has querystring parameters {' and '.join(named(p) for p in strings)}; a request "
            "has one query string (a step overrides an inherited one only under the same name)")
    query = [p for p in resolved.parameters if p.in_ == "query"]
    if query:
        yield at(strings[0], *query).diagnostic(
            "in", "querystring-with-query",
            f"step '{step.step_id}': querystring parameter {named(strings[0])} is the whole query string; it cannot "
            f"be combined with query parameter {', '.join(named(p) for p in query)}")


def _replacement_targets(resolved: ResolvedStep, body: RequestBody) -> Iterator[Diagnostic]:
    """Arazzo 1.1: each target is a selector of its type (declared, or by the body's media type or its literal
    payload, when known) and that type can address the payload."""
    operation = resolved.operation
    media = body_media_type(body.content_type, () if operation is None else operation.request_media_types)
    literal = body.has_payload and not (isinstance(body.payload, str) and is_runtime_expression(body.payload))
    shape = payload_kind(body.payload) if literal else None
    family = media_family(media)
    for replacement in body.replacements:
        if replacement.target_type is not None and replacement.target_type not in SELECTOR_TYPES:
            continue  # the schema says which types there are
        kind = target_kind(replacement.target_type, media) or shape
        if kind is None:
            continue
        where = "targetSelectorType" if replacement.target_type is not None else "target"
        xml = family == "xml" or (family not in ("json", "xml") and shape == "xpath")
        json_payload = family == "json" or (family not in ("json", "xml") and shape == "jsonpointer")
        if (kind == "xpath" and json_payload) or (kind != "xpath" and xml):
            payload = media or "the payload"
            yield replacement.diagnostic(where, "invalid-replacement-target",
                                         f"replacement target '{replacement.target}' is read as {kind}, which cannot "
                                         f"address {'an XML' if xml else 'a JSON'} payload ({payload})")
            continue
        problem = syntax_problem(Target(replacement.target, kind, replacement.target_version))
        if problem is not None:
            yield replacement.diagnostic("target", "invalid-replacement-target", problem)


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
            yield from _action_parameters(resolved, expressions, workflow, step)
