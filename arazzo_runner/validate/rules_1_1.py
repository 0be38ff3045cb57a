"""The Arazzo 1.1 rules of what a step sends and where its actions go: ``in: querystring`` parameters, payload
replacement targets and action ``parameters``.

:mod:`~arazzo_runner.validate.rules` calls them for 1.1 documents only (a 1.0 document is told these fields are
1.1, by :mod:`~arazzo_runner.validate.versions`).
"""

from __future__ import annotations

from collections.abc import Iterator

from arazzo_runner.errors import Diagnostic
from arazzo_runner.expressions import is_runtime_expression
from arazzo_runner.model import Action, Parameter, RequestBody, Reusable, Step, Workflow
from arazzo_runner.payload_targets import (
    SELECTOR_TYPES,
    Target,
    body_media_type,
    media_family,
    payload_kind,
    syntax_problem,
    target_kind,
)
from arazzo_runner.resolve import ResolvedAction, ResolvedStep
from arazzo_runner.validate.expressions import ExpressionRules


def action_parameters_shape(action: Action) -> Iterator[Diagnostic]:
    """Parameters only on an action with a ``workflowId``, and never with ``in`` (those written in the action;
    referenced ones are checked where the action is used, by :func:`action_parameters`)."""
    if not action.parameters:
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


def action_parameters(resolved: ResolvedAction, expressions: ExpressionRules, workflow: Workflow,
                       step: Step | None) -> Iterator[Diagnostic]:
    """The parameters of an action as it is used: a referenced parameter with ``in``, and what the values'
    expressions refer to (read where the action is written)."""
    action = resolved.action
    written = {item.pointer: item for item in action.parameters}
    for parameter in resolved.parameters:
        item = written.get(parameter.pointer)
        if isinstance(item, Reusable) and parameter.in_ is not None:
            yield parameter.diagnostic("reference", "action-parameter-in",
                                       f"{_parameter_in(action, parameter)} (from {item.reference})")
    if resolved.written is action:
        for parameter in resolved.parameters:
            yield from expressions.value(parameter, "value", parameter.value, workflow, step)


def querystring(resolved: ResolvedStep) -> Iterator[Diagnostic]:
    """A querystring parameter is the whole query, so a step sends one at most and no ``in: query``
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


def replacement_targets(resolved: ResolvedStep, body: RequestBody) -> Iterator[Diagnostic]:
    """Each target is a selector of its type (declared, or by the body's media type or its literal
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
            stated = f" ({media})" if media else ""
            yield replacement.diagnostic(where, "invalid-replacement-target",
                                         f"replacement target '{replacement.target}' is read as {kind}, which cannot "
                                         f"address {'an XML' if xml else 'a JSON'} payload{stated}")
            continue
        problem = syntax_problem(Target(replacement.target, kind, replacement.target_version))
        if problem is not None:
            yield replacement.diagnostic("target", "invalid-replacement-target", problem)
