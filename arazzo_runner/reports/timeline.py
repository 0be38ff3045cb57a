"""A record's events rebuilt into the run they tell of: workflow runs, and in each the step executions in order.

Every writer walks this tree rather than the raw event stream. An :class:`Execution` is one attempt of a step
(a retried step has one per attempt, a step reached again by ``goto`` one per visit); a :class:`WorkflowRun`
is one run of a workflow, with its own :attr:`~WorkflowRun.role`:

* ``main`` — the workflow the record is about;
* ``sub`` — the run of a sub-workflow step, attached to that step's execution (:attr:`Execution.sub`);
* ``transfer`` — the workflow a ``goto`` action handed control to (:attr:`WorkflowRun.transfer`);
* ``prerequisite`` — a ``dependsOn`` workflow, run before the first step;
* ``retry`` — a workflow a ``retry`` action names, run before the next attempt.

The roles are told apart by what came just before the ``WorkflowStarted`` event: an execution still open, a
``goto``, a ``retry``, or nothing yet. This module is internal to the writers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Literal

from arazzo_runner.events import (
    ActionTaken,
    CriterionEvaluated,
    Event,
    ExchangeRecorded,
    RunResult,
    RunWarning,
    StepFinished,
    StepResult,
    StepStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from arazzo_runner.reports.record import RunRecord

Role = Literal["main", "sub", "transfer", "prerequisite", "retry"]
Outcome = Literal["succeeded", "failed", "handled", "retried", "interrupted"]
"""How an execution ended: ``failed`` stopped or ended the workflow (no action took over, or ``end``),
``handled`` failed but an action took over (``goto``; or a step a retry action ran first), ``retried`` was
followed by another attempt, ``interrupted`` never finished (the run stopped on an engine error)."""

CRITERION_FAILED = "success criterion not met: "


@dataclass
class Execution:
    """One attempt of a step and everything the events told about it."""

    workflow_id: str
    step_id: str
    attempt: int
    occurrence: int
    """1 for the first execution of this step in its workflow run, 2 for the next (a retry or a goto), ..."""
    exchanges: list[ExchangeRecorded] = field(default_factory=list)
    criteria: list[CriterionEvaluated] = field(default_factory=list)
    warnings: list[RunWarning] = field(default_factory=list)
    actions: list[ActionTaken] = field(default_factory=list)
    result: StepResult | None = None
    """The step's result, on the step's last attempt only."""
    sub: WorkflowRun | None = None

    @property
    def action(self) -> ActionTaken | None:
        """The action chosen after this attempt (``next``/``break`` for the defaults)."""
        return self.actions[-1] if self.actions else None

    @property
    def exchange(self) -> ExchangeRecorded | None:
        """The attempt's HTTP exchange, if it sent a request."""
        return self.exchanges[-1] if self.exchanges else None

    @property
    def outcome(self) -> Outcome:
        """How the execution ended (see :data:`Outcome`)."""
        action = self.action
        if self.result is None:
            return "retried" if action is not None and action.type == "retry" else "interrupted"
        if self.result.status == "succeeded":
            return "succeeded"
        # A step run by a retry action has no action of its own: its failure does not stop the workflow.
        return "failed" if action is not None and action.type in ("break", "end") else "handled"

    @property
    def elapsed_ms(self) -> float:
        """The attempt's own time: the step's duration when it had one attempt, else what the attempt measured
        (its exchange, its sub-workflow run); waits between retries belong to no attempt."""
        measured = sum(exchange.elapsed_ms for exchange in self.exchanges)
        if self.sub is not None and self.sub.result is not None:
            measured += self.sub.result.duration_ms
        if self.result is not None and self.result.attempts == 1:
            return max(self.result.duration_ms, measured)
        return measured

    @property
    def failed_criterion(self) -> CriterionEvaluated | None:
        """The success criterion that failed the step (on its last attempt), if one did."""
        # Events do not tell success criteria from action criteria; the step's error names the one that failed.
        error = self.result.error if self.result is not None else None
        if error is None or not error.startswith(CRITERION_FAILED):
            return None
        for criterion in self.criteria:
            if not criterion.passed and error.startswith(CRITERION_FAILED + criterion.condition):
                return criterion
        return None

    @property
    def unmet(self) -> list[CriterionEvaluated]:
        """Every criterion of the attempt that did not pass (success criteria and action criteria alike)."""
        return [criterion for criterion in self.criteria if not criterion.passed]


@dataclass
class WorkflowRun:
    """One run of a workflow: its executions and the workflows it entered, in order."""

    workflow_id: str
    role: Role
    depth: int = 0
    inputs: Mapping[str, Any] = field(default_factory=dict)
    items: list[Execution | WorkflowRun] = field(default_factory=list)
    """Executions, and the prerequisite and retry workflow runs between them."""
    transfer: WorkflowRun | None = None
    result: RunResult | None = None
    warnings: list[RunWarning] = field(default_factory=list)
    """Warnings about the workflow as a whole (outputs without a value, a notice at the start)."""

    @property
    def executions(self) -> list[Execution]:
        """The executions of this run's own steps, in order."""
        return [item for item in self.items if isinstance(item, Execution)]

    def chain(self) -> Iterator[WorkflowRun]:
        """This run and the runs control was transferred to, in order."""
        run: WorkflowRun | None = self
        while run is not None:
            yield run
            run = run.transfer

    def _open(self) -> Execution | None:
        last = self.items[-1] if self.items else None
        if isinstance(last, Execution) and last.result is None and not last.actions:
            return last
        return None

    def _last(self, step_id: str) -> Execution | None:
        for item in reversed(self.items):
            if isinstance(item, Execution) and item.step_id == step_id:
                return item
        return None

    def _adopt(self, event: WorkflowStarted) -> WorkflowRun:
        opened = self._open()
        last = self.items[-1] if self.items else None
        action = last.action if isinstance(last, Execution) else None
        if opened is not None:
            run = opened.sub = WorkflowRun(event.workflow_id, "sub", event.depth, event.inputs)
        else:
            role: Role = "retry" if action is not None and action.type == "retry" else "prerequisite"
            run = WorkflowRun(event.workflow_id, role, event.depth, event.inputs)
            self.items.append(run)
        return run

    def _take(self, event: Event) -> None:
        if isinstance(event, StepStarted):
            occurrence = 1 + sum(1 for e in self.executions if e.step_id == event.step_id)
            self.items.append(Execution(event.workflow_id, event.step_id, event.attempt, occurrence))
            return
        if isinstance(event, StepFinished):
            step_id = event.result.step_id if event.result is not None else ""
        elif isinstance(event, ExchangeRecorded | CriterionEvaluated | RunWarning | ActionTaken):
            step_id = event.step_id
        else:
            return  # RequestSent, ResponseReceived, CredentialObtained: ExchangeRecorded tells more
        execution = self._last(step_id) if step_id else None
        if execution is None:
            if isinstance(event, RunWarning):
                self.warnings.append(event)
            return
        if isinstance(event, ExchangeRecorded):
            execution.exchanges.append(event)
        elif isinstance(event, CriterionEvaluated):
            execution.criteria.append(event)
        elif isinstance(event, RunWarning):
            execution.warnings.append(event)
        elif isinstance(event, ActionTaken):
            execution.actions.append(event)
        elif isinstance(event, StepFinished):
            execution.result = event.result


def timeline(record: RunRecord) -> WorkflowRun:
    """The tree of ``record``'s run; the results the runner returned fill in what the events could not tell
    (a run stopped by an engine error emits no ``WorkflowFinished``)."""
    root = _build(record.events) or WorkflowRun(record.workflow_id, "main", 0, record.inputs)
    result: RunResult | None = record.result
    for run in root.chain():
        if result is not None:
            run.result = result
            result = result.transferred_to
    _fill_sub_runs(root)
    return root


def _build(events: Iterable[Event]) -> WorkflowRun | None:
    root: WorkflowRun | None = None
    stack: list[WorkflowRun] = []
    handing_over: WorkflowRun | None = None  # a run that ended with a transfer: the next start is its target
    for event in events:
        if isinstance(event, WorkflowStarted):
            if handing_over is not None:
                run = handing_over.transfer = WorkflowRun(event.workflow_id, "transfer", event.depth, event.inputs)
                handing_over = None
            elif not stack:
                if root is not None:
                    continue  # a second top-level run in one record: the recorder was shared; keep the first
                run = root = WorkflowRun(event.workflow_id, "main", event.depth, event.inputs)
            else:
                run = stack[-1]._adopt(event)
            stack.append(run)
        elif isinstance(event, WorkflowFinished):
            while stack:
                finished = stack.pop()
                if finished.workflow_id == event.workflow_id:
                    finished.result = event.result
                    if event.result is not None and event.result.status == "transferred":
                        handing_over = finished
                    break
        elif stack:
            stack[-1]._take(event)
    return root


def _fill_sub_runs(run: WorkflowRun) -> None:
    for item in run.items:
        if isinstance(item, WorkflowRun):
            _fill_sub_runs(item)
        elif item.sub is not None:
            if item.sub.result is None and item.result is not None:
                item.sub.result = item.result.sub_run
            _fill_sub_runs(item.sub)
    if run.transfer is not None:
        _fill_sub_runs(run.transfer)


@dataclass(frozen=True)
class Failure:
    """Why an execution failed, in words (not yet masked): ``kind`` is ``criterion``, ``transport`` (no
    response arrived), ``workflow`` (a sub-workflow did not succeed) or ``step`` (anything else)."""

    kind: str
    message: str
    criterion: CriterionEvaluated | None = None


def failure(execution: Execution) -> Failure:
    """What went wrong in a failed (or handled) execution."""
    error = execution.result.error if execution.result is not None else None
    criterion = execution.failed_criterion
    if criterion is not None:
        message = CRITERION_FAILED + criterion.condition
        if criterion.error:
            message += f" ({criterion.error})"
        if criterion.actual:
            message += f"; actual: {criterion.actual}"
        return Failure("criterion", message, criterion)
    exchange = execution.exchange
    if exchange is not None and exchange.response is None:
        return Failure("transport", exchange.error or error or "no response")
    if execution.sub is not None:
        return Failure("workflow", error or f"workflow '{execution.sub.workflow_id}' did not succeed")
    return Failure("step", error or "step failed")


def iso_date(timestamp: float) -> str:
    """A wall-clock time as ISO 8601 in UTC with milliseconds and offset (``2026-12-01T09:38:23.120+00:00``)."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")


def reason_phrase(status: int) -> str:
    """The reason phrase of an HTTP status (``Unauthorized`` for 401), empty for an unregistered one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def settled(result: RunResult) -> RunResult:
    """The result at the end of ``result``'s chain of transfers."""
    while result.transferred_to is not None:
        result = result.transferred_to
    return result
