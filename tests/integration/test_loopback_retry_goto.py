"""Retries (with the injected sleep, so nothing really waits), goto loops and the step budget, over loopback."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, operation, step
from recording_server import RecordingServer, Reply

from arazzo_runner.cli import main
from arazzo_runner.runner import Runner

UNAVAILABLE = Reply(status=503, body={"error": "busy"})
OK = Reply(status=200, body={"state": "done"})
ON_503 = [{"condition": "$statusCode == 503"}]


def retry(name: str = "again", **fields: Any) -> dict[str, Any]:
    return {"name": name, "type": "retry", **fields}


def flaky(docs: Documents, failure_actions: Sequence[Mapping[str, Any]], *, then: bool = False) -> Path:
    """Step ``flaky`` (GET /flaky, success iff 200) with these failure actions; ``then`` adds step ``next``."""
    paths = {"/flaky": {"get": operation("flaky")}, "/next": {"get": operation("next")}}
    steps = [step("flaky", "flaky", successCriteria=[{"condition": "$statusCode == 200"}],
                  onFailure=list(failure_actions))]
    if then:
        steps.append(step("next", "next"))
    return docs.flow(paths, steps)


def test_retry_after_is_honoured_through_the_injected_sleep(docs: Documents, server: RecordingServer,
                                                            sleeps: list[float]) -> None:
    server.reply(UNAVAILABLE, UNAVAILABLE, OK)
    document = flaky(docs, [retry(retryAfter=1.5, retryLimit=3, criteria=ON_503)])

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert sleeps == [1.5, 1.5]
    assert len(server.requests) == 3
    assert result.steps[0].attempts == 3 and result.steps[0].status_code == 200


@pytest.mark.parametrize(("header", "wait"), [
    pytest.param("2", 2.0, id="delta-seconds"),
    pytest.param("0", 0.0, id="zero-means-now"),
])
def test_retry_after_header_overrules_retry_after(docs: Documents, server: RecordingServer, sleeps: list[float],
                                                  header: str, wait: float) -> None:
    server.reply(Reply(status=503, headers={"Retry-After": header}), OK)
    document = flaky(docs, [retry(retryAfter=0.5, retryLimit=1, criteria=ON_503)])

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert len(server.requests) == 2
    assert sleeps == ([wait] if wait else [])


def test_http_date_retry_after_waits_until_that_date(docs: Documents, server: RecordingServer,
                                                     sleeps: list[float]) -> None:
    def busy_for_twenty_seconds(_: object) -> Reply:
        return Reply(status=503, headers={"Retry-After": email.utils.formatdate(time.time() + 20, usegmt=True)})

    server.reply(busy_for_twenty_seconds, OK)
    document = flaky(docs, [retry(retryLimit=1, criteria=ON_503)])

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    (slept,) = sleeps
    assert 18.0 <= slept <= 20.0


@pytest.mark.parametrize(("limit", "requests"), [
    pytest.param({}, 2, id="default-limit-is-one"),
    pytest.param({"retryLimit": 0}, 1, id="zero-means-no-retry"),
    pytest.param({"retryLimit": 3}, 4, id="three-retries"),
])
def test_retry_limit_exhaustion_falls_through_to_the_next_failure_action(
        docs: Documents, server: RecordingServer, sleeps: list[float], limit: dict[str, int], requests: int) -> None:
    server.reply(UNAVAILABLE)
    document = flaky(docs, [retry(retryAfter=0.25, criteria=ON_503, **limit), {"name": "stop", "type": "end"}])

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "ended"
    assert result.failed_step == "flaky"
    assert len(server.requests) == requests
    assert result.steps[0].attempts == requests
    assert sleeps == [0.25] * (requests - 1)


def test_retry_limit_exhaustion_without_another_action_fails_the_workflow(docs: Documents, server: RecordingServer,
                                                                          sleeps: list[float]) -> None:
    server.reply(UNAVAILABLE)
    document = flaky(docs, [retry(retryLimit=2)])

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "failed"
    assert len(server.requests) == 3
    assert result.error == ("step 'flaky' failed: success criterion not met: $statusCode == 200; "
                            'HTTP 503: {"error": "busy"}')


def test_retry_whose_criteria_do_not_match_is_not_taken(docs: Documents, server: RecordingServer,
                                                        sleeps: list[float]) -> None:
    server.reply(Reply(status=404, body={"error": "gone"}))
    document = flaky(docs, [retry(retryLimit=5, criteria=ON_503)])

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "failed"
    assert len(server.requests) == 1 and sleeps == []


def test_successful_retry_continues_with_the_next_step(docs: Documents, server: RecordingServer,
                                                       sleeps: list[float]) -> None:
    server.reply(UNAVAILABLE, OK, path="/flaky")
    document = flaky(docs, [retry(retryAfter=1, criteria=ON_503)], then=True)

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert [r.path for r in server.requests] == ["/flaky", "/flaky", "/next"]
    assert [(s.step_id, s.status, s.attempts) for s in result.steps] == [("flaky", "succeeded", 2),
                                                                          ("next", "succeeded", 1)]
    assert sleeps == [1.0]


def test_retry_naming_a_step_runs_it_before_the_next_attempt(docs: Documents, server: RecordingServer,
                                                             sleeps: list[float]) -> None:
    server.reply(Reply(status=401), OK, path="/data")
    server.reply(Reply(body={"token": "t2"}), path="/login")
    paths = {"/data": {"get": operation("data")}, "/login": {"post": operation("login")}}
    steps = [step("data", "data", successCriteria=[{"condition": "$statusCode == 200"}],
                  onFailure=[retry("relogin", stepId="login", criteria=[{"condition": "$statusCode == 401"}])],
                  onSuccess=[{"name": "done", "type": "end"}]),
             step("login", "login")]
    document = docs.flow(paths, steps)

    result = Runner(sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert [(r.method, r.path) for r in server.requests] == [("GET", "/data"), ("POST", "/login"), ("GET", "/data")]


def polling(docs: Documents, **workflow: Any) -> Path:
    """``tick`` then ``check``; ``check`` jumps back to ``tick`` until the state is done."""
    paths = {"/tick": {"post": operation("tick")}, "/status": {"get": operation("status")}}
    steps = [step("tick", "tick"),
             step("check", "status", outputs={"state": "$response.body#/state"},
                  onSuccess=[{"name": "loop", "type": "goto", "stepId": "tick",
                              "criteria": [{"condition": "$response.body.state != 'done'"}]}])]
    return docs.flow(paths, steps, outputs={"state": "$steps.check.outputs.state"}, **workflow)


def test_backwards_goto_loop_runs_until_its_criterion_stops_it(docs: Documents, server: RecordingServer) -> None:
    pending = Reply(body={"state": "pending"})
    server.reply(pending, pending, OK, path="/status")

    result = Runner(max_steps=50).run(polling(docs), WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert [r.path for r in server.requests] == ["/tick", "/status"] * 3
    assert [s.step_id for s in result.steps] == ["tick", "check"] * 3
    assert result.outputs == {"state": "done"}


@pytest.mark.parametrize("budget", [1, 5])
def test_endless_goto_loop_stops_at_the_step_budget(docs: Documents, server: RecordingServer, budget: int) -> None:
    document = docs.flow({"/spin": {"get": operation("spin")}},
                         [step("spin", "spin", onSuccess=[{"name": "forever", "type": "goto", "stepId": "spin"}])])

    result = Runner(max_steps=budget).run(document, WORKFLOW, {})

    assert result.status == "failed"
    assert f"step budget of {budget} exhausted at step 'spin'" in (result.error or "")
    assert len(server.requests) == budget
    assert len(result.steps) == budget


def test_retries_count_against_the_step_budget(docs: Documents, server: RecordingServer,
                                               sleeps: list[float]) -> None:
    server.reply(UNAVAILABLE)
    document = flaky(docs, [retry(retryLimit=100, criteria=ON_503)])

    result = Runner(max_steps=4, sleep=sleeps.append).run(document, WORKFLOW, {})

    assert result.status == "failed"
    assert "step budget of 4 exhausted" in (result.error or "")
    assert len(server.requests) == 4


def test_cli_max_steps_flag_bounds_an_endless_loop(docs: Documents, server: RecordingServer,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Reply(body={"state": "pending"}), path="/status")

    code = main(["run", str(polling(docs)), "--max-steps", "7", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["status"] == "failed"
    assert "step budget of 7 exhausted at step 'check'" in report["error"]
    assert len(server.requests) == 7
