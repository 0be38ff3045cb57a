"""Plan a run before any I/O: pick the workflow, check what it can reach, resolve every target.

A run refuses a document whose problems touch the workflows it would execute (the selected one, its
prerequisites, sub-workflows, transfer and retry targets, transitively) or the document as a whole. Problems
confined to unrelated workflows of the same document do not stop it: fixture-style documents that keep
deliberately broken workflows next to good ones stay usable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import ArazzoError, Diagnostic, DocumentError, ResolutionError, UsageError
from arazzo_runner.expressions import parse_condition, parse_expression
from arazzo_runner.model import Action, Criterion, Parameter, Reusable, Step, Workflow
from arazzo_runner.openapi import Operation
from arazzo_runner.sources import BoundDocument


@dataclass(frozen=True)
class StepPlan:
    """A step with its target resolved and its effective parameters and actions merged."""

    step: Step
    operation: Operation | None
    sub_workflow: tuple[BoundDocument, Workflow] | None
    parameters: tuple[Parameter, ...]
    success_actions: tuple[Action, ...]
    failure_actions: tuple[Action, ...]
    problem: ArazzoError | None = None
    """Why the step cannot run (an unresolvable target or component); validation reports it before a run."""


@dataclass
class WorkflowPlan:
    """A workflow ready to execute: its bound document and the plan of every step."""

    bound: BoundDocument
    workflow: Workflow
    steps: tuple[StepPlan, ...]
    index: dict[str, int] = field(default_factory=dict)
    source_fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """``$sourceDescriptions.<name>.url|type`` of the workflow's document, built once, read at every step."""

    @property
    def key(self) -> tuple[str, str]:
        """Identity across documents: (document URL, workflowId)."""
        return (self.bound.url, self.workflow.workflow_id)


class Planner:
    """Builds and caches :class:`WorkflowPlan` objects for the workflows of bound documents."""

    def __init__(self) -> None:
        self._plans: dict[tuple[str, str], WorkflowPlan] = {}

    def workflow(self, bound: BoundDocument, reference: str) -> WorkflowPlan:
        """The plan of the workflow ``reference`` names from ``bound`` (local or cross-document)."""
        target_bound, workflow = bound.workflow(reference)
        key = (target_bound.url, workflow.workflow_id)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build(target_bound, workflow)
            self._plans[key] = plan
        return plan

    def _build(self, bound: BoundDocument, workflow: Workflow) -> WorkflowPlan:
        try:
            inherited = resolve_parameters(bound, workflow.parameters)
            success = resolve_actions(bound, workflow.success_actions, "successActions")
            failure = resolve_actions(bound, workflow.failure_actions, "failureActions")
        except ResolutionError as exc:
            inherited, success, failure = (), (), ()
            broken: ArazzoError | None = exc
        else:
            broken = None
        steps = [self._step(bound, step, inherited, success, failure, broken) for step in workflow.steps]
        sources = MappingProxyType({s.name: MappingProxyType({"url": s.url, "type": s.type or ""})
                                    for s in bound.document.source_descriptions})
        return WorkflowPlan(bound, workflow, tuple(steps), {s.step.step_id: i for i, s in enumerate(steps)},
                            sources)

    def _step(self, bound: BoundDocument, step: Step, inherited: Sequence[Parameter], success: Sequence[Action],
              failure: Sequence[Action], broken: ArazzoError | None) -> StepPlan:
        # A sub-workflow's parameters are its inputs, keyed by bare name: a step's own `petId` beats an
        # inherited `petId` whatever `in` either declares.
        by_name = step.workflow_id is not None
        try:
            if broken is not None:
                raise broken
            own = resolve_parameters(bound, step.parameters)
            overridden = {_identity(p, by_name) for p in own}
            parameters = (*own, *(p for p in inherited if _identity(p, by_name) not in overridden))
            operation = None
            sub = None
            if step.operation_id is not None:
                operation = bound.operation_by_id(step.operation_id)
            elif step.operation_path is not None:
                operation = bound.operation_by_path(step.operation_path)
            elif step.workflow_id is not None:
                sub = bound.workflow(step.workflow_id)
            plan = StepPlan(
                step, operation, sub, parameters,
                _merge(resolve_actions(bound, step.on_success or (), "successActions"), success),
                _merge(resolve_actions(bound, step.on_failure or (), "failureActions"), failure),
            )
            _parse_all(plan)
            return plan
        except ArazzoError as exc:
            return StepPlan(step, None, None, (), (), (), problem=exc)


def _identity(parameter: Parameter, by_name: bool = False) -> tuple[str, str | None]:
    return (parameter.name, None) if by_name else parameter.identity


def _merge(step_actions: Sequence[Action], workflow_actions: Sequence[Action]) -> tuple[Action, ...]:
    """Step actions first, then the workflow's, a same-named workflow action being replaced by the step's.

    The spec says workflow actions "can be overridden at the step level but cannot be removed"
    (ENGINE-CHECKLIST §7, recommended merge by name), so an empty step list does not suppress them.
    """
    names = {action.name for action in step_actions}
    return (*step_actions, *(a for a in workflow_actions if a.name not in names))


def resolve_parameters(bound: BoundDocument, items: Sequence[Parameter | Reusable]) -> tuple[Parameter, ...]:
    """Parameters with Reusable references replaced by the component (its ``value`` overridden if given)."""
    result = []
    for item in items:
        if isinstance(item, Reusable):
            target = bound.document.components.parameters.get(_component_name(item, "parameters"))
            if target is None:
                raise ResolutionError(f"unknown component '{item.reference}'", "unknown-component", item.location)
            result.append(Parameter(item.document, item.pointer, target.name,
                                    item.value if item.has_value else target.value, target.in_))
        else:
            result.append(item)
    return tuple(result)


def resolve_actions(bound: BoundDocument, items: Sequence[Action | Reusable], kind: str) -> tuple[Action, ...]:
    """Actions with Reusable references replaced by the component action."""
    table = (bound.document.components.success_actions if kind == "successActions"
             else bound.document.components.failure_actions)
    result = []
    for item in items:
        if isinstance(item, Reusable):
            target = table.get(_component_name(item, kind))
            if target is None:
                raise ResolutionError(f"unknown component '{item.reference}'", "unknown-component", item.location)
            result.append(target)
        else:
            result.append(item)
    return tuple(result)


def _component_name(item: Reusable, kind: str) -> str:
    prefix = f"$components.{kind}."
    if not item.reference.startswith(prefix):
        raise ResolutionError(f"reference '{item.reference}' must be '{prefix}<name>'", "invalid-reference",
                              item.location)
    return item.reference[len(prefix):]


def _parse_all(plan: StepPlan) -> None:
    """Parse every criterion now, so a syntax error stops the run before its first request."""
    for criterion in _criteria(plan):
        if criterion.context is not None:
            parse_expression(criterion.context)
        if criterion.type == "simple":
            parse_condition(criterion.condition)


def _criteria(plan: StepPlan) -> Iterator[Criterion]:
    yield from plan.step.success_criteria
    for action in (*plan.success_actions, *plan.failure_actions):
        yield from action.criteria


def reachable(planner: Planner, root: WorkflowPlan) -> list[WorkflowPlan]:
    """Every workflow a run of ``root`` may execute (prerequisites, sub-workflows, goto/retry targets)."""
    seen: dict[tuple[str, str], WorkflowPlan] = {root.key: root}
    pending = [root]
    while pending:
        plan = pending.pop()
        references = list(plan.workflow.depends_on)
        for step in plan.steps:
            if step.step.workflow_id is not None:
                references.append(step.step.workflow_id)
            references.extend(a.workflow_id for a in (*step.success_actions, *step.failure_actions)
                              if a.workflow_id is not None)
        for reference in references:
            try:
                target = planner.workflow(plan.bound, reference)
            except ResolutionError:
                continue  # validation reports it inside the referring workflow, which is in scope
            if target.key not in seen:
                seen[target.key] = target
                pending.append(target)
    return list(seen.values())


def blocking(diagnostics: Sequence[Diagnostic], plans: Sequence[WorkflowPlan],
             documents: set[str] | None = None) -> list[Diagnostic]:
    """The errors that stop a run of ``plans``: any outside ``/workflows/N``, or inside one of them.

    ``documents`` adds documents whose document-level errors count even before any workflow is planned.
    """
    scopes = {(p.bound.document.document.name, p.workflow.pointer) for p in plans}
    documents = {p.bound.document.document.name for p in plans} | (documents or set())
    result = []
    for diagnostic in diagnostics:
        if diagnostic.severity != "error":
            continue
        source, pointer = diagnostic.location.source, diagnostic.location.pointer
        parts = pointer.split("/")
        if len(parts) >= 3 and parts[1] == "workflows":
            if (source, f"/workflows/{parts[2]}") in scopes:
                result.append(diagnostic)
        elif source in documents:
            result.append(diagnostic)
    return result


def select_workflow(bound: BoundDocument, workflow_id: str | None) -> str:
    """The workflow to run: the one named, or the only one of the document."""
    ids = [w.workflow_id for w in bound.document.workflows]
    if workflow_id is None:
        if len(ids) == 1:
            return ids[0]
        raise UsageError(f"the document has {len(ids)} workflows; choose one with --workflow: {', '.join(ids)}")
    if workflow_id not in ids:
        raise UsageError(f"no workflow '{workflow_id}' in {bound.document.document.name}; "
                         f"available: {', '.join(ids) or 'none'}")
    return workflow_id


def refuse_if_invalid(diagnostics: Sequence[Diagnostic], plans: Sequence[WorkflowPlan],
                      documents: set[str] | None = None) -> None:
    """Raise :class:`DocumentError` when a problem touches what the run would execute."""
    problems = blocking(diagnostics, plans, documents)
    if problems:
        raise DocumentError(problems)
