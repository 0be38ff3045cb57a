"""A JSON report of workflow runs: everything the other reports show, as data for scripts and dashboards.

``{"summary": {...}, "runs": [...]}``; each run has its ``document``, ``workflowId``, ``label``, ``inputs``,
``status`` (after any transfers; ``runStatus`` is the workflow's own), ``outputs``, ``error``,
``failedStep``, ``started``, ``durationMs``, ``warnings`` and ``steps``. Each entry of ``steps`` is one
execution of a step (an attempt), in order: ``stepId``, ``workflowId``, ``execution`` (the n-th of this step
in its workflow run), ``attempt``, ``status`` (``succeeded``, ``failed``, ``handled``: failed but an action
took over, ``retried``, ``interrupted``), ``durationMs``, ``request`` (method, URL, headers), ``response``
(status, headers, a body excerpt and the body's size) or ``null``, ``error``, ``timings`` (``started``,
``elapsedMs``), ``criteria`` (condition, passed, actual, error), ``actions`` (name, type, target),
``warnings``, ``outputs`` on a step's last attempt and ``subWorkflow`` for a sub-workflow step. A run that
ran prerequisite or retry workflows lists them under ``workflows``; a transfer is ``transferredTo``.

Inputs are written as the record holds them: masking ``format: password`` and ``writeOnly`` inputs is the
job of whoever builds the record. Every string here is masked with the redactor passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from arazzo_runner.events import ExchangeRecorded
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports.masking import Masking
from arazzo_runner.reports.record import RunRecord
from arazzo_runner.reports.timeline import Execution, WorkflowRun, failure, iso_date, settled, timeline


def json_report(records: Iterable[RunRecord], redact: Redactor) -> dict[str, Any]:
    """The JSON report of ``records`` (a dict ready for ``json.dump``), every string masked by ``redact``."""
    records = list(records)
    mask = Masking(redact, records)
    runs = [_run(record, mask) for record in records]
    statuses = Counter(run["status"] for run in runs)
    return {"summary": {"runs": len(runs), **dict(sorted(statuses.items()))}, "runs": runs}


def _run(record: RunRecord, mask: Masking) -> dict[str, Any]:
    tree = timeline(record)
    final = settled(record.result)
    data: dict[str, Any] = {
        "document": mask.text(record.document),
        "workflowId": mask.text(record.workflow_id),
        "label": mask.text(record.label),
        "inputs": mask.value(dict(record.inputs)),
        "status": final.status,
        "runStatus": record.result.status,
        "outputs": mask.value(dict(final.outputs)),
        "error": mask.text(final.error) if final.error else None,
        "failedStep": final.failed_step,
        "started": iso_date(record.started),
        "durationMs": round(record.result.duration_ms, 3),
    }
    data.update(_workflow(tree, mask))
    return data


def _workflow(run: WorkflowRun, mask: Masking) -> dict[str, Any]:
    """The parts every workflow run has: its steps, warnings, nested workflow runs and transfer."""
    data: dict[str, Any] = {
        "warnings": [mask.text(warning.message) for warning in run.warnings],
        "steps": [_step(execution, mask) for execution in run.executions],
    }
    nested = [item for item in run.items if isinstance(item, WorkflowRun)]
    if nested:
        data["workflows"] = [_nested(item, mask) for item in nested]
    if run.transfer is not None:
        data["transferredTo"] = _nested(run.transfer, mask)
    return data


def _nested(run: WorkflowRun, mask: Masking) -> dict[str, Any]:
    result = run.result
    data: dict[str, Any] = {
        "workflowId": mask.text(run.workflow_id),
        "role": run.role,
        "inputs": mask.value(dict(run.inputs)),
        "status": result.status if result is not None else None,
        "outputs": mask.value(dict(result.outputs)) if result is not None else {},
        "error": mask.text(result.error) if result is not None and result.error else None,
        "durationMs": round(result.duration_ms, 3) if result is not None else None,
    }
    data.update(_workflow(run, mask))
    return data


def _step(execution: Execution, mask: Masking) -> dict[str, Any]:
    exchange = execution.exchange
    result = execution.result
    outcome = execution.outcome
    data: dict[str, Any] = {
        "stepId": mask.text(execution.step_id),
        "workflowId": mask.text(execution.workflow_id),
        "execution": execution.occurrence,
        "attempt": execution.attempt,
        "status": outcome,
        "durationMs": round(execution.elapsed_ms, 3),
        "request": _request(exchange, execution, mask),
        "response": _response(exchange, mask),
        "error": mask.text(failure(execution).message) if outcome in ("failed", "handled") else None,
        "timings": {"started": iso_date(exchange.started) if exchange is not None else None,
                    "elapsedMs": round(exchange.elapsed_ms, 3) if exchange is not None else None},
        "criteria": [{"condition": mask.text(c.condition), "passed": c.passed,
                      "actual": mask.text(c.actual) if c.actual is not None else None,
                      "error": mask.text(c.error) if c.error is not None else None} for c in execution.criteria],
        "actions": [{"name": mask.text(a.action), "type": a.type,
                     "target": mask.text(a.target) if a.target is not None else None} for a in execution.actions],
        "warnings": [mask.text(warning.message) for warning in execution.warnings],
    }
    if exchange is not None and exchange.response is None:
        data["error"] = mask.text(exchange.error or "no response")
    if result is not None:
        data["outputs"] = mask.value(dict(result.outputs))
    if execution.sub is not None:
        data["subWorkflow"] = _nested(execution.sub, mask)
    return data


def _request(exchange: ExchangeRecorded | None, execution: Execution, mask: Masking) -> dict[str, Any] | None:
    if exchange is not None:
        headers = mask.headers(exchange.request.headers)
        return {"method": exchange.method, "url": mask.url(exchange.url),
                "headers": [{"name": name, "value": value} for name, value in headers]}
    request = execution.result.request if execution.result is not None else None
    if request is None:
        return None
    return {"method": request.method, "url": mask.url(request.url), "headers": []}


def _response(exchange: ExchangeRecorded | None, mask: Masking) -> dict[str, Any] | None:
    if exchange is None or exchange.response is None:
        return None
    message = exchange.response
    headers = mask.headers(message.headers)
    shown = {"status": exchange.status_code, "headers": [{"name": name, "value": value} for name, value in headers],
             "body": mask.excerpt(message) if message.body else "", "bodySize": message.body_size}
    if exchange.mocked:
        shown["mocked"] = True
    return shown
