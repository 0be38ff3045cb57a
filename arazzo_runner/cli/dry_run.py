"""``arazzo-runner run --dry-run``: the requests each step of a workflow would send, nothing sent.

Steps are listed in document order (which path a run takes depends on responses, which a dry run has none
of). A value the inputs decide is shown resolved; one that depends on earlier responses (``$steps...``,
``$response...``) is shown as written. Credentials are named, never shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import ArazzoError
from arazzo_runner.expressions import MISSING, ExpressionContext
from arazzo_runner.redaction import Redactor, secret_fields
from arazzo_runner.text import to_json

if TYPE_CHECKING:
    from arazzo_runner.cli.session import RunSpec
    from arazzo_runner.plan import StepPlan
    from arazzo_runner.plan.values import Value
    from arazzo_runner.runner import Runner

def dry_run(runner: Runner, specs: Sequence[RunSpec], out: TextIO, err: TextIO, as_json: bool,
            redact: Redactor) -> int:
    """Print the planned requests of every run; 0 when every run could be planned, else 2."""
    from arazzo_runner.cli.session import not_run_of

    runs: list[dict[str, Any]] = []
    code = 0
    for spec in specs:
        try:
            prepared = runner.prepare(spec.document, spec.workflow_id)
            inputs = prepared.plan.main.inputs.prepare(dict(spec.inputs))
        except ArazzoError as exc:
            not_run = not_run_of(exc, redact)
            for line in not_run.lines:
                print(printable(line), file=err)
            runs.append({"document": spec.document, "workflowId": spec.workflow_id, "label": spec.label,
                         "notRun": {"reason": not_run.kind, **not_run.detail}})
            code = 2
            continue
        workflow = prepared.plan.main
        shown = workflow.inputs.shown(inputs)
        context = ExpressionContext(inputs=inputs, source_descriptions=workflow.source_fields)
        steps = [_step(step, context, runner) for step in workflow.steps]
        # What a run would learn to mask from the bodies it sends (a password field, a token), a dry run
        # masks too: the same secret must not show here and be masked there.
        redact = redact.adding(*(secret for step in steps if "body" in step
                                 for secret in secret_fields(step["body"]["payload"])))
        runs.append({"document": spec.document, "workflowId": workflow.workflow_id, "label": spec.label,
                     "inputs": shown, "dependsOn": [key[1] for key in workflow.depends_on], "steps": steps})
    if as_json:
        print(redact(json.dumps({"dryRun": True, "runs": runs}, indent=2, default=str)), file=out)
        return code
    for run in runs:
        if "steps" not in run:
            continue
        title = f"{run['document']}::{run['workflowId']}" + (f"[{run['label']}]" if run["label"] else "")
        lines = [f"dry run of {title} (nothing is sent)"]
        if run["dependsOn"]:
            lines.append(f"  after the workflows {', '.join(run['dependsOn'])}")
        for step in run["steps"]:
            lines.extend(_text(step))
        for line in lines:
            print(printable(redact(line)), file=out)
    return code


def _step(step: StepPlan, context: ExpressionContext, runner: Runner) -> dict[str, Any]:
    entry: dict[str, Any] = {"stepId": step.step_id,
                             "successCriteria": [criterion.condition for criterion in step.success_criteria]}
    if step.request is None:
        assert step.workflow is not None
        entry["workflow"] = step.workflow[1]
        entry["inputs"] = {name: _resolve(value, context)[0] for name, value in step.inputs}
        return entry
    from arazzo_runner.execute.request import server_url

    plan = step.request
    operation = plan.operation
    path = operation.path
    parameters = []
    for parameter in plan.parameters:
        value, resolved = _resolve(parameter.value, context)
        value = value if resolved else parameter.written
        if parameter.location == "path" and resolved:
            path = path.replace(f"{{{parameter.name}}}", quote(str(value), safe=""))
        parameters.append({"name": parameter.name, "in": parameter.location, "value": value,
                           "resolved": resolved})
    try:
        base = server_url(plan, runner.settings)
    except ArazzoError as exc:
        base = f"(no server: {exc.message})"
    entry.update(method=operation.method, url=base.rstrip("/") + path, operation=str(operation),
                 parameters=parameters, security=sorted({name for requirement in operation.security
                                                         for name in requirement}))
    if plan.body is not None:
        payload, resolved = _resolve(plan.body.payload, context)
        entry["body"] = {"contentType": plan.body.media_type, "resolved": resolved,
                         "payload": payload if resolved else plan.body.written}
    return entry


def _resolve(value: Value, context: ExpressionContext) -> tuple[Any, bool]:
    """The value the inputs give, or its written form (and ``False``) when it needs a response."""
    try:
        resolved = value.evaluate(context)
    except ArazzoError:
        resolved = MISSING
    if resolved is MISSING:
        return (str(value) if value.is_expression else "(known at run time)"), False
    return resolved, True


def _text(step: dict[str, Any]) -> list[str]:
    if "workflow" in step:
        lines = [f"  {step['stepId']}: runs workflow {step['workflow']}"]
        lines += [f"      input {name} = {_inline(value)}" for name, value in step["inputs"].items()]
    else:
        lines = [f"  {step['stepId']}: {step['method']} {step['url']}"]
        for parameter in step["parameters"]:
            later = "" if parameter["resolved"] else "  (known at run time)"
            lines.append(f"      {parameter['in']} {parameter['name']} = {_inline(parameter['value'])}{later}")
        if step["security"]:
            lines.append(f"      security: {', '.join(step['security'])} (credentials are never shown)")
        if "body" in step:
            later = "" if step["body"]["resolved"] else "  (known at run time)"
            lines.append(f"      body ({step['body']['contentType']}): {_inline(step['body']['payload'])}{later}")
    lines += [f"      success when {condition}" for condition in step["successCriteria"]]
    return lines


def _inline(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value)
