"""Arazzo 1.1 action ``parameters``: the inputs of the workflow a ``goto`` or ``retry`` action goes to.

They are evaluated where the action is taken (the step's response and outputs, the workflow's inputs) and
replace the rule for workflows entered without parameters (the run's inputs, narrowed to the declared names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from doc_builder import ARAZZO_1_1, Documents, json_body, operation, param, step
from recording_server import RecordingServer, Reply

from arazzo_runner.errors import DocumentError
from arazzo_runner.events import Event, RunResult, WorkflowStarted
from arazzo_runner.runner import Runner

PATHS = {
    "/orders": {"post": operation("createOrder", requestBody=json_body())},
    "/orders/{id}": {"get": operation("getOrder", parameters=[param("id", "path"), param("channel", "query")])},
    "/secure": {"get": operation("secure")},
    "/login": {"post": operation("login", requestBody=json_body())},
}
CREATED = Reply(status=201, body={"id": 42, "status": "open"})
FOLLOW_INPUTS = {"type": "object", "required": ["orderId"],
                 "properties": {"orderId": {"type": "integer"}, "status": {"type": "string"},
                                "note": {"type": "string"}, "channel": {"type": "string", "default": "api"},
                                "customer": {"type": "string"}}}
FOLLOW = {"workflowId": "follow", "inputs": FOLLOW_INPUTS,
          "steps": [step("get", "getOrder", parameters=[{"name": "id", "in": "path", "value": "$inputs.orderId"},
                                                        {"name": "channel", "in": "query",
                                                         "value": "$inputs.channel"}])],
          "outputs": {"orderId": "$inputs.orderId", "status": "$inputs.status", "note": "$inputs.note",
                      "customer": "$inputs.customer"}}
CHANNEL = {"parameters": {"channel": {"name": "channel", "value": "web"}}}


def write(docs: Documents, workflows: Sequence[Mapping[str, Any]], components: Mapping[str, Any] | None = None,
          version: str = ARAZZO_1_1) -> Path:
    docs.openapi(PATHS)
    return docs.arazzo(workflows, components=dict(components or CHANNEL), version=version)


def main(actions: Sequence[Mapping[str, Any]], *, on: str = "onSuccess", **fields: Any) -> dict[str, Any]:
    """Workflow ``main``: step ``create`` (POST /orders, its output ``id``) with these actions."""
    created = step("create", "createOrder", requestBody={"payload": {"customer": "$inputs.customer"}},
                   successCriteria=[{"condition": "$statusCode == 201"}], outputs={"id": "$response.body#/id"},
                   **{on: list(actions)})
    return {"workflowId": "main", "inputs": {"type": "object", "properties": {"customer": {"type": "string"},
                                                                            "status": {"type": "string"}}},
            "steps": [created], **fields}


def goto_follow(parameters: Sequence[Mapping[str, Any]], name: str = "toFollow") -> dict[str, Any]:
    return {"name": name, "type": "goto", "workflowId": "follow", "parameters": list(parameters)}


def run(document: Path, inputs: Mapping[str, Any] | None = None, workflow: str = "main") -> tuple[
        RunResult, list[Event]]:
    events: list[Event] = []
    result = Runner(sleep=lambda _: None).run(document, workflow, dict(inputs or {"customer": "ann",
                                                                                  "status": "from-run"}),
                                              listeners=[events.append])
    return result, events


def started(events: list[Event], workflow: str) -> list[Mapping[str, Any]]:
    return [dict(e.inputs) for e in events if isinstance(e, WorkflowStarted) and e.workflow_id == workflow]


TRANSFERS = [
    pytest.param([{"name": "orderId", "value": "$steps.create.outputs.id"},
                  {"name": "status", "value": "$response.body#/status"},
                  {"name": "note", "value": "for {$inputs.customer}"}],
                 {"orderId": 42, "status": "open", "note": "for ann", "channel": "api"}, "/orders/42?channel=api",
                 id="outputs-response-and-inputs"),
    pytest.param([{"name": "orderId", "value": 7}, {"reference": "$components.parameters.channel"}],
                 {"orderId": 7, "channel": "web"}, "/orders/7?channel=web", id="reusable-parameter"),
    pytest.param([{"name": "orderId", "value": "$statusCode"},
                  {"reference": "$components.parameters.channel", "value": "$response.header.X-Channel"}],
                 {"orderId": 201, "channel": "mobile"}, "/orders/201?channel=mobile", id="reusable-value-override"),
    pytest.param([{"name": "orderId", "value": 1}, {"name": "note", "value": "$inputs.absent"}],
                 {"orderId": 1, "channel": "api"}, "/orders/1?channel=api", id="unset-expression-left-out"),
]


@pytest.mark.parametrize(("parameters", "inputs", "target"), TRANSFERS)
def test_goto_parameters_are_the_target_workflows_inputs(docs: Documents, server: RecordingServer,
                                                         parameters: list[dict[str, Any]], inputs: dict[str, Any],
                                                         target: str) -> None:
    server.reply(Reply(status=201, body={"id": 42, "status": "open"}, headers={"X-Channel": "mobile"}),
                 path="/orders")
    document = write(docs, [main([goto_follow(parameters)]), FOLLOW])

    result, events = run(document)

    assert result.status == "transferred", result.error
    assert result.settled_status == "succeeded"
    assert [(r.method, r.target) for r in server.requests] == [("POST", "/orders"), ("GET", target)]
    assert server.requests[0].json() == {"customer": "ann"}
    assert started(events, "follow") == [inputs]
    follow = result.transferred_to
    assert follow is not None
    # Not the run's inputs: 'customer' and 'status' are declared by follow, yet only the parameters count.
    assert dict(follow.outputs) == {k: v for k, v in inputs.items() if k in ("orderId", "status", "note")}


def test_without_parameters_the_run_inputs_are_still_offered(docs: Documents, server: RecordingServer) -> None:
    server.reply(CREATED, path="/orders")
    document = write(docs, [main([{"name": "toFollow", "type": "goto", "workflowId": "follow"}]), FOLLOW])

    result, events = run(document, {"customer": "ann", "status": "from-run", "orderId": 5})

    assert result.settled_status == "succeeded", result.error
    assert started(events, "follow") == [{"customer": "ann", "status": "from-run", "orderId": 5, "channel": "api"}]
    assert server.last.target == "/orders/5?channel=api"


def test_a_failure_goto_evaluates_them_against_the_failed_response(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(status=409, body={"id": 9, "status": "duplicate"}), path="/orders")
    action = goto_follow([{"name": "orderId", "value": "$response.body#/id"},
                          {"name": "status", "value": "HTTP {$statusCode}"}], name="whenRefused")
    document = write(docs, [main([action], on="onFailure"), FOLLOW])

    result, events = run(document)

    assert result.status == "transferred" and result.settled_status == "succeeded", result.error
    assert started(events, "follow") == [{"orderId": 9, "status": "HTTP 409", "channel": "api"}]
    assert server.last.target == "/orders/9?channel=api"


def test_a_component_action_with_parameters(docs: Documents, server: RecordingServer) -> None:
    server.reply(CREATED, path="/orders")
    components = {**CHANNEL, "successActions": {"next": goto_follow([{"name": "orderId",
                                                                      "value": "$steps.create.outputs.id"}],
                                                                    name="next")}}
    document = write(docs, [main([{"reference": "$components.successActions.next"}]), FOLLOW], components)

    result, events = run(document)

    assert result.settled_status == "succeeded", result.error
    assert started(events, "follow") == [{"orderId": 42, "channel": "api"}]


LOGIN = {"workflowId": "login",
         "inputs": {"type": "object", "required": ["user"],
                    "properties": {"user": {"type": "string"}, "code": {"type": "integer"}}},
         "steps": [step("token", "login", requestBody={"payload": {"user": "$inputs.user", "code": "$inputs.code"}})]}


def secure(parameters: Sequence[Mapping[str, Any]], **retry: Any) -> dict[str, Any]:
    action = {"name": "relogin", "type": "retry", "workflowId": "login", "parameters": list(parameters), **retry}
    return {"workflowId": "main", "inputs": {"type": "object", "properties": {"user": {"type": "string"}}},
            "steps": [step("call", "secure", successCriteria=[{"condition": "$statusCode == 200"}],
                           onFailure=[action])]}


def test_retry_runs_the_workflow_with_its_parameters_then_the_step_again(docs: Documents,
                                                                         server: RecordingServer) -> None:
    server.reply(Reply(status=401, body={"error": "expired"}), Reply(status=200), path="/secure")
    document = write(docs, [secure([{"name": "user", "value": "$inputs.user"},
                                    {"name": "code", "value": "$statusCode"}], retryLimit=1), LOGIN])

    result, events = run(document, {"user": "ann"})

    assert result.status == "succeeded", result.error
    assert [(r.method, r.target) for r in server.requests] == [("GET", "/secure"), ("POST", "/login"),
                                                               ("GET", "/secure")]
    assert server.requests[1].json() == {"user": "ann", "code": 401}
    assert started(events, "login") == [{"user": "ann", "code": 401}]
    assert result.steps[0].attempts == 2


def test_a_workflow_level_action_takes_them_from_each_step_it_serves(docs: Documents,
                                                                       server: RecordingServer) -> None:
    flow = secure([], retryLimit=1)
    flow["steps"][0].pop("onFailure")
    flow["failureActions"] = [{"name": "relogin", "type": "retry", "workflowId": "login", "retryLimit": 1,
                               "parameters": [{"name": "user", "value": "{$inputs.user}@{$steps.call.outputs.who}"},
                                              {"name": "code", "value": "$statusCode"}]}]
    flow["steps"][0]["outputs"] = {"who": "$response.header.X-Who"}
    server.reply(Reply(status=401, headers={"X-Who": "realm"}), Reply(status=200), path="/secure")
    document = write(docs, [flow, LOGIN])

    result, events = run(document, {"user": "ann"})

    assert result.status == "succeeded", result.error
    assert started(events, "login") == [{"user": "ann@realm", "code": 401}]
    assert server.requests[1].json() == {"user": "ann@realm", "code": 401}


INVALID = [
    pytest.param([{"name": "orderId", "value": "$response.body#/status"}],
                 "goto action 'toFollow' cannot start workflow 'follow': invalid inputs for workflow 'follow': "
                 'orderId: "open" is not of type "integer"', id="wrong-type"),
    pytest.param([{"name": "status", "value": "open"}],
                 "goto action 'toFollow' cannot start workflow 'follow': invalid inputs for workflow 'follow': "
                 "orderId: is required but was not supplied", id="required-missing"),
    pytest.param([{"name": "orderId", "value": "$inputs.absent"}],
                 "invalid inputs for workflow 'follow': orderId: is required but was not supplied",
                 id="required-from-an-unset-expression"),
    pytest.param([{"name": "orderId", "value": 1}, {"name": "note", "value": "x-{$inputs.absent}"}],
                 "goto action 'toFollow' cannot start workflow 'follow': embedded expression '{$inputs.absent}' in "
                 "'x-{$inputs.absent}' has no value", id="embedded-expression-without-a-value"),
]


@pytest.mark.parametrize(("parameters", "message"), INVALID)
def test_invalid_inputs_fail_the_step_and_the_target_never_runs(docs: Documents, server: RecordingServer,
                                                                parameters: list[dict[str, Any]],
                                                                message: str) -> None:
    server.reply(CREATED, path="/orders")
    document = write(docs, [main([goto_follow(parameters)]), FOLLOW])

    result, events = run(document)

    assert result.status == "failed"
    assert result.transferred_to is None
    assert result.failed_step == "create"
    assert message in (result.steps[0].error or ""), result.steps[0].error
    assert result.error == f"step 'create' failed: {result.steps[0].error}"
    assert [r.target for r in server.requests] == ["/orders"]
    assert started(events, "follow") == []


def test_a_secret_input_is_masked_in_the_input_problems(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(status=201, body={"id": 42, "pin": "hunter2-secret"}), path="/orders")
    guarded = {"workflowId": "guarded", "steps": [step("get", "getOrder", parameters=[
        {"name": "id", "in": "path", "value": 1}])],
               "inputs": {"type": "object", "properties": {"pin": {"type": "string", "format": "password",
                                                                   "pattern": "^[0-9]+$"}}}}
    action = {"name": "toGuarded", "type": "goto", "workflowId": "guarded",
              "parameters": [{"name": "pin", "value": "$response.body#/pin"}]}
    document = write(docs, [main([action]), guarded])

    result, _ = run(document)

    assert result.status == "failed"
    error = result.steps[0].error or ""
    assert "invalid inputs for workflow 'guarded': pin: \"***\" does not match \"^[0-9]+$\"" in error, error
    assert "hunter2" not in error


def test_a_retry_whose_inputs_are_invalid_fails_without_retrying(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(status=401), path="/secure")
    document = write(docs, [secure([{"name": "code", "value": "$statusCode"}], retryLimit=3), LOGIN])

    result, events = run(document, {"user": "ann"})

    assert result.status == "failed"
    assert result.steps[0].error == ("retry action 'relogin' cannot start workflow 'login': invalid inputs for "
                                     "workflow 'login': user: is required but was not supplied")
    assert [r.target for r in server.requests] == ["/secure"]
    assert started(events, "login") == []


def refused(server: RecordingServer, document: Path, rule: str) -> tuple[str, str]:
    with pytest.raises(DocumentError) as caught:
        Runner().run(document, "main", {})
    assert server.requests == []
    (found,) = [d for d in caught.value.diagnostics if d.rule == rule]
    return found.message, found.location.pointer


def test_in_on_an_action_parameter_is_refused_before_any_request(docs: Documents, server: RecordingServer) -> None:
    document = write(docs, [main([goto_follow([{"name": "orderId", "in": "query", "value": 1}])]), FOLLOW])

    assert refused(server, document, "action-parameter-in") == (
        "parameter 'orderId' of goto action 'toFollow' has 'in: query'; an action's parameters are the inputs of "
        "workflow 'follow' and take no 'in'", "/workflows/0/steps/0/onSuccess/0/parameters/0/in")


def test_parameters_on_an_action_without_a_workflow_are_refused(docs: Documents, server: RecordingServer) -> None:
    action = {"name": "again", "type": "goto", "stepId": "create", "parameters": [{"name": "x", "value": 1}]}
    document = write(docs, [main([action]), FOLLOW])

    assert refused(server, document, "action-parameters-without-workflow") == (
        "goto action 'again' has parameters, which are the inputs of the workflow it goes to, but it names no "
        "workflowId", "/workflows/0/steps/0/onSuccess/0/parameters")


def test_a_1_0_document_is_told_action_parameters_are_arazzo_1_1(docs: Documents, server: RecordingServer) -> None:
    document = write(docs, [main([goto_follow([{"name": "orderId", "value": 1}])]), FOLLOW], version="1.0.1")

    assert refused(server, document, "arazzo-1.1-field") == (
        "action 'parameters' is Arazzo 1.1; this document declares 1.0 (write 'arazzo: 1.1.0' to use it)",
        "/workflows/0/steps/0/onSuccess/0/parameters")
