"""What ``arazzo-runner run`` prints: a line per step then the outputs (text), or one JSON document (json)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, param, step
from recording_server import RecordingServer, Reply

from arazzo_runner.cli import main

STEP_LINE = re.compile(r"^(?P<mark>ok  |FAIL) (?P<step>\S+)\s+(?P<method>[A-Z]+) (?P<url>\S+) -> (?P<code>\d+|-) "
                       r"\((?P<ms>\d+) ms\)(?P<retries> after \d+ attempts)?$")


def pets(docs: Documents, server: RecordingServer, fetched: Reply) -> Path:
    """``create`` (POST /pets) then ``fetch`` (GET /pets/{id}, must answer 200) with workflow outputs."""
    server.reply(Reply(body={"id": 7}), path="/pets")
    server.reply(fetched, path="/pets/7")
    paths = {"/pets": {"post": operation("createPet", requestBody=json_body())},
             "/pets/{id}": {"get": operation("getPet", parameters=[param("id", "path")])}}
    steps = [step("create", "createPet", requestBody={"payload": {"name": "$inputs.name"}},
                  outputs={"id": "$response.body#/id"}),
             step("fetch", "getPet", parameters=[{"name": "id", "in": "path", "value": "$steps.create.outputs.id"}],
                  successCriteria=[{"condition": "$statusCode == 200"}],
                  outputs={"name": "$response.body#/name"})]
    return docs.flow(paths, steps, outputs={"id": "$steps.create.outputs.id", "name": "$steps.fetch.outputs.name"})


def outputs_block(lines: list[str]) -> object:
    """The JSON printed, indented, after the ``outputs:`` line."""
    start = lines.index("outputs:")
    return json.loads("\n".join(line[2:] for line in lines[start + 1:]))


def test_text_report_has_a_line_per_step_then_the_outputs(docs: Documents, server: RecordingServer,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    document = pets(docs, server, Reply(body={"id": 7, "name": "Rex"}))

    code = main(["run", str(document), "--workflow", WORKFLOW, "--input", "name=Rex"])

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0
    first, second = (STEP_LINE.match(line) for line in lines[:2])
    assert first is not None and second is not None, lines
    assert (first["mark"], first["step"], first["method"], first["url"], first["code"]) == (
        "ok  ", "create", "POST", f"{server.url}/pets", "200")
    assert (second["mark"], second["step"], second["method"], second["url"], second["code"]) == (
        "ok  ", "fetch", "GET", f"{server.url}/pets/7", "200")
    assert re.fullmatch(r"workflow flow: succeeded in \d+ ms", lines[2])
    assert outputs_block(lines) == {"id": 7, "name": "Rex"}
    assert err == ""


def test_text_report_of_a_failed_step_shows_its_error_and_the_run_error(docs: Documents, server: RecordingServer,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    document = pets(docs, server, Reply(status=404, body={"error": "no pet 7"}))

    code = main(["run", str(document), "--input", "name=Rex"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    failed = STEP_LINE.match(lines[1])
    assert failed is not None and (failed["mark"], failed["step"], failed["code"]) == ("FAIL", "fetch", "404")
    detail = 'success criterion not met: $statusCode == 200; HTTP 404: {"error": "no pet 7"}'
    assert lines[2] == f"     {detail}"
    assert re.fullmatch(r"workflow flow: failed in \d+ ms", lines[3])
    assert lines[4] == f"  error: step 'fetch' failed: {detail}"
    assert outputs_block(lines) == {"id": 7}


def test_text_report_counts_attempts_of_a_retried_step(docs: Documents, server: RecordingServer,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Reply(status=503, headers={"Retry-After": "0"}), Reply())
    document = docs.flow({"/items": {"get": operation("list")}},
                         [step("list", "list", successCriteria=[{"condition": "$statusCode == 200"}],
                               onFailure=[{"name": "again", "type": "retry", "retryLimit": 3}])])

    code = main(["run", str(document)])

    line = STEP_LINE.match(capsys.readouterr().out.splitlines()[0])
    assert code == 0
    assert line is not None and line["retries"] == " after 2 attempts"


def test_warnings_go_to_stderr_naming_workflow_and_step(docs: Documents, server: RecordingServer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    document = docs.flow({"/items": {"get": operation("list", security=[{"key": []}])}}, [step("list", "list")],
                         api_components={"securitySchemes": {"key": {"type": "apiKey", "in": "header",
                                                                      "name": "X-Key"}}})

    code = main(["run", str(document), "--format", "json"])

    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines() == ["warning: flow/list: no credentials configured for api.key: request sent without "
                                "them (set --auth api.key=... or ARAZZO_AUTH_API_KEY)"]
    warnings = json.loads(out)["steps"][0]["warnings"]
    assert warnings == ["no credentials configured for api.key: request sent without them"]
    assert server.last.header("x-key") is None


STEP_KEYS = {"stepId", "workflowId", "status", "attempts", "request", "statusCode", "outputs", "durationMs", "error"}


def test_json_report_of_a_successful_run(docs: Documents, server: RecordingServer,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    document = pets(docs, server, Reply(body={"id": 7, "name": "Rex"}))

    code = main(["run", str(document), "--input", "name=Rex", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(report) == {"workflowId", "status", "outputs", "steps", "error", "durationMs"}
    assert (report["workflowId"], report["status"], report["error"]) == ("flow", "succeeded", None)
    assert report["outputs"] == {"id": 7, "name": "Rex"}
    create, fetch = report["steps"]
    assert set(create) == STEP_KEYS and set(fetch) == STEP_KEYS
    assert create["request"] == {"method": "POST", "url": f"{server.url}/pets"}
    assert fetch["request"] == {"method": "GET", "url": f"{server.url}/pets/7"}
    assert [(s["stepId"], s["workflowId"], s["status"], s["attempts"], s["statusCode"], s["error"])
            for s in report["steps"]] == [("create", "flow", "succeeded", 1, 200, None),
                                          ("fetch", "flow", "succeeded", 1, 200, None)]
    assert (create["outputs"], fetch["outputs"]) == ({"id": 7}, {"name": "Rex"})
    assert all(isinstance(s["durationMs"], int | float) and s["durationMs"] >= 0 for s in report["steps"])
    assert isinstance(report["durationMs"], int | float)


def test_json_report_of_a_failed_run(docs: Documents, server: RecordingServer,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    document = pets(docs, server, Reply(status=500, body="boom"))

    code = main(["run", str(document), "--input", "name=Rex", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (report["status"], report["failedStep"]) == ("failed", "fetch")
    detail = "success criterion not met: $statusCode == 200; HTTP 500: boom"
    assert report["error"] == f"step 'fetch' failed: {detail}"
    fetch = report["steps"][1]
    assert (fetch["status"], fetch["statusCode"], fetch["error"], fetch["outputs"]) == ("failed", 500, detail, {})
    assert report["outputs"] == {"id": 7}


def test_cli_never_raises_for_a_header_value_httpx_cannot_encode(docs: Documents, server: RecordingServer,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    document = docs.flow({"/items": {"get": operation("list", parameters=[param("X-Name", "header")])}},
                         [step("list", "list", parameters=[{"name": "X-Name", "in": "header",
                                                            "value": "$inputs.name"}])])

    code = main(["run", str(document), "--input", "name=José"])

    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in out + err
