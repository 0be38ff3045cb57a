"""The step loop: criteria, outputs, success/failure actions, retries, goto, sub-workflows and dependsOn.

The executor does no I/O itself. It is a generator that yields :mod:`~arazzo_runner.events` for observers and
three kinds of command — :class:`Send` (an HTTP request), :class:`Sleep` and :class:`FetchToken` — which a
driver (:mod:`arazzo_runner.runner`) carries out synchronously or with ``asyncio``, sending the answer back
into the generator. One executor thus serves ``run`` and ``arun`` alike, and tests never really wait.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import httpx

from arazzo_runner.checks import check_response
from arazzo_runner.criteria import evaluate_criterion
from arazzo_runner.errors import ArazzoError, ExecutionError, InputError
from arazzo_runner.events import (
    ActionTaken,
    CriterionEvaluated,
    Event,
    RequestInfo,
    RequestSent,
    ResponseReceived,
    RunResult,
    RunStatus,
    RunWarning,
    StepFinished,
    StepResult,
    StepStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from arazzo_runner.expressions import (
    MISSING,
    ExpressionContext,
    RequestData,
    ResponseData,
    is_runtime_expression,
    parse_expression,
)
from arazzo_runner.expressions.templates import evaluate_value
from arazzo_runner.http import SecurityScheme, decode_body_with_note
from arazzo_runner.http.replacements import apply_replacements
from arazzo_runner.inputs import declared_inputs, prepare_inputs
from arazzo_runner.model import Action, Criterion
from arazzo_runner.plan import Planner, StepPlan, WorkflowPlan
from arazzo_runner.request import BuiltRequest, RequestSettings, build_request

DEFAULT_MAX_STEPS = 1000
DEFAULT_MAX_DEPTH = 32
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class Send:
    """Command: send this request; the driver answers with an ``httpx.Response`` or the ``httpx`` error."""

    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    """Command: wait this many seconds."""

    seconds: float


@dataclass(frozen=True)
class FetchToken:
    """Command: fetch an OAuth2 client-credentials token; the driver answers with the token text."""

    token_url: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


Command = Send | Sleep | FetchToken
Execution = Generator[Event | Command, Any, Any]


@dataclass
class RunOptions:
    """Limits and request settings of one run."""

    settings: RequestSettings = field(default_factory=RequestSettings)
    max_steps: int = DEFAULT_MAX_STEPS
    max_depth: int = DEFAULT_MAX_DEPTH
    strict: bool = False
    clock: Callable[[], float] = time.perf_counter


@dataclass
class RunState:
    """Everything that lives for one top-level run (shared by its sub-workflows and prerequisites)."""

    planner: Planner
    options: RunOptions
    top_inputs: Mapping[str, Any]
    steps_used: int = 0
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)
    prerequisites: dict[tuple[str, str], RunResult] = field(default_factory=dict)
    stack: list[tuple[str, str]] = field(default_factory=list)
    tokens: dict[tuple[str, str, tuple[str, ...]], str] = field(default_factory=dict)

    def charge(self, what: str) -> None:
        """Count one step attempt against the budget that bounds goto loops and retries."""
        self.steps_used += 1
        if self.steps_used > self.options.max_steps:
            raise ExecutionError(f"step budget of {self.options.max_steps} exhausted at {what} "
                                 "(a goto loop or retries that never settle?)", rule="step-budget")


@dataclass
class _Frame:
    """One execution of one workflow."""

    plan: WorkflowPlan
    inputs: dict[str, Any]
    step_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: list[StepResult] = field(default_factory=list)

    @property
    def workflow_id(self) -> str:
        return self.plan.workflow.workflow_id


@dataclass
class _Attempt:
    success: bool
    context: ExpressionContext
    request: RequestInfo | None = None
    status_code: int | None = None
    retry_after: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    sub_run: RunResult | None = None


@dataclass(frozen=True)
class _Decision:
    kind: str  # next | goto-step | transfer | end | break
    target: str | None = None


def execute_workflow(state: RunState, plan: WorkflowPlan, inputs: dict[str, Any], depth: int = 0) -> Execution:
    """Run one workflow to its end; returns a :class:`RunResult` (``yield from`` it)."""
    key = plan.key
    workflow_id = plan.workflow.workflow_id
    if key in state.stack:
        chain = " -> ".join(k[1] for k in (*state.stack[state.stack.index(key):], key))
        raise ExecutionError(f"workflow cycle at run time: {chain}", rule="workflow-cycle")
    if depth > state.options.max_depth:
        raise ExecutionError(f"workflows nest deeper than {state.options.max_depth} levels at '{workflow_id}'",
                             rule="depth-limit")
    started = state.options.clock()
    state.stack.append(key)
    try:
        yield WorkflowStarted(workflow_id, MappingProxyType(dict(inputs)), depth)
        for reference in plan.workflow.depends_on:
            prerequisite = yield from _prerequisite(state, plan, reference, depth)
            if not prerequisite.succeeded:
                message = f"prerequisite workflow '{prerequisite.workflow_id}' {prerequisite.settled_status}"
                result = RunResult(workflow_id, "failed", {}, (), message, _ms(state, started))
                yield WorkflowFinished(workflow_id, result)
                return result
        state.workflows[workflow_id] = {"inputs": inputs, "outputs": {}}
        frame = _Frame(plan, inputs)
        result = yield from _steps(state, frame, depth, started)
        state.workflows[workflow_id] = {"inputs": inputs, "outputs": dict(result.outputs)}
        yield WorkflowFinished(workflow_id, result)
        return result
    finally:
        state.stack.pop()


def _steps(state: RunState, frame: _Frame, depth: int, started: float) -> Execution:
    plan = frame.plan
    index = 0
    status: RunStatus = "succeeded"
    failed_step: str | None = None
    error: str | None = None
    while index < len(plan.steps):
        step_plan = plan.steps[index]
        decision, attempt = yield from _run_step(state, frame, step_plan, depth)
        if decision.kind == "next":
            index += 1
        elif decision.kind == "goto-step":
            index = plan.index[decision.target or ""]
        elif decision.kind == "end":
            if not attempt.success:
                status, failed_step, error = "ended", step_plan.step.step_id, attempt.error
            break
        elif decision.kind == "break":
            status, failed_step = "failed", step_plan.step.step_id
            error = f"step '{failed_step}' failed: {attempt.error or 'success criteria not met'}"
            break
        else:  # transfer
            target = state.planner.workflow(plan.bound, decision.target or "")
            inputs = _inputs_for(state, target, frame.inputs)
            transferred = yield from execute_workflow(state, target, inputs, depth + 1)
            return RunResult(frame.workflow_id, "transferred", {}, tuple(frame.results), None,
                             _ms(state, started), transferred_to=transferred)
    outputs, warnings = _evaluate_outputs(plan.workflow.outputs, _context(state, frame))
    for message in warnings:
        yield RunWarning(frame.workflow_id, "", message)
    return RunResult(frame.workflow_id, status, MappingProxyType(outputs), tuple(frame.results), error,
                     _ms(state, started), failed_step=failed_step)


def _run_step(state: RunState, frame: _Frame, plan: StepPlan, depth: int) -> Execution:
    """Attempts of one step until an action other than retry is chosen; returns (decision, last attempt)."""
    step_id = plan.step.step_id
    retries: dict[str, int] = {}
    attempts = 0
    started = state.options.clock()
    while True:
        attempts += 1
        state.charge(f"step '{step_id}'")
        yield StepStarted(frame.workflow_id, step_id, attempts)
        attempt = yield from _attempt(state, frame, plan, depth)
        actions = plan.success_actions if attempt.success else plan.failure_actions
        chosen = None
        for action in actions:
            if not (yield from _criteria_pass(frame, step_id, action.criteria, attempt.context)):
                continue
            if action.type == "retry":
                limit = 1 if action.retry_limit is None else action.retry_limit
                if retries.get(action.name, 0) >= limit:
                    continue  # exhausted: the spec says fall through to the next matching action
                retries[action.name] = retries.get(action.name, 0) + 1
            chosen = action
            break
        if chosen is None or chosen.type != "retry":
            result = _step_result(frame, plan, attempt, attempts, state.options.clock() - started)
            frame.results.append(result)
            yield StepFinished(frame.workflow_id, result)
            return (yield from _decide(frame, step_id, chosen, attempt))
        yield ActionTaken(frame.workflow_id, step_id, chosen.name, "retry", chosen.step_id or chosen.workflow_id)
        delay = attempt.retry_after if attempt.retry_after is not None else (chosen.retry_after or 0.0)
        if delay > 0:
            yield Sleep(min(delay, MAX_RETRY_AFTER))
        yield from _retry_reference(state, frame, chosen, depth)


def _decide(frame: _Frame, step_id: str, action: Action | None, attempt: _Attempt) -> Execution:
    if action is None:
        kind = "next" if attempt.success else "break"
        yield ActionTaken(frame.workflow_id, step_id, "(default)", kind)
        return _Decision(kind), attempt
    yield ActionTaken(frame.workflow_id, step_id, action.name, action.type, action.step_id or action.workflow_id)
    if action.type == "end":
        return _Decision("end"), attempt
    if action.type == "goto" and action.step_id is not None:
        return _Decision("goto-step", action.step_id), attempt
    if action.type == "goto" and action.workflow_id is not None:
        return _Decision("transfer", action.workflow_id), attempt
    raise ExecutionError(f"action '{action.name}' of step '{step_id}' has no usable type/target", action.location)


def _retry_reference(state: RunState, frame: _Frame, action: Action, depth: int) -> Execution:
    """Run the step or workflow a retry action names before the next attempt; its failure does not stop us."""
    if action.step_id is not None:
        index = frame.plan.index.get(action.step_id)
        if index is None:
            raise ExecutionError(f"retry action '{action.name}' names unknown step '{action.step_id}'",
                                 action.location)
        state.charge(f"step '{action.step_id}'")
        yield StepStarted(frame.workflow_id, action.step_id, 1)
        attempt = yield from _attempt(state, frame, frame.plan.steps[index], depth)
        result = _step_result(frame, frame.plan.steps[index], attempt, 1, 0.0)
        frame.results.append(result)
        yield StepFinished(frame.workflow_id, result)
    elif action.workflow_id is not None:
        state.charge(f"workflow '{action.workflow_id}'")
        target = state.planner.workflow(frame.plan.bound, action.workflow_id)
        yield from execute_workflow(state, target, _inputs_for(state, target, frame.inputs), depth + 1)


def _prerequisite(state: RunState, plan: WorkflowPlan, reference: str, depth: int) -> Execution:
    target = state.planner.workflow(plan.bound, reference)
    memo = state.prerequisites.get(target.key)
    if memo is None:
        memo = yield from execute_workflow(state, target, _inputs_for(state, target, state.top_inputs), depth + 1)
        state.prerequisites[target.key] = memo
    return memo


def _inputs_for(state: RunState, target: WorkflowPlan, offered: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs for a workflow entered without parameters (prerequisite, transfer, retry reference).

    The spec leaves them unspecified; the run's inputs are offered, narrowed to what the target declares.
    """
    names = declared_inputs(target.bound, target.workflow)
    source = {**state.top_inputs, **offered}
    chosen = {k: v for k, v in source.items() if names is None or k in names}
    try:
        return prepare_inputs(target.bound, target.workflow, chosen)
    except InputError as exc:
        raise ExecutionError(str(exc), rule="invalid-inputs") from exc


# --- one attempt ---------------------------------------------------------------------------------------


def _attempt(state: RunState, frame: _Frame, plan: StepPlan, depth: int) -> Execution:
    base = _context(state, frame)
    if plan.problem is not None:  # planning could not build the step; the runner normally refuses earlier
        return _Attempt(False, base, error=_describe(plan.problem))
    if plan.sub_workflow is not None:
        attempt = yield from _sub_workflow_attempt(state, frame, plan, base, depth)
    else:
        attempt = yield from _operation_attempt(state, frame, plan, base)
    if attempt.success:  # a response (or a successful sub-run) arrived: now the criteria decide
        failed = yield from _first_failing(frame, plan.step.step_id, plan.step.success_criteria, attempt.context)
        if failed is not None:
            attempt.success = False
            attempt.error = _criterion_failure(failed, attempt)
    outputs, warnings = _evaluate_outputs(plan.step.outputs, attempt.context)
    frame.step_outputs[plan.step.step_id] = outputs
    attempt.warnings.extend(warnings)
    for message in attempt.warnings:
        yield RunWarning(frame.workflow_id, plan.step.step_id, message)
    return attempt


def _operation_attempt(state: RunState, frame: _Frame, plan: StepPlan, base: ExpressionContext) -> Execution:
    operation = plan.operation
    assert operation is not None
    source = frame.plan.bound.openapi[operation.source_name]
    warnings: list[str] = []
    try:
        parameters = []
        for parameter in plan.parameters:
            value = _evaluate_parameter(parameter.value, base)
            if value is MISSING:
                declared = operation.parameter(parameter.name, parameter.in_ or "")
                if declared is not None and declared.required:
                    raise ExecutionError(f"required parameter '{parameter.name}' has no value: "
                                         f"{parameter.value} is not set", parameter.location)
                warnings.append(f"parameter '{parameter.name}' omitted: {parameter.value} has no value")
                continue
            parameters.append((parameter.name, parameter.in_ or "query", value))
        body = _evaluate_body(plan, base, warnings)
        built = yield from _build(state, operation, source, parameters, body)
    except ArazzoError as exc:
        return _Attempt(False, base, error=_describe(exc), warnings=warnings)
    except (ValueError, httpx.InvalidURL) as exc:  # what httpx itself refuses to put on the wire
        return _Attempt(False, base, error=f"cannot build the request: {exc}", warnings=warnings)
    warnings.extend(built.warnings)
    for missing in built.missing_credentials:
        warnings.append(f"no credentials configured for {missing}: request sent without them "
                        f"(set --auth {missing}=... or {_env_name(missing)})")
    request = built.request
    info = RequestInfo(request.method, str(request.url))
    yield RequestSent(frame.workflow_id, plan.step.step_id, request.method, str(request.url))
    sent_at = state.options.clock()
    answer = yield Send(request)
    request_data = RequestData(headers=MappingProxyType(dict(built.headers)), query=MappingProxyType(
        dict(built.query)), path=MappingProxyType(dict(built.path)),
        body=MISSING if built.body is None else built.body)
    context = replace(base, url=str(request.url), method=request.method, request=request_data)
    if not isinstance(answer, httpx.Response):
        error = f"{request.method} {request.url}: {_transport_message(answer)}"
        return _Attempt(False, context, info, error=error, warnings=warnings)
    yield ResponseReceived(frame.workflow_id, plan.step.step_id, answer.status_code,
                           (state.options.clock() - sent_at) * 1000)
    body_value, note = decode_body_with_note(answer.content, answer.headers.get("content-type"))
    if note:
        warnings.append(note)
    response = ResponseData(headers=MappingProxyType({k.lower(): v for k, v in answer.headers.items()}),
                            body=MISSING if not answer.content else body_value)
    context = replace(context, status_code=answer.status_code, response=response)
    attempt = _Attempt(True, context, info, answer.status_code, _retry_after(answer), warnings=warnings)
    problems = check_response(frame.plan.bound, source, operation, answer.status_code,
                              answer.headers.get("content-type"), response.body)
    if problems and state.options.strict:
        attempt.success = False
        attempt.error = "response does not match the OpenAPI description: " + "; ".join(problems)
    else:
        warnings.extend(f"response check: {problem}" for problem in problems)
    return attempt


def _build(state: RunState, operation: Any, source: Any, parameters: list[tuple[str, str, Any]],
           body: tuple[Any, str | None] | None) -> Execution:
    """Build the request; OAuth2 tokens are fetched through the driver, then the request is rebuilt."""
    wanted: list[FetchToken] = []

    def provider(scheme: SecurityScheme, client_id: str, secret: str) -> str:
        key = (scheme.token_url or "", client_id, scheme.scopes)
        if key in state.tokens:
            return state.tokens[key]
        wanted.append(FetchToken(scheme.token_url or "", client_id, secret, scheme.scopes))
        return "pending"

    built = build_request(operation, source, parameters, body, state.options.settings, provider)
    if not wanted:
        return built
    for command in wanted:
        token = yield command
        if isinstance(token, BaseException):
            raise ExecutionError(f"cannot obtain an OAuth2 token from {command.token_url}: {token}")
        state.tokens[(command.token_url, command.client_id, command.scopes)] = str(token)
        state.options.settings.credentials.remember(str(token))  # never printed either
    rebuilt: BuiltRequest = build_request(operation, source, parameters, body, state.options.settings, provider)
    return rebuilt


def _sub_workflow_attempt(state: RunState, frame: _Frame, plan: StepPlan, base: ExpressionContext,
                          depth: int) -> Execution:
    assert plan.step.workflow_id is not None
    target = state.planner.workflow(frame.plan.bound, plan.step.workflow_id)
    try:
        supplied = {}
        for parameter in plan.parameters:
            value = _evaluate_parameter(parameter.value, base)
            if value is not MISSING:
                supplied[parameter.name] = value
        inputs = prepare_inputs(target.bound, target.workflow, supplied)
    except ArazzoError as exc:
        return _Attempt(False, base, error=_describe(exc))
    result = yield from execute_workflow(state, target, inputs, depth + 1)
    context = replace(base, workflows=MappingProxyType(dict(state.workflows)))
    error = None if result.succeeded else (result.error or f"workflow '{result.workflow_id}' "
                                                             f"{result.settled_status}")
    return _Attempt(result.succeeded, context, error=error, sub_run=result)


# --- expressions at run time ----------------------------------------------------------------------------


def _context(state: RunState, frame: _Frame) -> ExpressionContext:
    return ExpressionContext(
        inputs=frame.inputs,
        steps=frame.step_outputs,
        workflows=state.workflows,
        source_descriptions=frame.plan.source_fields,
    )


def _evaluate_parameter(value: Any, context: ExpressionContext) -> Any:
    """A parameter value; ``MISSING`` when it is exactly one expression that has no value."""
    if isinstance(value, str) and is_runtime_expression(value):
        return parse_expression(value).evaluate(context)
    return evaluate_value(value, context)


def _evaluate_body(plan: StepPlan, context: ExpressionContext, warnings: list[str]) -> tuple[Any, str | None] | None:
    body = plan.step.request_body
    if body is None:
        return None
    payload = _evaluate_payload(body.payload, context, "", warnings) if body.has_payload else None
    if body.replacements:
        payload = apply_replacements(payload, [(r.target, evaluate_value(r.value, context))
                                               for r in body.replacements])
    return payload, body.content_type


def _evaluate_payload(value: Any, context: ExpressionContext, pointer: str, warnings: list[str]) -> Any:
    """Evaluate a payload; an object member whose whole value is an unset expression is left out, not nulled."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if isinstance(item, str) and is_runtime_expression(item):
                evaluated = parse_expression(item).evaluate(context)
                if evaluated is MISSING:
                    warnings.append(f"payload member '{pointer}/{key}' omitted: {item} has no value")
                    continue
                result[key] = evaluated
            else:
                result[key] = _evaluate_payload(item, context, f"{pointer}/{key}", warnings)
        return result
    if isinstance(value, list):
        return [_evaluate_payload(item, context, f"{pointer}/{i}", warnings) for i, item in enumerate(value)]
    return evaluate_value(value, context)


def _evaluate_outputs(outputs: Mapping[str, Any], context: ExpressionContext) -> tuple[dict[str, Any], list[str]]:
    result: dict[str, Any] = {}
    warnings = []
    for name, expression in outputs.items():
        current = replace(context, outputs=MappingProxyType(dict(result)))
        try:
            value = evaluate_value(expression, current) if not (
                isinstance(expression, str) and is_runtime_expression(expression)) else parse_expression(
                expression).evaluate(current)
        except ArazzoError as exc:
            warnings.append(f"output '{name}' not set: {_describe(exc)}")
            continue
        if value is MISSING:
            warnings.append(f"output '{name}' not set: {expression} has no value")
            continue
        result[name] = value
    return result, warnings


def _criteria_pass(frame: _Frame, step_id: str, criteria: tuple[Criterion, ...],
                   context: ExpressionContext) -> Execution:
    failed = yield from _first_failing(frame, step_id, criteria, context)
    return failed is None


def _first_failing(frame: _Frame, step_id: str, criteria: tuple[Criterion, ...],
                   context: ExpressionContext) -> Execution:
    """The first criterion that does not pass (with its evaluation error, if any), or ``None``."""
    for criterion in criteria:
        outcome = evaluate_criterion(criterion.condition, context, context=criterion.context,
                                     type=criterion.type, version=criterion.version)
        yield CriterionEvaluated(frame.workflow_id, step_id, criterion.condition, outcome.passed, outcome.error)
        if not outcome.passed:
            return criterion, outcome.error
    return None


def _criterion_failure(failed: tuple[Criterion, str | None], attempt: _Attempt) -> str:
    criterion, error = failed
    text = f"success criterion not met: {criterion.condition}"
    if error:
        text += f" ({error})"
    response = attempt.context.response
    if attempt.status_code is not None and response is not None:
        body = response.body
        shown = body if isinstance(body, str) else json.dumps(body, default=str) if body is not MISSING else ""
        text += f"; HTTP {attempt.status_code}" + (f": {shown[:200]}" if shown else "")
    return text


# --- small helpers --------------------------------------------------------------------------------------


def _step_result(frame: _Frame, plan: StepPlan, attempt: _Attempt, attempts: int, elapsed: float) -> StepResult:
    return StepResult(
        step_id=plan.step.step_id,
        workflow_id=frame.workflow_id,
        status="succeeded" if attempt.success else "failed",
        attempts=attempts,
        request=attempt.request,
        status_code=attempt.status_code,
        outputs=MappingProxyType(dict(frame.step_outputs.get(plan.step.step_id, {}))),
        duration_ms=elapsed * 1000,
        error=attempt.error if not attempt.success else None,
        warnings=tuple(attempt.warnings),
        sub_run=attempt.sub_run,
    )


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP-date), if present and sane."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _transport_message(error: Any) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {error}"
    return f"{type(error).__name__}: {error}"


def _describe(error: ArazzoError) -> str:
    return error.message if error.location is None else f"{error.message} (at {error.location})"


def _env_name(credential: str) -> str:
    from arazzo_runner.http import credential_env_var

    source, _, scheme = credential.partition(".")
    return credential_env_var(source, scheme)


def _ms(state: RunState, started: float) -> float:
    return (state.options.clock() - started) * 1000
