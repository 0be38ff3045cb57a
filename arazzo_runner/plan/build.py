"""Compile a resolved bundle into a frozen :class:`Plan`: every expression parsed, every request prepared.

A plan covers the workflow a run starts with and everything reachable from it (prerequisites, sub-workflows,
``goto`` and ``retry`` targets). The executor reads only the plan: it never parses text, never looks a
reference up, and never touches the document model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from arazzo_runner.criteria import Criterion, compile_criterion
from arazzo_runner.errors import Diagnostic, Location
from arazzo_runner.model import Criterion as CriterionObject
from arazzo_runner.plan.inputs import InputsPlan, plan_inputs
from arazzo_runner.plan.request import RequestPlan, plan_request
from arazzo_runner.plan.responses import plan_response_check
from arazzo_runner.plan.schemas import SchemaCompiler
from arazzo_runner.plan.values import Value, compile_value
from arazzo_runner.resolve import Resolution, ResolvedAction, ResolvedStep, ResolvedWorkflow, WorkflowKey
from arazzo_runner.sources.refs import DocumentLoader

DEFAULT_RETRY_LIMIT = 1


@dataclass(frozen=True)
class ActionPlan:
    """A success or failure action of a step, its targets resolved and its criteria compiled."""

    name: str
    type: str
    criteria: tuple[Criterion, ...]
    step_id: str | None = None
    step_index: int | None = None
    workflow_id: str | None = None
    """The ``workflowId`` as written (what events show)."""
    workflow: WorkflowKey | None = None
    retry_after: float | None = None
    retry_limit: int = DEFAULT_RETRY_LIMIT
    at: Location | None = None
    inputs: tuple[tuple[str, Value], ...] | None = None
    """1.1 ``parameters``: the target workflow's inputs, by name (``None``: the action has none, so the target
    is offered the run's inputs, as a workflow entered without parameters is)."""

    @property
    def target(self) -> str | None:
        """The step or workflow the action names, as written."""
        return self.step_id or self.workflow_id


@dataclass(frozen=True)
class StepPlan:
    """A step ready to execute: an operation request, or a sub-workflow with its inputs."""

    step_id: str
    at: Location
    request: RequestPlan | None
    workflow: WorkflowKey | None
    inputs: tuple[tuple[str, Value], ...]
    """A sub-workflow step's parameters: the called workflow's inputs, by name."""
    success_criteria: tuple[Criterion, ...]
    outputs: tuple[tuple[str, Value], ...]
    success_actions: tuple[ActionPlan, ...]
    failure_actions: tuple[ActionPlan, ...]
    timeout: float | None = None
    """1.1 step ``timeout``, in seconds: each attempt is aborted and fails after it."""
    after: frozenset[str] = frozenset()
    """1.1: steps of this workflow that must have completed first (explicit ``dependsOn`` and output reads)."""
    waits_for: tuple[tuple[WorkflowKey, str], ...] = ()
    """1.1: steps of other workflows ``dependsOn`` names; the step fails when one has not completed."""


@dataclass(frozen=True)
class WorkflowPlan:
    """A workflow ready to execute."""

    key: WorkflowKey
    steps: tuple[StepPlan, ...]
    index: Mapping[str, int]
    depends_on: tuple[WorkflowKey, ...]
    outputs: tuple[tuple[str, Value], ...]
    inputs: InputsPlan
    source_fields: Mapping[str, Mapping[str, Any]]
    """``$sourceDescriptions.<name>.url|type`` of the workflow's document."""
    at: Location
    self_uri: str | None = None
    """1.1 ``$self``: the document's base URI (``None`` in a 1.0 document, where ``$self`` does not exist)."""
    sequential_only: str | None = None
    """Why ``parallel`` cannot run this workflow's steps concurrently (``None``: it can)."""

    @property
    def workflow_id(self) -> str:
        """The workflow's id."""
        return self.key[1]


@dataclass(frozen=True)
class Plan:
    """Everything one run of ``root`` may execute."""

    root: WorkflowKey
    workflows: Mapping[WorkflowKey, WorkflowPlan]
    sources: frozenset[str] = frozenset()
    """The OpenAPI source descriptions of the documents the run may use (what server overrides may name)."""
    problems: tuple[Diagnostic, ...] = field(default=())
    """What stops the run before any request, beyond the documents' own diagnostics."""

    @property
    def main(self) -> WorkflowPlan:
        """The plan of the workflow the run starts with."""
        return self.workflows[self.root]


def build_plan(resolution: Resolution, root: WorkflowKey, load: DocumentLoader) -> Plan:
    """The plan of ``root`` and of every workflow reachable from it."""
    compiler = SchemaCompiler(load)
    keys = resolution.graph.reachable(root)
    workflows = {key: _workflow(resolution.workflows[key], compiler, load) for key in keys
                 if key in resolution.workflows}
    problems: list[Diagnostic] = [p.inputs.problem for p in workflows.values() if p.inputs.problem is not None]
    for key in keys:
        for step in resolution.workflows[key].steps:
            if not step.complete:  # validation says why; this only guarantees no such step ever runs
                problems.append(step.step.diagnostic(None, "incomplete-step",
                                                     f"step '{step.step.step_id}' cannot be planned"))
    sources = frozenset(name for key in keys for name in resolution.workflows[key].bound.openapi)
    return Plan(root, MappingProxyType(workflows), sources, tuple(problems))


def _workflow(resolved: ResolvedWorkflow, compiler: SchemaCompiler, load: DocumentLoader) -> WorkflowPlan:
    workflow = resolved.workflow
    # The steps in the order they run: list order, unless 1.1 dependencies put a step after a later one.
    ordered = [resolved.steps[i] for i in resolved.order] if resolved.order else list(resolved.steps)
    index = {step.step.step_id: i for i, step in enumerate(ordered)}
    steps = tuple(_step(resolved, step, index, compiler, load) for step in ordered)
    sources = MappingProxyType({s.name: MappingProxyType({"url": s.url, "type": s.type or ""})
                                for s in resolved.bound.document.source_descriptions})
    document = resolved.bound.document
    return WorkflowPlan(resolved.key, steps, MappingProxyType(index), resolved.depends_on,
                        _outputs(workflow.outputs, workflow.in_1_1), plan_inputs(workflow, compiler, load), sources,
                        workflow.location, document.base_uri if document.version == "1.1" else None,
                        _concurrent_unsafe(steps))


def _concurrent_unsafe(steps: Sequence[StepPlan]) -> str | None:
    """Why the steps of a workflow cannot run concurrently (``None`` when they can): a ``goto`` or ``end``
    decides what runs next, which only list order can honour."""
    for step in steps:
        for action in (*step.success_actions, *step.failure_actions):
            if action.type in ("goto", "end"):
                return f"step '{step.step_id}' has a {action.type} action ('{action.name}')"
    return None


def _step(workflow: ResolvedWorkflow, resolved: ResolvedStep, index: Mapping[str, int], compiler: SchemaCompiler,
          load: DocumentLoader) -> StepPlan:
    step = resolved.step
    version = workflow.bound.document.version
    request: RequestPlan | None = None
    if resolved.operation is not None:
        operation = resolved.operation
        source = workflow.bound.openapi[operation.source_name]
        check = compiler.memo(("responses", source.url, operation.pointer),
                              lambda: plan_response_check(operation, source, compiler, load))
        request = plan_request(operation, source, resolved.parameters, step.request_body, check, version)
    selectors = step.in_1_1
    inputs = tuple((p.name, compile_value(p.value, selectors=selectors)) for p in resolved.parameters
                   ) if resolved.workflow else ()
    return StepPlan(step.step_id, step.location, request, resolved.workflow, inputs,
                    _criteria(step.success_criteria), _outputs(step.outputs, selectors),
                    tuple(_action(a, index, version) for a in resolved.success_actions),
                    tuple(_action(a, index, version) for a in resolved.failure_actions),
                    step.timeout / 1000 if step.timeout is not None and step.timeout > 0 and selectors else None,
                    resolved.after, resolved.waits_for)


def _action(resolved: ResolvedAction, index: Mapping[str, int], version: str) -> ActionPlan:
    action = resolved.action
    limit = DEFAULT_RETRY_LIMIT if action.retry_limit is None else action.retry_limit
    inputs = None
    if version == "1.1" and resolved.parameters and resolved.workflow is not None:
        inputs = tuple((p.name, compile_value(p.value, selectors=True)) for p in resolved.parameters)
    return ActionPlan(action.name, action.type, _criteria(action.criteria), action.step_id,
                      index.get(action.step_id) if action.step_id is not None else None, action.workflow_id,
                      resolved.workflow, action.retry_after, limit, action.location, inputs)


def _criteria(criteria: Sequence[CriterionObject]) -> tuple[Criterion, ...]:
    return tuple(compile_criterion(c.condition, context=c.context, type=c.type, version=c.version)
                 for c in criteria)


def _outputs(outputs: Mapping[str, Any], selectors: bool) -> tuple[tuple[str, Value], ...]:
    return tuple((name, compile_value(value, selectors=selectors)) for name, value in outputs.items())
