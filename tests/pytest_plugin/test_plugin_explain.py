"""The failure text of collected items and ``assert_succeeded``, from records of real runs (see
:mod:`tests.reports.scenarios`) against a mock transport."""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase as fnmatch
from pathlib import Path

import httpx
import pytest

from arazzo_runner.errors import Location
from arazzo_runner.events import RunResult, StepResult
from arazzo_runner.pytest_plugin.explain import EXCERPT, explain
from arazzo_runner.pytest_plugin.recording import sealed
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import RunRecord
from tests.pytest_plugin.support import forms
from tests.reports import scenarios
from tests.reports.support import SECRET, Api, answers, step, workflow


def test_a_failed_criterion_shows_the_step_the_criterion_with_actual_values_the_request_and_the_response(
        tmp_path: Path) -> None:
    record = scenarios.failing_criterion(Api(tmp_path))

    text = explain(record, Redactor(), lambda workflow_id, step_id: Location("flows.arazzo.yaml", "", 9, 7))

    assert text.splitlines() == [
        "workflow flow failed at step login",
        "flows.arazzo.yaml:9:7: step login",
        ">   $statusCode == 200",
        "E   assert 401 == 200",
        "    request:  GET https://api.test/a",
        "    response: 401 Unauthorized",
        '              {"error":"bad credentials"}',
    ]


def test_the_input_set_and_where_it_came_from_are_named(tmp_path: Path) -> None:
    api = Api(tmp_path)
    api.write([workflow("flow", [step("login", "getA")], inputs={"type": "object"})])
    record = api.run(answers(httpx.Response(500)), label="row-2", inputs={"user": "ada"})

    text = explain(record, Redactor(), origin="users.csv:3")

    assert text.splitlines()[:2] == ["workflow flow [row-2] failed at step login",
                                     'inputs: {"user": "ada"} (from users.csv:3)']


def test_a_step_inside_a_sub_workflow_is_named_with_the_step_that_called_it(tmp_path: Path) -> None:
    api = Api(tmp_path)
    api.write([workflow("flow", [{"stepId": "call", "workflowId": "child"}]),
               workflow("child", [step("inner", "getC")])])
    record = api.run(answers(httpx.Response(500, text="down")))

    lines = explain(record, Redactor()).splitlines()

    assert lines[:4] == ["workflow flow failed at step inner",
                         "step inner of workflow child called by step call of workflow flow",
                         ">   $statusCode == 200", "E   assert 500 == 200"]
    assert lines[-2:] == ["    response: 500 Internal Server Error", "              down"]


@pytest.mark.parametrize(("scenario", "expected"), [
    pytest.param(scenarios.transport_error, ["workflow flow failed at step fetch", "step fetch",
                                             "E   GET https://api.test/a: cannot connect: connection refused",
                                             "    request:  GET https://api.test/a"], id="no-response"),
    pytest.param(scenarios.step_budget, ["workflow flow failed", "E   step budget of 2 exhausted at step 'spin' "
                                         "(a goto loop or retries that never settle?)"], id="budget"),
    pytest.param(scenarios.depth_limit, ["workflow flow failed at step call", "step call",
                                         "E   the run stopped during this step: *"], id="stopped"),
])
def test_failures_without_a_criterion_are_one_e_line_with_their_reason(
        tmp_path: Path, scenario: Callable[[Api], RunRecord], expected: list[str]) -> None:
    lines = explain(scenario(Api(tmp_path)), Redactor()).splitlines()

    assert len(lines) == len(expected) and all(fnmatch(line, want) for line, want in zip(lines, expected, strict=True))


def test_an_ended_workflow_says_so(tmp_path: Path) -> None:
    assert explain(scenarios.ended(Api(tmp_path)), Redactor()).startswith("workflow flow ended at step fetch\n")


def test_no_secret_survives_in_the_request_line_the_body_or_a_body_cut_through_it(tmp_path: Path) -> None:
    api = Api(tmp_path, secured=True)
    api.write([workflow("flow", [step("login", "getA")])])
    body = "x" * (EXCERPT - 5) + SECRET + " and " + "".join(forms(SECRET))
    record = api.run(answers(httpx.Response(401, text=body)))

    text = explain(record, api.redactor)

    assert "request:  GET https://api.test/a?apiKey=***" in text
    assert "xxx***" in text
    assert [form for form in forms(SECRET) if form in text] == []
    assert SECRET[:4] not in text


def test_secrets_a_record_carries_are_masked_too(tmp_path: Path) -> None:
    api = Api(tmp_path)
    api.write([workflow("flow", [step("login", "getA")])])
    record = sealed(api.run(answers(httpx.Response(401, text="password hunter2-long"))), ["hunter2-long"])

    assert "hunter2" not in explain(record, Redactor())


def test_a_result_without_events_is_explained_from_its_failed_step() -> None:
    failed = StepResult("login", "flow", "failed", 1, None, 503, {}, 3.0, error="success criterion not met: x")
    result = RunResult("flow", "failed", {}, (failed,), failed_step="login")

    text = explain(RunRecord("", "flow", "", {}, result, (), 0.0), Redactor())

    assert text.splitlines() == ["workflow flow failed at step login", "step login",
                                 "E   success criterion not met: x", "    response: 503 Service Unavailable"]


def test_terminal_controls_from_a_response_are_shown_escaped(tmp_path: Path) -> None:
    api = Api(tmp_path)
    api.write([workflow("flow", [step("login", "getA")])])
    record = api.run(answers(httpx.Response(500, text="\x1b[31mred")))

    text = explain(record, Redactor())

    assert "\x1b" not in text and "\\x1b[31mred" in text
