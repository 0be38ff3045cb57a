"""The JSON report: every run with its steps, exchanges, criteria, actions and warnings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from arazzo_runner.reports import RunRecord, json_report
from tests.reports import scenarios
from tests.reports.support import Api, answers, step, workflow


def report(api: Api, *records: RunRecord) -> dict[str, Any]:
    data = json_report(records, api.redactor)
    assert json.loads(json.dumps(data, allow_nan=False)) == data  # plain JSON, nothing lost in a round trip
    return data


@pytest.mark.parametrize("scenario", scenarios.ALL, ids=lambda s: s.__name__)
def test_every_kind_of_run_is_plain_json(api: Api, scenario: Callable[[Api], RunRecord]) -> None:
    [run] = report(api, scenario(api))["runs"]
    assert {"document", "workflowId", "label", "inputs", "status", "outputs", "durationMs", "steps"} <= set(run)


def test_a_run_has_its_document_inputs_status_outputs_and_steps(api: Api) -> None:
    record = scenarios.passing(api)

    data = report(api, record)

    assert data["summary"] == {"runs": 1, "succeeded": 1}
    [run] = data["runs"]
    assert (run["document"], run["workflowId"], run["label"], run["inputs"]) == (record.document, "flow", "", {})
    assert (run["status"], run["outputs"], run["error"], run["failedStep"]) == ("succeeded", {"id": 7}, None, None)
    first = run["steps"][0]
    assert (first["stepId"], first["status"], first["execution"], first["attempt"]) == ("first", "succeeded", 1, 1)
    assert first["request"] == {"method": "GET", "url": "https://api.test/a",
                                "headers": [{"name": "host", "value": "api.test"}]}
    assert first["response"]["status"] == 200 and json.loads(first["response"]["body"]) == {"id": 7}
    assert first["criteria"] == [{"condition": "$statusCode == 200", "passed": True, "actual": None, "error": None}]
    assert first["actions"] == [{"name": "(default)", "type": "next", "target": None}]
    assert first["outputs"] == {"id": 7}
    assert first["timings"]["elapsedMs"] >= 0 and first["timings"]["started"].endswith("+00:00")


def test_a_failed_criterion_carries_its_actual_values(api: Api) -> None:
    [run] = report(api, scenarios.failing_criterion(api))["runs"]

    [login] = run["steps"]
    assert login["status"] == "failed"
    assert login["criteria"][0] == {"condition": "$statusCode == 200", "passed": False, "actual": "401 == 200",
                                    "error": None}
    assert login["error"] == "success criterion not met: $statusCode == 200; actual: 401 == 200"
    assert login["actions"] == [{"name": "(default)", "type": "break", "target": None}]
    assert (run["status"], run["failedStep"]) == ("failed", "login")


def test_retried_attempts_are_steps_of_their_own(api: Api) -> None:
    [run] = report(api, scenarios.retry_then_success(api))["runs"]

    assert [(s["attempt"], s["status"]) for s in run["steps"]] == [(1, "retried"), (2, "retried"), (3, "succeeded")]
    assert run["steps"][0]["actions"] == [{"name": "again", "type": "retry", "target": None}]


def test_a_sub_workflow_step_holds_the_sub_workflows_run(api: Api) -> None:
    [run] = report(api, scenarios.sub_workflow(api))["runs"]

    call = run["steps"][0]
    assert call["request"] is None and call["response"] is None
    sub = call["subWorkflow"]
    assert (sub["workflowId"], sub["role"], sub["status"]) == ("child", "sub", "succeeded")
    assert [s["stepId"] for s in sub["steps"]] == ["inner"]


def test_a_prerequisite_run_is_listed_with_its_role(api: Api) -> None:
    [run] = report(api, scenarios.prerequisite(api))["runs"]

    [setup] = run["workflows"]
    assert (setup["workflowId"], setup["role"], setup["status"]) == ("setup", "prerequisite", "succeeded")
    assert [s["stepId"] for s in setup["steps"]] == ["prepare"]
    assert [s["stepId"] for s in run["steps"]] == ["main"]


def test_a_transfer_holds_the_target_run_and_the_settled_status(api: Api) -> None:
    [run] = report(api, scenarios.transferred(api))["runs"]

    assert (run["status"], run["runStatus"], run["outputs"]) == ("succeeded", "transferred", {"id": 7})
    target = run["transferredTo"]
    assert (target["workflowId"], target["role"], [s["stepId"] for s in target["steps"]]) == (
        "other", "transfer", ["finish"])


def test_a_transport_error_has_no_response_and_says_why(api: Api) -> None:
    [run] = report(api, scenarios.transport_error(api))["runs"]

    [fetch] = run["steps"]
    assert fetch["response"] is None
    assert fetch["error"] == "GET https://api.test/a: cannot connect: connection refused"


def test_an_engine_error_is_the_runs_error(api: Api) -> None:
    [run] = report(api, scenarios.step_budget(api))["runs"]

    assert run["status"] == "failed" and run["failedStep"] is None
    assert run["error"].startswith("step budget of 2 exhausted at step 'spin'")
    assert [s["status"] for s in run["steps"]] == ["succeeded", "succeeded"]


def test_warnings_are_kept_with_their_step_or_run(api: Api) -> None:
    api.write([workflow("flow", [step("fetch", "getA", outputs={"id": "$response.body#/id"})],
                        outputs={"missing": "$steps.fetch.outputs.id"})])
    [run] = report(api, api.run(answers(httpx.Response(200, json={}))))["runs"]

    assert run["steps"][0]["warnings"] == ["output 'id' not set: $response.body#/id has no value"]
    assert run["warnings"] == ["output 'missing' not set: $steps.fetch.outputs.id has no value"]


def test_several_runs_are_summarised_by_status(api: Api) -> None:
    api.write([workflow("flow", [step("first", "getA")])])
    records = [api.run(answers(httpx.Response(code)), label=f"row {n}") for n, code in ((1, 200), (2, 500), (3, 200))]

    data = report(api, *records)

    assert data["summary"] == {"runs": 3, "failed": 1, "succeeded": 2}
    assert [run["label"] for run in data["runs"]] == ["row 1", "row 2", "row 3"]
