"""How an attempt is judged and recorded: criteria, outputs, and the step's result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from arazzo_runner.criteria import Criterion
from arazzo_runner.errors import ArazzoError
from arazzo_runner.events import CriterionEvaluated, RequestInfo, RunResult, StepResult
from arazzo_runner.execute.commands import Execution
from arazzo_runner.execute.operation import describe
from arazzo_runner.execute.state import Attempt, Frame, RunState
from arazzo_runner.expressions import MISSING, ExpressionContext
from arazzo_runner.plan import StepPlan
from arazzo_runner.plan.values import Value
from arazzo_runner.redaction import Redactor

MAX_BODY_SHOWN = 200


def first_failing(state: RunState, frame: Frame, step_id: str, criteria: Sequence[Criterion],
                  context: ExpressionContext) -> Execution:
    """The first criterion that does not pass with its error, or ``None`` (``yield from`` it)."""
    for criterion in criteria:
        outcome = criterion.evaluate(context, state.options.limits.evaluation_timeout)
        if state.observed:
            actual = None if outcome.passed else criterion.explain(context)
            yield CriterionEvaluated(frame.workflow_id, step_id, criterion.condition, outcome.passed, outcome.error,
                                     actual)
        if not outcome.passed:
            return criterion, outcome.error
    return None


def criteria_pass(state: RunState, frame: Frame, step_id: str, criteria: Sequence[Criterion],
                  context: ExpressionContext) -> Execution:
    """Whether every criterion passes (``yield from`` it)."""
    failed = yield from first_failing(state, frame, step_id, criteria, context)
    return failed is None


def criterion_failure(failed: tuple[Criterion, str | None], attempt: Attempt, redact: Redactor) -> str:
    """The error of an attempt whose success criterion did not pass: the condition, why, and the response
    (masked before it is cut, so no start of a secret survives the cut)."""
    criterion, error = failed
    text = f"success criterion not met: {criterion.condition}"
    if error:
        text += f" ({error})"
    response = attempt.context.response
    if attempt.status_code is not None and response is not None:
        body = response.body
        if isinstance(body, bytes):  # a body that is not text in any charset: shown as far as it reads
            shown = body.decode("utf-8", "replace")
        else:
            shown = body if isinstance(body, str) else json.dumps(body, default=str) if body is not MISSING else ""
        shown = redact(shown) if redact else shown
        text += f"; HTTP {attempt.status_code}" + (f": {shown[:MAX_BODY_SHOWN]}" if shown else "")
    return text


def redact_result(result: RunResult, redact: Redactor) -> RunResult:
    """``result`` with every secret masked in what it shows of requests and errors (the boundary of the API:
    outputs are the workflow's own values and stay as they are)."""
    if not redact:
        return result
    chain = [result]
    while chain[-1].transferred_to is not None:  # iterative: a chain of transfers can be long
        chain.append(chain[-1].transferred_to)
    masked: RunResult | None = None
    for link in reversed(chain):
        steps = tuple(_redact_step(step, redact) for step in link.steps)
        error = None if link.error is None else redact(link.error)
        unchanged = error == link.error and masked is link.transferred_to and all(
            new is old for new, old in zip(steps, link.steps, strict=True))
        masked = link if unchanged else replace(link, steps=steps, error=error, transferred_to=masked)
    assert masked is not None
    return masked


def _redact_step(step: StepResult, redact: Redactor) -> StepResult:
    request = step.request
    url = None if request is None else redact(request.url)
    error = None if step.error is None else redact(step.error)
    warnings = tuple(redact(w) for w in step.warnings)
    sub_run = None if step.sub_run is None else redact_result(step.sub_run, redact)
    same_url = request is None or url == request.url
    if same_url and error == step.error and warnings == step.warnings and sub_run is step.sub_run:
        return step  # nothing to mask: the step as it is (most steps of most runs)
    shown = request if request is None or url is None else RequestInfo(request.method, url)
    return replace(step, request=shown, error=error, warnings=warnings, sub_run=sub_run)


def evaluate_outputs(outputs: Sequence[tuple[str, Value]], context: ExpressionContext) -> tuple[dict[str, Any],
                                                                                               list[str]]:
    """The outputs that have a value, and a warning for each that does not (never ``null`` in their place).

    Each output sees the ones before it as ``$outputs.<name>``.
    """
    result: dict[str, Any] = {}
    warnings = []
    for name, value in outputs:
        # Only an output that reads `$outputs` needs a context that shows the outputs defined so far.
        current = replace(context, outputs=MappingProxyType(dict(result))) if value.reads("outputs") else context
        try:
            evaluated = value.evaluate(current)
        except ArazzoError as exc:
            warnings.append(f"output '{name}' not set: {describe(exc)}")
            continue
        if evaluated is MISSING:
            warnings.append(f"output '{name}' not set: {value} has no value")
            continue
        result[name] = evaluated
    return result, warnings


def step_result(frame: Frame, plan: StepPlan, attempt: Attempt, attempts: int, elapsed: float) -> StepResult:
    """The result of a step after its last attempt."""
    return StepResult(
        step_id=plan.step_id,
        workflow_id=frame.workflow_id,
        status="succeeded" if attempt.success else "failed",
        attempts=attempts,
        request=attempt.request,
        status_code=attempt.status_code,
        outputs=frame.step_outputs.get(plan.step_id, MappingProxyType({})),
        duration_ms=elapsed * 1000,
        error=attempt.error if not attempt.success else None,
        warnings=tuple(attempt.warnings),
        sub_run=attempt.sub_run,
        hint=attempt.hint if not attempt.success else None,
        mocked=attempt.mocked,
    )
