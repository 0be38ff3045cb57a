"""Where the non-standard forms of :mod:`arazzo_runner.dialect.forms` sit in a document, and two forms that
need the document to be seen: sub-workflow steps read as if they were the workflow they call.

* ``dialect-sub-workflow-output``: ``$steps.s.outputs.x`` where ``s`` calls workflow ``W`` and declares no
  output ``x`` but ``W`` does (the author expects the called workflow's outputs to pass through). The fix
  declares ``x: $workflows.W.outputs.x`` on ``s``. ``$outputs.x`` in the outputs of such a step, meant as the
  called workflow's output, becomes ``$workflows.W.outputs.x`` under the same rule.
* ``response-in-workflow-step``: ``$statusCode`` or ``$response...`` in a sub-workflow step's criteria. There
  is no response there, so the criterion can never pass (no fix; ``run --compat`` reads it as the called
  workflow's last response).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arazzo_runner.dialect import forms
from arazzo_runner.errors import Diagnostic, ExpressionSyntaxError, Fix, Severity
from arazzo_runner.expressions import parse_condition, parse_expression, parse_template
from arazzo_runner.model import Action, ArazzoDocument, Criterion, Node, Parameter, Reusable, Step, Workflow
from arazzo_runner.pointer import child

SUB_WORKFLOW_OUTPUT = "dialect-sub-workflow-output"
SIMPLE_TYPE = "dialect-simple-type"
RESPONSE_IN_WORKFLOW_STEP = "response-in-workflow-step"

DIALECT_RULES = frozenset({forms.BODY_NAVIGATION, forms.HEADER_PLURAL, forms.STATUS_CODE, forms.STEP_OUTPUTS,
                           forms.CONDITION_LITERAL, forms.OPERATION_PATH, forms.CONTEXT_WORD,
                           forms.OPERATION_ID_QUALIFIER, SUB_WORKFLOW_OUTPUT, SIMPLE_TYPE})
"""The rules ``fix`` can rewrite and ``run --compat`` reads as their authors meant."""

EXPLAINED = frozenset({"invalid-expression", "invalid-operation-path", "unknown-operation-id",
                       "unknown-step-output", "unknown-step-reference", "suspicious-expression",
                       "criterion-context-required"})
"""Generic diagnostics a dialect finding at the same place replaces (it says more, and how to fix it)."""

_MESSAGES: Mapping[str, str] = {
    forms.BODY_NAVIGATION: "navigates a body with dots or brackets; Arazzo 1.0.1 uses a JSON Pointer after '#'",
    forms.HEADER_PLURAL: "reads '.headers.'; the Arazzo 1.0.1 source is '.header.'",
    forms.STATUS_CODE: "is not an Arazzo 1.0.1 expression for the status code",
    forms.STEP_OUTPUTS: "reads a step without '.outputs.'",
    forms.CONDITION_LITERAL: "writes a string in double quotes or without quotes; condition literals are "
                             "single-quoted",
    forms.OPERATION_PATH: "lacks the '{$sourceDescriptions.<name>.url}' wrapper",
    forms.CONTEXT_WORD: "is a word, not a runtime expression",
    forms.OPERATION_ID_QUALIFIER: "qualifies an operationId with a bare source name; Arazzo 1.0.1 writes "
                                  "'$sourceDescriptions.<name>.<operationId>'",
}


@dataclass(frozen=True)
class Finding:
    """One non-standard form: where (``node`` and ``field``), the text as written and the spec form.

    ``new`` is ``None`` when there is no certain rewrite; ``action`` is ``replace`` (a string), ``add`` (a
    member, such as a step output) or ``remove`` (a member that only makes the document invalid).
    """

    rule: str
    node: Node
    field: tuple[str, ...]
    old: str
    new: str | None
    message: str
    action: str = "replace"
    fix_at: str | None = None
    """Where the fix applies when that is not where the form was found (the step an output is added to)."""
    severity: Severity = "error"
    """``warning`` for spec-legal text that surely means something else (an error under ``--strict``)."""

    @property
    def pointer(self) -> str:
        return self.fix_at if self.fix_at is not None else child(self.node.pointer, *self.field)

    def diagnostic(self) -> Diagnostic:
        base = self.node.diagnostic(self.field or None, self.rule, self.message, self.severity)
        if self.new is None:
            return base
        return Diagnostic(base.severity, base.rule, base.message, base.location,
                          Fix(self.pointer, self.old, self.new, action=self.action))


def scan(document: ArazzoDocument) -> list[Finding]:
    """Every non-standard form in ``document``, in document order, each once."""
    found: dict[tuple[str, str, str], Finding] = {}
    sources = [source.name for source in document.source_descriptions]
    for finding in _document(document, sources):
        found.setdefault((finding.rule, finding.pointer, finding.old), finding)
    return list(found.values())


def _document(document: ArazzoDocument, sources: Sequence[str]) -> Iterator[Finding]:
    for workflow in document.workflows:
        step_ids = [step.step_id for step in workflow.steps]
        for step in workflow.steps:
            yield from _step(document, workflow, step, step_ids, sources)
        for name, value in workflow.outputs.items():
            yield from _string(workflow, ("outputs", name), value, forms.expression, step_ids)
        yield from _actions(workflow, "successActions", workflow.success_actions, step_ids)
        yield from _actions(workflow, "failureActions", workflow.failure_actions, step_ids)
        yield from _parameters(workflow, workflow.parameters, step_ids)
        yield from _sub_workflow_outputs(document, workflow)
    components = document.components
    for parameter in components.parameters.values():
        yield from _payload(parameter, ("value",), parameter.value, ())
    for actions in (components.success_actions, components.failure_actions):
        for action in actions.values():
            yield from _criteria(action, action.criteria, ())


def _step(document: ArazzoDocument, workflow: Workflow, step: Step, step_ids: Sequence[str],
          sources: Sequence[str]) -> Iterator[Finding]:
    if step.operation_id is not None:
        yield from _string(step, ("operationId",), step.operation_id, forms.operation_id, sources)
    if step.operation_path is not None:
        yield from _string(step, ("operationPath",), step.operation_path, forms.operation_path, sources)
    yield from _parameters(step, step.parameters, step_ids)
    body = step.request_body
    if body is not None and body.has_payload:
        yield from _payload(body, ("payload",), body.payload, step_ids)
        for replacement in body.replacements:
            yield from _payload(replacement, ("value",), replacement.value, step_ids)
    yield from _criteria(step, step.success_criteria, step_ids)
    if step.workflow_id is not None:
        yield from _response_in_workflow_step(step)
    for name, value in step.outputs.items():
        if step.workflow_id is not None and isinstance(value, str) and value.startswith("$outputs."):
            target = _local_workflow(document, step.workflow_id)
            if target is not None:
                new = f"$workflows.{target.workflow_id}.outputs.{value[len('$outputs.'):]}"
                # Spec-legal (the calling workflow's own output, not computed yet), so a warning; the spec's
                # pet-coupons example writes it.
                yield Finding(SUB_WORKFLOW_OUTPUT, step, ("outputs", name), value, new,
                              f"'{value}' in the outputs of step '{step.step_id}' reads the calling workflow's own "
                              f"output, which has no value yet; it is surely meant as an output of the workflow "
                              f"the step calls, '{target.workflow_id}'", severity="warning")
                continue
        yield from _string(step, ("outputs", name), value, forms.expression, step_ids)
    for kind, actions in (("onSuccess", step.on_success or ()), ("onFailure", step.on_failure or ())):
        yield from _actions(step, kind, actions, step_ids)


def _parameters(node: Node, parameters: Sequence[Parameter | Reusable],
                step_ids: Sequence[str]) -> Iterator[Finding]:
    for parameter in parameters:
        yield from _payload(parameter, ("value",), parameter.value, step_ids)


def _actions(node: Node, kind: str, actions: Sequence[Action | Reusable],
             step_ids: Sequence[str]) -> Iterator[Finding]:
    for action in actions:
        if isinstance(action, Action):
            yield from _criteria(action, action.criteria, step_ids)


def _criteria(node: Node, criteria: Sequence[Criterion], step_ids: Sequence[str]) -> Iterator[Finding]:
    for criterion in criteria:
        if criterion.type_given and criterion.type == "simple" and criterion.context is None:
            # `type: simple` is the default: dropping it keeps the meaning and meets 1.0.1's "if type is
            # specified, then the context MUST be provided".
            yield Finding(SIMPLE_TYPE, criterion, ("type",), "simple", "",
                          "'type: simple' without a 'context' (1.0.1: a criterion that names its type MUST give "
                          "a context); simple is the default, so the type can go", action="remove")
        if criterion.context is not None:
            rewrite = forms.context_word(criterion.context) or forms.expression(criterion.context, step_ids)
            if rewrite is not None:
                yield _finding(criterion, ("context",), criterion.context, rewrite)
        if criterion.type == "simple":
            rewrite = forms.condition(criterion.condition, step_ids)
            if rewrite is not None:
                yield _finding(criterion, ("condition",), criterion.condition, rewrite)


def _payload(node: Node, field: tuple[str, ...], value: Any, step_ids: Sequence[str]) -> Iterator[Finding]:
    """Every string of a payload, parameter or replacement value (iteratively: payloads may nest deeply)."""
    pending: list[tuple[tuple[str, ...], Any]] = [(field, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, dict):
            pending.extend(reversed([((*where, str(key)), member) for key, member in item.items()]))
        elif isinstance(item, list):
            pending.extend(reversed([((*where, str(index)), member) for index, member in enumerate(item)]))
        elif isinstance(item, str):
            yield from _string(node, where, item, forms.value, step_ids)


def _string(node: Node, field: tuple[str, ...], value: Any,
            rewrite: Callable[[str, Collection[str]], forms.Rewrite | None],
            context: Sequence[str]) -> Iterator[Finding]:
    if not isinstance(value, str):
        return
    found = rewrite(value, context)
    if found is not None:
        yield _finding(node, field, value, found)


def _finding(node: Node, field: tuple[str, ...], old: str, rewrite: forms.Rewrite) -> Finding:
    rule = rewrite.rules[0]
    said = "; ".join(_MESSAGES[r] for r in rewrite.rules)
    return Finding(rule, node, field, old, rewrite.new, f"'{old}' {said}")


def _response_in_workflow_step(step: Step) -> Iterator[Finding]:
    for index, criterion in enumerate(step.success_criteria):
        texts = [criterion.context] if criterion.context is not None else []
        if criterion.type == "simple":
            texts.append(criterion.condition)
        if any(_reads_response(text, criterion.type == "simple" and text == criterion.condition) for text in texts):
            # Spec-legal text that can never pass: a warning, since the spec's own pet-coupons example writes it.
            yield Finding(RESPONSE_IN_WORKFLOW_STEP, criterion, (), criterion.condition, None,
                          f"criterion {index + 1} of step '{step.step_id}' reads the response, but a step that "
                          f"calls a workflow has none: it can never pass (the called workflow's own criteria "
                          f"decide its success)", severity="warning")


def _reads_response(text: str, is_condition: bool) -> bool:
    try:
        expressions = parse_condition(text).expressions if is_condition else (parse_expression(text),)
    except ExpressionSyntaxError:
        return False
    return any(e.kind in ("statusCode", "response") for e in expressions)


def _sub_workflow_outputs(document: ArazzoDocument, workflow: Workflow) -> Iterator[Finding]:
    """``$steps.s.outputs.x`` for a sub-workflow step ``s`` that does not declare ``x`` but whose workflow does;
    reported where it is read, fixed on the step."""
    callers = {step.step_id: step for step in workflow.steps if step.workflow_id is not None}
    if not callers:
        return
    for node, field, text in _expression_texts(workflow):
        for expression in _expressions(text):
            parts = expression.parts
            if expression.kind != "steps" or len(parts) < 3 or parts[1] != "outputs" or parts[0] not in callers:
                continue
            step = callers[parts[0]]
            name = parts[2]
            if name in step.outputs:
                continue
            assert step.workflow_id is not None
            target = _local_workflow(document, step.workflow_id)
            if target is None or name not in target.outputs:
                continue
            new = f"$workflows.{target.workflow_id}.outputs.{name}"
            yield Finding(SUB_WORKFLOW_OUTPUT, node, field, "", new,
                          f"'$steps.{step.step_id}.outputs.{name}' is read, but step '{step.step_id}' declares no "
                          f"output '{name}' (the workflow it calls, '{target.workflow_id}', does)", action="add",
                          fix_at=child(step.pointer, "outputs", name))


def _expression_texts(workflow: Workflow) -> Iterator[tuple[Node, tuple[str, ...], str]]:
    """Every string of a workflow that may read a step's outputs, with its place (conditions included)."""
    places: list[tuple[Node, tuple[str, ...], Any]] = [(workflow, ("outputs",), dict(workflow.outputs))]
    for step in workflow.steps:
        places.append((step, ("outputs",), dict(step.outputs)))
        places.extend((p, ("value",), p.value) for p in step.parameters)
        if step.request_body is not None:
            places.append((step.request_body, ("payload",), step.request_body.payload))
            places.extend((r, ("value",), r.value) for r in step.request_body.replacements)
        for criterion in step.success_criteria:
            places.append((criterion, ("condition",), criterion.condition))
            places.append((criterion, ("context",), criterion.context))
    for node, field, value in places:
        pending: list[tuple[tuple[str, ...], Any]] = [(field, value)]
        while pending:
            where, item = pending.pop()
            if isinstance(item, dict):
                pending.extend(((*where, str(key)), member) for key, member in item.items())
            elif isinstance(item, list):
                pending.extend(((*where, str(index)), member) for index, member in enumerate(item))
            elif isinstance(item, str) and "$steps." in item:
                yield node, where, item


def _expressions(text: str) -> list[Any]:
    try:
        if text.startswith("$") and (" " not in text.strip()):
            return [parse_expression(text)]
        if "{$" in text:
            return list(parse_template(text).expressions)
        return list(parse_condition(text).expressions)
    except ExpressionSyntaxError:
        return []


def _local_workflow(document: ArazzoDocument, workflow_id: str) -> Workflow | None:
    """The workflow of this document a step's ``workflowId`` names (cross-document ones are not followed)."""
    if workflow_id.startswith("$"):
        return None
    return document.workflow(workflow_id)

