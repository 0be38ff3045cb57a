"""``arazzo-runner list`` (the workflows of documents and their inputs) and ``arazzo-runner show`` (the plan of
one workflow: each step's resolved operation, method and URL template, criteria, actions and outputs)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import ArazzoError

if TYPE_CHECKING:
    from arazzo_runner.model import ArazzoDocument, Workflow
    from arazzo_runner.plan import ActionPlan, StepPlan, WorkflowPlan
    from arazzo_runner.runner import Runner
    from arazzo_runner.sources import Workspace

EXIT_OK, EXIT_NOT_SHOWN = 0, 2


def list_command(paths: Sequence[str], as_json: bool, out: TextIO, err: TextIO) -> int:
    """Print each document's workflows with their summaries and inputs; 2 when a document cannot be read."""
    from arazzo_runner.sources import Workspace

    documents: list[dict[str, Any]] = []
    code = EXIT_OK
    for path in paths:
        workspace = Workspace()
        try:
            document = workspace.load(path)
        except ArazzoError as exc:
            print(printable(f"error: {exc}"), file=err)
            code = EXIT_NOT_SHOWN
            continue
        documents.append({"document": path, "title": document.info.title,
                          "workflows": [_workflow_entry(document, w, workspace) for w in document.workflows]})
    if as_json:
        json.dump({"documents": documents}, out, indent=2, default=str)
        out.write("\n")
        return code
    for entry in documents:
        print(printable(f"{entry['document']} ({entry['title']})"), file=out)
        for workflow in entry["workflows"]:
            summary = f" - {workflow['summary']}" if workflow["summary"] else ""
            print(printable(f"  {workflow['workflowId']}{summary}"), file=out)
            for item in workflow["inputs"]:
                flags = "required" if item["required"] else "optional"
                if "default" in item:
                    flags += f", default {json.dumps(item['default'], default=str)}"
                note = f"  {item['description']}" if item.get("description") else ""
                print(printable(f"      {item['name']:<20} {item['type']:<10} {flags}{note}"), file=out)
    return code


def _workflow_entry(document: ArazzoDocument, workflow: Workflow, workspace: Workspace) -> dict[str, Any]:
    return {"workflowId": workflow.workflow_id, "summary": workflow.summary, "description": workflow.description,
            "inputs": _inputs(document, workflow, workspace)}


def _inputs(document: ArazzoDocument, workflow: Workflow, workspace: Workspace) -> list[dict[str, Any]]:
    from arazzo_runner.sources.refs import follow

    try:
        home, schema = follow(document.document, workflow.inputs, workspace.load_referenced)
        properties = schema.get("properties") if isinstance(schema, dict) else None
        required = schema.get("required") if isinstance(schema, dict) else None
        listed = []
        for name, raw in (properties if isinstance(properties, dict) else {}).items():
            _, spec = follow(home, raw, workspace.load_referenced)
            spec = spec if isinstance(spec, dict) else {}
            kind = spec.get("type", "any")
            entry: dict[str, Any] = {"name": name, "type": "|".join(kind) if isinstance(kind, list) else str(kind),
                                     "required": isinstance(required, list) and name in required,
                                     "description": spec.get("description")}
            if "default" in spec:
                entry["default"] = spec["default"]
            if spec.get("format"):
                entry["format"] = spec["format"]
            listed.append(entry)
        return listed
    except ArazzoError:
        return []  # `validate` says why the schema cannot be read; listing shows what it can


def show_command(runner: Runner, path: str, workflow_id: str | None, as_json: bool, out: TextIO,
                 err: TextIO) -> int:
    """Print the plan of one workflow; 2 when it cannot be planned (the diagnostics say why)."""
    from arazzo_runner.cli.session import not_run_of

    try:
        prepared = runner.prepare(path, workflow_id)
    except ArazzoError as exc:
        for line in not_run_of(exc, runner.redactor).lines:
            print(printable(line.replace("not run:", "not shown:")), file=err)
        return EXIT_NOT_SHOWN
    plan = prepared.plan
    shown = [_plan_entry(workflow, runner) for workflow in _in_run_order(plan.main, plan.workflows)]
    if as_json:
        json.dump({"document": path, "workflows": shown}, out, indent=2, default=str)
        out.write("\n")
        return EXIT_OK
    for workflow in shown:
        for line in _plan_text(workflow):
            print(printable(runner.redactor(line)), file=out)
    return EXIT_OK


def _in_run_order(main: WorkflowPlan, workflows: Any) -> list[WorkflowPlan]:
    """The workflow asked for first, then every workflow it can reach (prerequisites, sub-workflows, targets)."""
    return [main, *(w for key, w in workflows.items() if key != main.key)]


def _plan_entry(workflow: WorkflowPlan, runner: Runner) -> dict[str, Any]:
    return {"workflowId": workflow.workflow_id, "dependsOn": [key[1] for key in workflow.depends_on],
            "steps": [_step_entry(step, runner) for step in workflow.steps],
            "outputs": {name: str(value) for name, value in workflow.outputs}}


def _step_entry(step: StepPlan, runner: Runner) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "stepId": step.step_id,
        "successCriteria": [_criterion(c) for c in step.success_criteria],
        "onSuccess": [_action(a) for a in step.success_actions],
        "onFailure": [_action(a) for a in step.failure_actions],
        "outputs": {name: str(value) for name, value in step.outputs},
    }
    if step.request is None:
        assert step.workflow is not None
        entry["workflow"] = step.workflow[1]
        return entry
    from arazzo_runner.execute.request import server_url

    operation = step.request.operation
    try:
        server = server_url(step.request, runner.settings)
    except ArazzoError as exc:
        server = f"(no server: {exc.message})"
    entry.update(source=operation.source_name, operationId=operation.operation_id, method=operation.method,
                 path=operation.path, url=server.rstrip("/") + operation.path,
                 parameters=[{"name": p.name, "in": p.location, "value": p.written} for p in step.request.parameters],
                 body=None if step.request.body is None else step.request.body.media_type)
    return entry


def _criterion(criterion: Any) -> str:
    kind = "" if criterion.type == "simple" else f"[{criterion.type}] "
    context = f" on {criterion.context}" if criterion.context is not None else ""
    return f"{kind}{criterion.condition}{context}"


def _action(action: ActionPlan) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": action.name, "type": action.type, "target": action.target,
                             "criteria": [_criterion(c) for c in action.criteria]}
    if action.type == "retry":
        entry.update(retryAfter=action.retry_after, retryLimit=action.retry_limit)
    return entry


def _plan_text(workflow: dict[str, Any]) -> list[str]:
    lines = [f"workflow {workflow['workflowId']}"]
    if workflow["dependsOn"]:
        lines.append(f"  after: {', '.join(workflow['dependsOn'])}")
    for number, step in enumerate(workflow["steps"], start=1):
        if "workflow" in step:
            lines.append(f"  {number}. {step['stepId']}: runs workflow {step['workflow']}")
        else:
            label = step["operationId"] or step["path"]
            lines.append(f"  {number}. {step['stepId']}: {step['method']} {step['url']}  ({step['source']}: {label})")
            lines += [f"       {p['in']} {p['name']} = {p['value']}" for p in step["parameters"]]
            if step["body"]:
                lines.append(f"       body: {step['body']}")
        lines += [f"       success when {c}" for c in step["successCriteria"]]
        lines += [f"       on success: {_action_text(a)}" for a in step["onSuccess"]]
        lines += [f"       on failure: {_action_text(a)}" for a in step["onFailure"]]
        lines += [f"       output {name} = {value}" for name, value in step["outputs"].items()]
    lines += [f"  output {name} = {value}" for name, value in workflow["outputs"].items()]
    return lines


def _action_text(action: dict[str, Any]) -> str:
    text = f"{action['type']} '{action['name']}'"
    if action["target"]:
        text += f" to {action['target']}"
    if action["type"] == "retry":
        text += f" (up to {action['retryLimit']} times, {action['retryAfter'] or 0:g} s apart)"
    if action["criteria"]:
        text += " when " + " and ".join(action["criteria"])
    return text
