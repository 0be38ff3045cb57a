"""Why a workflow test failed, written the way pytest writes a failed assertion.

The failing step comes first, located in the document when the plan says where it is written; ``>`` marks
the criterion as written and ``E`` the same criterion with the values the run saw::

    workflow login [set-2] failed at step signIn
    flows.arazzo.yaml:14:9: step signIn
    >   $statusCode == 200
    E   assert 401 == 200
        request:  POST http://127.0.0.1:8000/login
        response: 401 Unauthorized
                  {"error": "bad credentials"}
    warning: signIn: response status 401 is not declared by operation signIn

A failure without a criterion (no response, a broken contract, a step budget) is one ``E`` line with its
message. Every string goes through the reports' :class:`~arazzo_runner.reports.Masking` (the caller's redactor
plus the tokens the run obtained), and the body excerpt is cut only after masking. Passing runs are not
explained: pytest shows nothing for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence

from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import Hint, Location
from arazzo_runner.events import RunResult, StepResult
from arazzo_runner.http import credential_env_var
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import Masking, RunRecord
from arazzo_runner.reports.timeline import Execution, WorkflowRun, failure, reason_phrase, settled, timeline

Locator = Callable[[str, str], Location | None]
"""Where a step is written: ``(workflow_id, step_id)`` to its location, or ``None`` when not known."""

EXCERPT = 300
"""How many characters of a response body the failure shows."""

INPUTS = 300
"""How many characters of the inputs the failure shows."""

_INDENT = "    "
_BODY = _INDENT + " " * len("response: ")


def explain(record: RunRecord, redact: Redactor, locate: Locator | None = None, *, origin: str = "") -> str:
    """The failure text of ``record``'s run; ``origin`` says where its inputs came from (``rows.csv:3``)."""
    mask = Masking(redact, [record])
    run = timeline(record)
    final = settled(record.result)
    path = _culprit(run)
    failed = path[-1] if path else None
    lines = [_headline(record, final, failed)]
    if record.inputs or origin:
        shown = json.dumps(mask.value(dict(record.inputs)), ensure_ascii=False, default=str)
        shown = shown if len(shown) <= INPUTS else shown[:INPUTS] + "..."
        lines.append(f"inputs: {shown}" + (f" (from {origin})" if origin else ""))
    if failed is not None:
        lines += _execution(path, mask, locate, final)
    elif final.status != "succeeded":
        step = final.step(final.failed_step) if final.failed_step else None
        lines += _step_result(step, mask) if step is not None else [f"E   {final.error or 'the run ' + final.status}"]
    lines += [f"warning: {warning}" for warning in dict.fromkeys(_warnings(run))]
    return "\n".join(printable(mask.text(line)) for line in lines)


def not_run(title: str, reason: str, details: Sequence[str], redact: Redactor, *, origin: str = "") -> str:
    """The failure text of a run that could not start: ``title`` was not run because ``reason``."""
    lines = [f"{title} was not run: {reason}", *([f"inputs from {origin}"] if origin else []),
             *(f"E   {detail}" for detail in details)]
    return "\n".join(printable(redact(line)) for line in lines)


def hint_text(hint: Hint) -> str:
    """What a pytest user does about a hint of the engine."""
    if hint.option == "server":
        return f"pass --arazzo-server {hint.subject}=URL or add it to arazzo_servers"
    if hint.option == "auth":
        source, _, scheme = hint.subject.partition(".")
        return f"pass --arazzo-auth {hint.subject}=... or set {credential_env_var(source, scheme)}"
    return f"name one of the workflows: {hint.subject}"


def _headline(record: RunRecord, final: RunResult, failed: Execution | None) -> str:
    title = f"workflow {record.title}"
    if final is not record.result:
        title += f" (handed over to {final.workflow_id})"
    if final.status == "succeeded":
        return f"{title} succeeded"
    verb = "ended" if final.status == "ended" else "failed"
    if failed is not None:
        return f"{title} {verb} at step {failed.step_id}"
    if final.failed_step:
        return f"{title} {verb} at step {final.failed_step}"
    return f"{title} {verb}"


def _culprit(run: WorkflowRun) -> list[Execution]:
    """The executions that failed the run, outermost first: a sub-workflow step, then the step inside it."""
    for current in reversed(list(run.chain())):
        for execution in reversed(current.executions):
            if execution.outcome not in ("failed", "interrupted"):
                continue
            inner = _culprit(execution.sub) if execution.sub is not None else []
            return [execution, *inner]
    return []


def _execution(path: list[Execution], mask: Masking, locate: Locator | None, final: RunResult) -> list[str]:
    failed = path[-1]
    where = locate(failed.workflow_id, failed.step_id) if locate is not None else None
    step = f"step {failed.step_id}" + (f" of workflow {failed.workflow_id}" if len(path) > 1 else "")
    if failed.attempt > 1:
        step += f" (attempt {failed.attempt})"
    if len(path) > 1:
        step += " called by " + ", ".join(f"step {e.step_id} of workflow {e.workflow_id}" for e in path[:-1])
    lines = [f"{where}: {step}" if where is not None else step]
    found = failure(failed)
    criterion = found.criterion
    if criterion is not None:
        lines.append(f">   {criterion.condition}")
        if criterion.actual:
            lines.append(f"E   assert {criterion.actual}")
        if criterion.error:
            lines.append(f"E   {criterion.error}")
        if not criterion.actual and not criterion.error:
            lines.append("E   the condition is false")
    elif failed.outcome == "interrupted":
        lines.append("E   the run stopped during this step" + (f": {final.error}" if final.error else ""))
    else:
        lines.append(f"E   {found.message}")
    hint = failed.result.hint if failed.result is not None else None
    if hint is not None:
        lines.append(f"    ({hint_text(hint)})")
    lines += _exchange(failed, mask)
    return lines


def _exchange(execution: Execution, mask: Masking) -> Iterator[str]:
    exchange = execution.exchange
    request = execution.result.request if execution.result is not None else None
    if exchange is not None:
        yield f"{_INDENT}request:  {exchange.method} {mask.url(exchange.url)}"
    elif request is not None:
        yield f"{_INDENT}request:  {request.method} {mask.url(request.url)}"
    if exchange is None or exchange.response is None:
        return
    status = exchange.status_code or 0
    yield f"{_INDENT}response: {status} {reason_phrase(status)}".rstrip()
    if exchange.response.body_size:
        excerpt = mask.excerpt(exchange.response, EXCERPT)
        yield from (_BODY + line for line in excerpt.splitlines()[:8])


def _step_result(step: StepResult, mask: Masking) -> list[str]:
    """A failed step told by its result alone (a run recorded without events)."""
    lines = [f"step {step.step_id}", f"E   {step.error or 'the step failed'}"]
    if step.hint is not None:
        lines.append(f"    ({hint_text(step.hint)})")
    if step.request is not None:
        lines.append(f"{_INDENT}request:  {step.request.method} {mask.url(step.request.url)}")
    if step.status_code is not None:
        lines.append(f"{_INDENT}response: {step.status_code} {reason_phrase(step.status_code)}".rstrip())
    return lines


def _warnings(run: WorkflowRun) -> Iterator[str]:
    for current in run.chain():
        yield from (warning.message for warning in current.warnings)
        for item in current.items:
            if isinstance(item, WorkflowRun):
                yield from _warnings(item)
                continue
            yield from (f"{item.step_id}: {warning.message}" for warning in item.warnings)
            if item.sub is not None:
                yield from _warnings(item.sub)
