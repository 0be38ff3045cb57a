"""The step loop: attempts, criteria, success/failure actions, retries, goto, sub-workflows and dependsOn.

:func:`execute_workflow` is a generator over a frozen :class:`~arazzo_runner.plan.WorkflowPlan`: it yields
events and commands (:mod:`~arazzo_runner.execute.commands`) and returns the :class:`RunResult`. Actions are
chosen by :data:`ACTIONS`, keyed by the action's ``type``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import ArazzoError, ExecutionError, InputError
from arazzo_runner.events import (
    ActionTaken,
    CredentialObtained,
    Event,
    RetryWaiting,
    RunResult,
    RunStatus,
    RunWarning,
    StepFinished,
    StepStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from arazzo_runner.execute.commands import Execution, Sleep, Together
from arazzo_runner.execute.operation import describe, operation_attempt
from arazzo_runner.execute.outcome import (
    criteria_pass,
    criterion_failure,
    evaluate_outputs,
    first_failing,
    step_result,
)
from arazzo_runner.execute.state import Attempt, Frame, RunState
from arazzo_runner.expressions import MISSING, ExpressionContext
from arazzo_runner.plan import ActionPlan, StepPlan, WorkflowPlan
from arazzo_runner.plan.values import Value
from arazzo_runner.resolve import WorkflowKey


@dataclass(frozen=True)
class Decision:
    """Where the step loop goes after a step: ``next``, ``goto`` a step, ``transfer`` to a workflow,
    ``end`` the workflow, or ``break`` (a failure no action handled)."""

    kind: str
    step: int | None = None
    workflow: WorkflowKey | None = None
    inputs: Mapping[str, Any] | None = None
    """A transfer's inputs from the action's 1.1 ``parameters`` (``None``: the run's inputs are offered)."""


NEXT, BREAK, END = Decision("next"), Decision("break"), Decision("end")


def _end(action: ActionPlan) -> Decision:
    return END


def _goto(action: ActionPlan) -> Decision:
    if action.step_index is not None:
        return Decision("goto", step=action.step_index)
    if action.workflow is not None:
        return Decision("transfer", workflow=action.workflow)
    raise ExecutionError(f"goto action '{action.name}' has no usable target", action.at)


ACTIONS: Mapping[str, Callable[[ActionPlan], Decision] | None] = MappingProxyType({
    "end": _end,
    "goto": _goto,
    "retry": None,  # handled by the attempt loop: it repeats the step instead of leaving it
})
"""Action ``type`` -> where the loop goes next, keyed by the specification's own words."""


@dataclass(frozen=True)
class _Transfer:
    """A ``goto`` to a workflow: the workflow that took it has ended, and control passes on (one way)."""

    target: WorkflowKey
    inputs: Mapping[str, Any]


def execute_workflow(state: RunState, plan: WorkflowPlan, inputs: Mapping[str, Any], depth: int = 0,
                     notices: tuple[str, ...] = ()) -> Execution:
    """Run one workflow to its end; returns a :class:`RunResult` (``yield from`` it).

    A ``goto`` to a workflow is a one-way transfer: the workflow that takes it leaves the call stack before the
    target starts, so a workflow may transfer to itself, or two to each other, until a condition ends it (the
    step budget bounds such loops). The result is the chain: each link's ``transferred_to`` is the next.
    ``notices`` are warnings about the run as a whole, told right after the workflow starts.
    """
    links: list[RunResult] = []
    while True:  # a loop, not recursion: a chain of transfers is bounded by the step budget only
        result, transfer = yield from _one_workflow(state, plan, inputs, depth, notices)
        links.append(result)
        if transfer is None:
            break
        plan, inputs, notices = state.plan.workflows[transfer.target], transfer.inputs, ()
    chained = links[-1]
    for link in reversed(links[:-1]):
        chained = replace(link, transferred_to=chained)
    return chained


def _one_workflow(state: RunState, plan: WorkflowPlan, inputs: Mapping[str, Any], depth: int,
                  notices: tuple[str, ...]) -> Execution:
    """Run one workflow; returns (its result, the transfer it ends with or ``None``)."""
    key = plan.key
    if key in state.stack:
        chain = " -> ".join(k[1] for k in (*state.stack[state.stack.index(key):], key))
        raise ExecutionError(f"workflow cycle at run time: {chain}", rule="workflow-cycle")
    if depth > state.options.limits.max_workflow_depth:
        raise ExecutionError(f"workflows nest deeper than {state.options.limits.max_workflow_depth} levels at "
                             f"'{plan.workflow_id}'", rule="depth-limit")
    started = state.options.clock()
    state.stack.append(key)
    secrets = plan.inputs.secrets(inputs) if plan.inputs.secret else []
    state.redactor = state.redactor.adding(*secrets)
    try:
        for secret in secrets:  # listeners (the command line, reports) mask what the run's own result masks
            yield CredentialObtained(plan.workflow_id, "", secret)
        yield WorkflowStarted(plan.workflow_id, MappingProxyType(plan.inputs.shown(inputs)), depth)
        for notice in notices:
            yield RunWarning(plan.workflow_id, "", notice)
        for prerequisite_key in plan.depends_on:
            prerequisite = yield from _prerequisite(state, prerequisite_key, depth)
            if not prerequisite.succeeded:
                message = f"prerequisite workflow '{prerequisite.workflow_id}' {prerequisite.settled_status}"
                result = RunResult(plan.workflow_id, "failed", {}, (), message, _ms(state, started))
                yield WorkflowFinished(plan.workflow_id, result)
                return result, None
        state.record(key, inputs, {})
        frame = Frame(plan, inputs)
        result, transfer = yield from _steps(state, frame, depth, started)
        state.record(key, inputs, result.outputs)
        yield WorkflowFinished(plan.workflow_id, result)
        return result, transfer
    finally:
        state.stack.pop()


def _steps(state: RunState, frame: Frame, depth: int, started: float) -> Execution:
    plan = frame.plan
    index = 0
    status: RunStatus = "succeeded"
    failed_step: str | None = None
    error: str | None = None
    if state.options.parallel and len(plan.steps) > 1:
        if plan.sequential_only is None:
            index = len(plan.steps)  # every step runs in the concurrent schedule below, none in the loop
            failed_step, error = yield from _concurrent_steps(state, frame, depth)
            if failed_step is not None:
                status = "failed"
        else:
            yield RunWarning(frame.workflow_id, "", f"steps run in list order, not concurrently: "
                                                    f"{plan.sequential_only}")
    while index < len(plan.steps):
        step = plan.steps[index]
        decision, attempt = yield from _run_step(state, frame, step, depth)
        if decision.kind == "next":
            index += 1
        elif decision.kind == "goto":
            index = decision.step or 0
        elif decision.kind == "end":
            if not attempt.success:
                status, failed_step, error = "ended", step.step_id, attempt.error
            break
        elif decision.kind == "break":
            status, failed_step = "failed", step.step_id
            error = f"step '{failed_step}' failed: {attempt.error or 'success criteria not met'}"
            break
        else:  # transfer: this workflow ends here, the target takes over (see execute_workflow)
            assert decision.workflow is not None
            target = state.plan.workflows[decision.workflow]
            inputs = decision.inputs if decision.inputs is not None else _inputs_for(state, target, frame.inputs)
            result = RunResult(frame.workflow_id, "transferred", {}, tuple(frame.results), None, _ms(state, started))
            return result, _Transfer(target.key, inputs)
    outputs, warnings = evaluate_outputs(plan.outputs, frame.context(state))
    for message in warnings:
        yield RunWarning(frame.workflow_id, "", message)
    return RunResult(frame.workflow_id, status, MappingProxyType(outputs), tuple(frame.results), error,
                     _ms(state, started), failed_step=failed_step), None


def _concurrent_steps(state: RunState, frame: Frame, depth: int) -> Execution:
    """Run the steps as their dependencies allow (``parallel``): each round starts every step whose
    dependencies have succeeded, together. Returns (failed step, error) — the first failure in list order, after
    which no further step starts — or ``(None, None)``."""
    steps = frame.plan.steps
    pending = list(range(len(steps)))
    succeeded: set[str] = set()
    while pending:
        ready = [i for i in pending if steps[i].after <= succeeded]
        if not ready:
            blocked = steps[pending[0]]
            return blocked.step_id, f"step '{blocked.step_id}' depends on steps that did not succeed"
        outcomes = yield from together([_run_step(state, frame, steps[i], depth) for i in ready])
        failure: tuple[str, str] | None = None
        for i, (decision, attempt) in zip(ready, outcomes, strict=True):
            pending.remove(i)
            if decision.kind == "break":
                failure = failure or (steps[i].step_id, f"step '{steps[i].step_id}' failed: "
                                                        f"{attempt.error or 'success criteria not met'}")
            else:
                succeeded.add(steps[i].step_id)
        if failure is not None:
            return failure
    return None, None


def together(executions: list[Execution]) -> Execution:
    """Run executions interleaved on this thread: their events pass through as they come, and the commands
    they wait on at the same moment are asked for in one :class:`Together` (carried out concurrently).
    Returns their results in order."""
    results: list[Any] = [None] * len(executions)
    answers: dict[int, Any] = {}
    live = list(range(len(executions)))
    try:
        while live:
            asked: dict[int, Any] = {}
            for i in list(live):
                answer = answers.pop(i, None)
                try:
                    while True:
                        item = executions[i].send(answer)
                        answer = None
                        if isinstance(item, Event):
                            yield item
                        else:
                            asked[i] = item
                            break
                except StopIteration as stop:
                    results[i] = stop.value
                    live.remove(i)
            if len(asked) == 1:
                [(i, command)] = asked.items()
                answers[i] = yield command
            elif asked:
                replies = yield Together(tuple(asked.values()))
                answers.update(zip(asked, replies, strict=True))
    finally:
        for execution in executions:  # a run stopped midway (an engine error) leaves none suspended
            execution.close()
    return results


def _run_step(state: RunState, frame: Frame, step: StepPlan, depth: int) -> Execution:
    """Attempts of one step until an action other than retry is chosen; returns (decision, last attempt)."""
    retries: dict[str, int] = {}
    attempts = 0
    started = state.options.clock()
    while True:
        attempts += 1
        state.charge("step", step.step_id)
        if state.observed:
            yield StepStarted(frame.workflow_id, step.step_id, attempts)
        attempt = yield from _attempt(state, frame, step, depth, attempts)
        chosen = None
        for action in step.success_actions if attempt.success else step.failure_actions:
            if not (yield from criteria_pass(state, frame, step.step_id, action.criteria, attempt.context)):
                continue
            if action.type == "retry":
                if retries.get(action.name, 0) >= action.retry_limit:
                    continue  # exhausted: the spec says fall through to the next matching action
                retries[action.name] = retries.get(action.name, 0) + 1
            chosen = action
            break
        inputs = None
        if chosen is not None and chosen.inputs is not None:
            inputs = _action_inputs(state, frame, chosen, attempt)
            if inputs is None:  # the attempt now fails with the input problems, and nothing is chosen for it
                chosen = None
        if chosen is None or chosen.type != "retry":
            result = step_result(frame, step, attempt, attempts, state.options.clock() - started)
            frame.results.append(result)
            if attempt.success:
                state.completed.add((frame.plan.key, step.step_id))
            yield StepFinished(frame.workflow_id, result)
            return (yield from _decide(state, frame, step, chosen, attempt, inputs))
        if state.observed:
            yield ActionTaken(frame.workflow_id, step.step_id, chosen.name, "retry", chosen.target)
        delay = attempt.retry_after if attempt.retry_after is not None else (chosen.retry_after or 0.0)
        if delay > 0:
            wait, shortened = state.retry_wait(delay)
            if shortened is not None:
                yield RunWarning(frame.workflow_id, step.step_id,
                                 f"retry wait of {delay:g} s shortened to {wait:g} s ({shortened})")
            if wait > 0:
                if state.observed:
                    yield RetryWaiting(frame.workflow_id, step.step_id, wait)
                yield Sleep(wait)
        yield from _retry_reference(state, frame, chosen, depth, inputs)


def _action_inputs(state: RunState, frame: Frame, action: ActionPlan, attempt: Attempt) -> dict[str, Any] | None:
    """The inputs an action's 1.1 ``parameters`` give its target workflow, evaluated where the action is taken
    (the step's response, its outputs, the workflow's inputs) and checked by the target's inputs schema; when
    they cannot be, the attempt fails saying why and ``None`` is returned."""
    assert action.inputs is not None and action.workflow is not None
    target = state.plan.workflows[action.workflow]
    context = replace(attempt.context, steps=frame.step_outputs)
    try:
        return target.inputs.prepare(_evaluated(action.inputs, context))
    except ArazzoError as exc:
        attempt.fail(f"{action.type} action '{action.name}' cannot start workflow '{target.workflow_id}': "
                     f"{describe(exc)}")
        return None


def _evaluated(values: tuple[tuple[str, Value], ...], context: ExpressionContext) -> dict[str, Any]:
    """Parameters as a workflow's inputs, by name; one whose expression has no value is left out (the inputs
    schema then says whether it was required)."""
    supplied = {}
    for name, value in values:
        evaluated = value.evaluate(context)
        if evaluated is not MISSING:
            supplied[name] = evaluated
    return supplied


def _decide(state: RunState, frame: Frame, step: StepPlan, action: ActionPlan | None, attempt: Attempt,
            inputs: Mapping[str, Any] | None = None) -> Execution:
    if action is None:
        decision = NEXT if attempt.success else BREAK
        if state.observed:
            yield ActionTaken(frame.workflow_id, step.step_id, "(default)", decision.kind)
        return decision, attempt
    if state.observed:
        yield ActionTaken(frame.workflow_id, step.step_id, action.name, action.type, action.target)
    decide = ACTIONS.get(action.type)
    if decide is None:
        raise ExecutionError(f"action '{action.name}' of step '{step.step_id}' has no usable type", action.at)
    decision = decide(action)
    return (decision if inputs is None else replace(decision, inputs=inputs)), attempt


def _retry_reference(state: RunState, frame: Frame, action: ActionPlan, depth: int,
                     inputs: Mapping[str, Any] | None = None) -> Execution:
    """Run the step or workflow a retry action names before the next attempt; its failure does not stop us.
    ``inputs`` come from the action's parameters (``None``: the run's inputs are offered)."""
    if action.step_index is not None:
        step = frame.plan.steps[action.step_index]
        state.charge("step", step.step_id)
        if state.observed:
            yield StepStarted(frame.workflow_id, step.step_id, 1)
        attempt = yield from _attempt(state, frame, step, depth)
        result = step_result(frame, step, attempt, 1, 0.0)
        frame.results.append(result)
        yield StepFinished(frame.workflow_id, result)
    elif action.workflow is not None:
        state.charge("workflow", action.workflow_id or "")
        target = state.plan.workflows[action.workflow]
        chosen = inputs if inputs is not None else _inputs_for(state, target, frame.inputs)
        yield from execute_workflow(state, target, chosen, depth + 1)


def _prerequisite(state: RunState, key: WorkflowKey, depth: int) -> Execution:
    target = state.plan.workflows[key]
    memo = state.prerequisites.get(key)
    if memo is None:
        memo = yield from execute_workflow(state, target, _inputs_for(state, target, state.top_inputs), depth + 1)
        state.prerequisites[key] = memo
    return memo


def _inputs_for(state: RunState, target: WorkflowPlan, offered: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs for a workflow entered without parameters (prerequisite, transfer, retry reference).

    The spec leaves them unspecified; the run's inputs are offered, narrowed to what the target declares.
    """
    try:
        return target.inputs.prepare(target.inputs.offered({**state.top_inputs, **offered}))
    except InputError as exc:
        raise ExecutionError(str(exc), rule="invalid-inputs") from exc


# --- one attempt ---------------------------------------------------------------------------------------


def _attempt(state: RunState, frame: Frame, step: StepPlan, depth: int, number: int = 1) -> Execution:
    base = frame.context(state)
    missing = [f"{key[1]}/{step_id}" for key, step_id in step.waits_for if (key, step_id) not in state.completed]
    if missing:  # 1.1 dependsOn on another workflow's step: it does not start that step, it needs it done
        return Attempt(False, base, error=f"step '{step.step_id}' depends on {', '.join(missing)}, which has "
                                          "not completed in this run")
    deadline = None
    if step.timeout is not None:
        deadline = (state.options.clock() + step.timeout, step.step_id, step.timeout)
        state.step_deadlines.append(deadline)
    try:
        if step.workflow is not None:
            attempt = yield from _sub_workflow_attempt(state, frame, step, base, depth)
        else:
            attempt = yield from operation_attempt(state, frame, step, base, number)
        timed_out = state.step_timed_out() if step.timeout is not None else None
    finally:
        if deadline is not None:  # by identity: concurrent steps' deadlines interleave on the list
            state.step_deadlines.remove(deadline)
    if timed_out is not None:  # 1.1 step timeout: the attempt fails whatever it got, and onFailure decides
        attempt.fail(timed_out)
    if attempt.success:  # a response (or a successful sub-run) arrived: now the criteria decide
        failed = yield from first_failing(state, frame, step.step_id, step.success_criteria, attempt.context)
        if failed is not None:
            attempt.fail(criterion_failure(failed, attempt, state.redactor))
    outputs, warnings = evaluate_outputs(step.outputs, attempt.context)
    frame.set_outputs(step.step_id, outputs)
    for message in warnings:
        attempt.warn(message)
    for message, hint in zip(attempt.warnings, attempt.hints, strict=True):
        yield RunWarning(frame.workflow_id, step.step_id, message, hint)
    return attempt


def _sub_workflow_attempt(state: RunState, frame: Frame, step: StepPlan, base: ExpressionContext,
                          depth: int) -> Execution:
    assert step.workflow is not None
    target = state.plan.workflows[step.workflow]
    try:
        inputs = target.inputs.prepare(_evaluated(step.inputs, base))
    except ArazzoError as exc:
        return Attempt(False, base, error=describe(exc))
    result = yield from execute_workflow(state, target, inputs, depth + 1)
    context = replace(base, workflows=state.workflows())
    last = state.last_exchange
    if state.options.compat and last is not None:
        # --compat: criteria of a step that calls a workflow read the called workflow's last response, as
        # documents written for other engines mean (spec-exact, there is no response here).
        context = replace(context, url=last.url, method=last.method, status_code=last.status_code,
                          request=last.request, response=last.response)
    error = None if result.succeeded else (result.error or f"workflow '{result.workflow_id}' "
                                                             f"{result.settled_status}")
    return Attempt(result.succeeded, context, error=error, sub_run=result)


def _ms(state: RunState, started: float) -> float:
    return (state.options.clock() - started) * 1000
