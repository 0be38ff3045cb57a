"""The state of one run, which lives only as long as the run: budgets, records, the call stack, tokens.

Plans and settings are frozen and shared between runs; everything that changes during a run is here, owned
by the run, and never reaches the caller except through events and the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import ExecutionError, Hint
from arazzo_runner.events import RequestInfo, RunResult, StepResult
from arazzo_runner.execute.request import RequestSettings
from arazzo_runner.expressions import ExpressionContext
from arazzo_runner.plan import Plan, WorkflowPlan
from arazzo_runner.resolve import WorkflowKey

DEFAULT_MAX_STEPS = 1000
DEFAULT_MAX_DEPTH = 32
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class RunOptions:
    """Limits, request settings and the clocks of a run."""

    settings: RequestSettings = field(default_factory=RequestSettings)
    max_steps: int = DEFAULT_MAX_STEPS
    max_depth: int = DEFAULT_MAX_DEPTH
    strict: bool = False
    clock: Callable[[], float] = time.perf_counter
    """Measures durations."""
    wall_clock: Callable[[], float] = time.time
    """Reads the date, for ``Retry-After: <HTTP-date>``."""


class RunState:
    """Everything that lives for one top-level run (shared by its sub-workflows and prerequisites)."""

    def __init__(self, plan: Plan, options: RunOptions, top_inputs: Mapping[str, Any]) -> None:
        self.plan = plan
        self.options = options
        self.top_inputs = MappingProxyType(dict(top_inputs))
        self.steps_used = 0
        self.records: dict[WorkflowKey, Mapping[str, Mapping[str, Any]]] = {}
        """``inputs`` and ``outputs`` of each workflow run so far, for ``$workflows.<id>``."""
        self.prerequisites: dict[WorkflowKey, RunResult] = {}
        self.stack: list[WorkflowKey] = []
        self.tokens: dict[tuple[str, str, tuple[str, ...]], str] = {}

    def charge(self, what: str) -> None:
        """Count one step attempt against the budget that bounds goto loops and retries."""
        self.steps_used += 1
        if self.steps_used > self.options.max_steps:
            raise ExecutionError(f"step budget of {self.options.max_steps} exhausted at {what} "
                                 "(a goto loop or retries that never settle?)", rule="step-budget")

    def record(self, key: WorkflowKey, inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> None:
        """What ``$workflows.<id>.inputs|outputs`` read from now on."""
        self.records.pop(key, None)  # the dict's order is recency: the latest run of an id wins
        self.records[key] = MappingProxyType({"inputs": MappingProxyType(dict(inputs)),
                                              "outputs": MappingProxyType(dict(outputs))})

    def workflows(self) -> Mapping[str, Mapping[str, Mapping[str, Any]]]:
        """The records by workflowId, as ``$workflows.<id>`` names them: the latest run of each id, whichever
        document it belongs to (a cross-document sub-workflow's outputs are read this way)."""
        return MappingProxyType({key[1]: record for key, record in self.records.items()})


class Frame:
    """One execution of one workflow: its inputs, its steps' outputs so far, its step results."""

    def __init__(self, plan: WorkflowPlan, inputs: Mapping[str, Any]) -> None:
        self.plan = plan
        self.inputs = MappingProxyType(dict(inputs))
        self.step_outputs: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
        self.results: list[StepResult] = []

    @property
    def workflow_id(self) -> str:
        """The id of the workflow this frame executes."""
        return self.plan.workflow_id

    def set_outputs(self, step_id: str, outputs: Mapping[str, Any]) -> None:
        """Record a step's outputs; contexts built earlier keep the mapping they were given."""
        self.step_outputs = MappingProxyType({**self.step_outputs, step_id: MappingProxyType(dict(outputs))})

    def context(self, state: RunState) -> ExpressionContext:
        """What expressions of this workflow see between steps."""
        return ExpressionContext(inputs=self.inputs, steps=self.step_outputs,
                                 workflows=state.workflows(),
                                 source_descriptions=self.plan.source_fields)


@dataclass
class Attempt:
    """One attempt of one step, as it is being made (internal to the executor)."""

    success: bool
    context: ExpressionContext
    request: RequestInfo | None = None
    status_code: int | None = None
    retry_after: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    hints: list[Hint | None] = field(default_factory=list)
    """One per warning: what the caller could supply about it."""
    sub_run: RunResult | None = None
    hint: Hint | None = None
    """What the caller could supply to fix ``error``."""

    def warn(self, message: str, hint: Hint | None = None) -> None:
        """Add a warning of this attempt."""
        self.warnings.append(message)
        self.hints.append(hint)

    def fail(self, error: str, hint: Hint | None = None) -> None:
        """Mark the attempt failed."""
        self.success, self.error, self.hint = False, error, hint
