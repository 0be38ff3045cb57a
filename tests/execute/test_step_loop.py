"""The executor driven by hand: the commands it yields, the events it tells, the decisions its actions make."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.events import (
    ActionTaken,
    CredentialObtained,
    CriterionEvaluated,
    ExchangeRecorded,
    RequestSent,
    ResponseReceived,
    StepFinished,
    StepStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from arazzo_runner.execute import ACTIONS, FetchToken, Send, Sleep
from arazzo_runner.execute.state import MAX_RETRY_AFTER
from tests.execute.scripted import Script, documents, json_response, operation, plan_of, replies

PATHS = {"/items": {"get": operation("list")}, "/items/{id}": {"get": operation("get", parameters=[
    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}])}}
OK = {"condition": "$statusCode == 200"}


def script(steps: list[dict[str, Any]], *responses: Any, **options: Any) -> Script:
    return Script(plan_of(documents(steps, PATHS, **options.pop("documents", {}))), replies(*responses), **options)


def test_the_action_table_is_keyed_by_the_specifications_action_types() -> None:
    assert set(ACTIONS) == {"end", "goto", "retry"}


def test_each_operation_step_yields_one_send_and_tells_its_events_in_order() -> None:
    run = script([{"stepId": "a", "operationId": "list", "successCriteria": [OK]},
                  {"stepId": "b", "operationId": "get", "parameters": [{"name": "id", "in": "path", "value": 7}]}],
                 json_response(200, {"n": 1}), json_response(200, {"id": 7}))

    result = run.run()

    assert result.status == "succeeded"
    assert [str(r.url) for r in run.sent] == ["https://api.test/items", "https://api.test/items/7"]
    kinds = [type(item).__name__ for item in run.yielded]
    assert kinds == ["WorkflowStarted",
                     "StepStarted", "RequestSent", "Send", "ResponseReceived", "ExchangeRecorded",
                     "CriterionEvaluated", "StepFinished", "ActionTaken",
                     "StepStarted", "RequestSent", "Send", "ResponseReceived", "ExchangeRecorded", "StepFinished",
                     "ActionTaken",
                     "WorkflowFinished"]


def test_an_unobserved_run_skips_the_fine_grained_events_but_not_the_results() -> None:
    run = script([{"stepId": "a", "operationId": "list", "successCriteria": [OK]}], json_response(200, {}),
                 observed=False)

    assert run.run().status == "succeeded"
    assert not run.of(StepStarted) + run.of(RequestSent) + run.of(ResponseReceived) + run.of(
        CriterionEvaluated) + run.of(ActionTaken) + run.of(ExchangeRecorded)
    assert len(run.of(StepFinished)) == 1 and run.of(WorkflowStarted) and run.of(WorkflowFinished)


def test_a_transport_failure_answer_fails_the_step_with_its_message() -> None:
    run = script([{"stepId": "a", "operationId": "list"}], httpx.ConnectError("refused"))

    result = run.run()

    assert result.status == "failed"
    assert result.steps[0].error == "GET https://api.test/items: cannot connect: refused"


def test_a_required_parameter_without_a_value_fails_the_step_before_anything_is_sent() -> None:
    run = script([{"stepId": "b", "operationId": "get",
                   "parameters": [{"name": "id", "in": "path", "value": "$inputs.id"}]}],
                 documents={"inputs": {"type": "object", "properties": {"id": {"type": "integer"}}}})

    result = run.run()

    assert run.sent == []
    assert result.steps[0].error is not None
    assert result.steps[0].error.startswith("required parameter 'id' has no value: $inputs.id is not set (at ")


@pytest.mark.parametrize(("header", "waited"), [
    pytest.param("3", 3.0, id="delta-seconds"),
    pytest.param("86400", MAX_RETRY_AFTER, id="capped"),
    pytest.param("²", 1.5, id="not-ascii-digits-falls-back-to-retryAfter"),
    pytest.param("date+60", 60.0, id="http-date-against-the-injected-clock"),
])
def test_retry_waits_as_the_response_says_through_a_sleep_command(header: str, waited: float) -> None:
    retry = {"name": "again", "type": "retry", "retryAfter": 1.5, "retryLimit": 1}
    run = script([{"stepId": "a", "operationId": "list", "successCriteria": [OK], "onFailure": [retry]}])
    if header.startswith("date+"):
        header = email.utils.formatdate(run.clock.now + int(header[5:]), usegmt=True)
    failing = httpx.Response(503, json={}, headers=[(b"Retry-After", header.encode("utf-8"))])
    failing.read()
    run.answer = replies(failing, json_response(200, {}))

    result = run.run()

    assert result.status == "succeeded" and result.steps[-1].attempts == 2
    assert [command.seconds for command in run.of(Sleep)] == [pytest.approx(waited, abs=1.0)]


def test_goto_jumps_to_the_step_the_action_names() -> None:
    goto = {"name": "back", "type": "goto", "stepId": "a", "criteria": [{"condition": "$statusCode == 202"}]}
    run = script([{"stepId": "a", "operationId": "list"},
                  {"stepId": "b", "operationId": "list", "onSuccess": [goto]}],
                 json_response(200, {}), json_response(202, {}), json_response(200, {}), json_response(200, {}))

    result = run.run()

    assert [s.step_id for s in result.steps] == ["a", "b", "a", "b"]
    assert [(e.action, e.type, e.target) for e in run.of(ActionTaken)][1] == ("back", "goto", "a")


def test_a_goto_loop_ends_at_the_step_budget() -> None:
    loop = {"name": "loop", "type": "goto", "stepId": "a"}
    run = script([{"stepId": "a", "operationId": "list", "onSuccess": [loop]}],
                 *[json_response(200, {}) for _ in range(5)], max_steps=3)

    with pytest.raises(ExecutionError, match="step budget of 3 exhausted at step 'a'"):
        run.run()
    assert len(run.sent) == 3


OAUTH = {"securitySchemes": {"cc": {"type": "oauth2", "flows": {"clientCredentials": {
    "tokenUrl": "https://auth.test/token", "scopes": {"read": ""}}}}}}


def test_an_oauth2_token_is_fetched_once_per_run_and_the_request_built_once_with_it() -> None:
    fetched: list[FetchToken] = []

    def answer(command: Any) -> Any:
        if isinstance(command, FetchToken):
            fetched.append(command)
            return "tok-123"
        return json_response(200, {})

    plan = plan_of(documents([{"stepId": "a", "operationId": "list"}, {"stepId": "b", "operationId": "list"}],
                             PATHS, api_components=OAUTH, security=[{"cc": ["read"]}]))
    run = Script(plan, answer, credentials={"api.cc": "client:s3cret"})

    assert run.run().status == "succeeded"
    assert [(f.request.token_url, f.request.client_id, f.request.scopes) for f in fetched] == [
        ("https://auth.test/token", "client", ("read",))]
    assert [r.headers["authorization"] for r in run.sent] == ["Bearer tok-123", "Bearer tok-123"]
    assert [e.secret for e in run.of(CredentialObtained)] == ["tok-123"]
    assert "tok-123" not in repr(run.of(CredentialObtained)[0])
    assert all(not isinstance(item, Send) or "pending" not in str(item.request.headers) for item in run.yielded)


def test_a_failed_token_fetch_fails_the_step_without_sending_it() -> None:
    def answer(command: Any) -> Any:
        return ExecutionError("token endpoint said no") if isinstance(command, FetchToken) else None

    plan = plan_of(documents([{"stepId": "a", "operationId": "list"}], PATHS, api_components=OAUTH,
                             security=[{"cc": []}]))
    run = Script(plan, answer, credentials={"api.cc": "client:s3cret"})

    result = run.run()

    assert run.sent == []
    assert result.steps[0].error == ("cannot obtain an OAuth2 token from https://auth.test/token: "
                                     "token endpoint said no")


def test_durations_come_from_the_injected_clock() -> None:
    run = script([{"stepId": "a", "operationId": "list"}])

    def answer(command: Any) -> Any:
        run.clock.now += 0.25
        return json_response(200, {})

    run.answer = answer
    result = run.run()

    assert result.steps[0].duration_ms == pytest.approx(250.0)
    assert run.of(ResponseReceived)[0].elapsed_ms == pytest.approx(250.0)


def test_each_exchange_is_recorded_with_both_messages_for_reports() -> None:
    run = script([{"stepId": "a", "operationId": "list"}], json_response(201, {"big": "x" * 10}))
    run.clock.now = 1_700_000_000.0

    run.run()

    (record,) = run.of(ExchangeRecorded)
    assert (record.step_id, record.attempt, record.method, record.url, record.status_code) == (
        "a", 1, "GET", "https://api.test/items", 201)
    assert record.started == 1_700_000_000.0 and record.error is None and not record.mocked
    assert record.response is not None and record.response.body == b'{"big":"xxxxxxxxxx"}'
    assert record.response.content_type == "application/json"
