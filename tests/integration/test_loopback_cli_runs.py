"""``arazzo-runner run`` with several runs: input rows, several documents and workflows, concurrency,
``--fail-fast``, the summary, reports, ``--dry-run``; and ``list``, ``show``, ``--version``."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, param, step
from recording_server import Received, RecordingServer, Reply

from arazzo_runner.cli import main

INPUTS_SCHEMA = {"type": "object", "required": ["id"],
                 "properties": {"id": {"type": "integer"}, "name": {"type": "string", "default": "anon"}}}


def items(docs: Documents, **workflow: Any) -> Path:
    """One workflow: POST /items {id, name}, which must answer 201."""
    paths = {"/items": {"post": operation("create", requestBody=json_body())}}
    steps = [step("create", "create", requestBody={"payload": {"id": "$inputs.id", "name": "$inputs.name"}},
                  successCriteria=[{"condition": "$statusCode == 201"}], outputs={"id": "$response.body#/id"})]
    return docs.flow(paths, steps, inputs=INPUTS_SCHEMA, outputs={"id": "$steps.create.outputs.id"}, **workflow)


def created(request: Received) -> Reply:
    """201 with the id sent, except for id 13, which the server refuses."""
    sent = request.json()
    return Reply(422 if sent["id"] == 13 else 201, {"id": sent["id"]})


def rows(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def run(*args: str) -> int:
    return main(["run", *args])


def test_each_csv_row_is_a_run_typed_by_the_inputs_schema_then_a_summary(
        docs: Documents, server: RecordingServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(created)
    document = items(docs)

    code = run(str(document), "--inputs-file", rows(tmp_path, "rows.csv", "id,name\n1,Ann\n2,\n3,Cy\n"))

    out, err = capsys.readouterr()
    assert code == 0, err
    assert [r.json() for r in server.requests] == [{"id": 1, "name": "Ann"}, {"id": 2, "name": "anon"},
                                                   {"id": 3, "name": "Cy"}]
    assert [line for line in out.splitlines() if line.startswith("== ")] == [
        f"== {document}::{WORKFLOW}[row-{n}]" for n in (1, 2, 3)]
    summary = out[out.index("summary:"):].splitlines()
    assert [line.split()[0] for line in summary[1:4]] == ["succeeded"] * 3
    assert re.fullmatch(r"3 runs: 3 succeeded in \d+\.\d s", summary[-1])


def test_a_failing_row_fails_the_command_and_the_summary_says_why(
        docs: Documents, server: RecordingServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(created)

    code = run(str(items(docs)), "--inputs-file", rows(tmp_path, "rows.jsonl", '{"id": 1}\n{"id": 13}\n{"id": 3}\n'))

    out, _ = capsys.readouterr()
    assert code == 1
    assert len(server.requests) == 3
    summary = out[out.index("summary:"):]
    assert "failed" in summary and "step 'create' failed: success criterion not met: $statusCode == 201" in summary
    assert summary.splitlines()[-1].startswith("3 runs: 2 succeeded, 1 failed in ")


def test_fail_fast_starts_no_run_after_the_first_failure(
        docs: Documents, server: RecordingServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(created)

    code = run(str(items(docs)), "--fail-fast",
               "--inputs-file", rows(tmp_path, "rows.jsonl", '{"id": 13}\n{"id": 2}\n{"id": 3}\n'))

    out, _ = capsys.readouterr()
    assert code == 1
    assert len(server.requests) == 1
    assert out.splitlines()[-1].startswith("3 runs: 1 failed, 2 skipped in ")


def test_concurrent_runs_print_one_line_each_and_keep_the_order_asked_for_in_the_summary(
        docs: Documents, server: RecordingServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(created)
    lines = "".join(f'{{"id": {n}}}\n' for n in range(1, 7))

    code = run(str(items(docs)), "--concurrency", "3", "--inputs-file", rows(tmp_path, "rows.jsonl", lines))

    out, _ = capsys.readouterr()
    assert code == 0
    assert sorted(r.json()["id"] for r in server.requests) == [1, 2, 3, 4, 5, 6]
    assert len([line for line in out.splitlines() if line.startswith("ok   ")]) == 6
    summary = out[out.index("summary:"):].splitlines()[1:7]
    assert [line.rsplit("[", 1)[1] for line in summary] == [f"row-{n}]" for n in range(1, 7)]


def test_all_workflows_and_several_documents_run_each_and_an_invalid_one_is_not_run(
        docs: Documents, server: RecordingServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Reply(201, {"id": 5}))
    document = items(docs)
    data = json.loads(json.dumps(docs.directory.joinpath("arazzo.yaml").read_text("utf-8")))
    assert data  # the file exists; write a second document with two workflows next to it
    paths = {"/items": {"post": operation("create", requestBody=json_body())}}
    docs.openapi(paths)
    two = docs.arazzo([{"workflowId": "first", "steps": [step("a", "create")]},
                       {"workflowId": "second", "steps": [step("b", "create")]}], name="two.arazzo.yaml")
    broken = docs.write("broken.arazzo.yaml", {"arazzo": "1.0.1", "info": {"title": "x"}})

    code = run(str(two), str(broken), "--all-workflows", "--format", "json")

    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1
    assert [(r["workflowId"], r["status"]) for r in report["runs"]] == [("first", "succeeded"),
                                                                       ("second", "succeeded"),
                                                                       (None, "not run")]
    assert report["summary"] == {"runs": 3, "succeeded": 2, "failed": 0, "ended": 0, "notRun": 1, "skipped": 0,
                                 "durationMs": report["summary"]["durationMs"]}
    assert report["runs"][2]["notRun"]["reason"] == "document"
    assert f"not run: {broken}::(only workflow)" in err
    assert document.exists()


def test_reports_are_written_and_the_markdown_summary_is_appended_for_github(
        docs: Documents, server: RecordingServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(created)
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n", "utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    out_dir = tmp_path / "reports"

    code = run(str(items(docs)), "--inputs-file", rows(tmp_path, "rows.jsonl", '{"id": 1}\n{"id": 13}\n'),
               "--report-junit", str(out_dir / "junit.xml"), "--report-json", str(out_dir / "run.json"),
               "--report-har", str(out_dir / "run.har"), "--report-markdown", str(out_dir / "run.md"))

    capsys.readouterr()
    assert code == 1
    suites = ET.parse(out_dir / "junit.xml").getroot().findall("testsuite")
    assert [(s.get("tests"), s.get("failures")) for s in suites] == [("1", "0"), ("1", "1")]
    assert len(json.loads((out_dir / "run.json").read_text("utf-8"))["runs"]) == 2
    assert len(json.loads((out_dir / "run.har").read_text("utf-8"))["log"]["entries"]) == 2
    markdown = (out_dir / "run.md").read_text("utf-8")
    assert "```mermaid" in markdown
    assert step_summary.read_text("utf-8") == "earlier step\n" + markdown


def test_a_report_that_cannot_be_written_is_an_error_after_the_runs(
        docs: Documents, server: RecordingServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(created)
    (tmp_path / "taken").write_text("a file, not a directory", "utf-8")

    code = run(str(items(docs)), "--input", "id=1", "--report-junit", str(tmp_path / "taken" / "junit.xml"))

    _, err = capsys.readouterr()
    assert code == 2
    assert len(server.requests) == 1
    assert "error: cannot write a report:" in err


def test_dry_run_sends_nothing_and_resolves_what_the_inputs_decide(
        docs: Documents, server: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    paths = {"/items/{id}": {"get": operation("fetch", parameters=[param("id", "path"), param("q", "query")])},
             "/items": {"post": operation("create", requestBody=json_body())}}
    steps = [step("create", "create", requestBody={"payload": {"id": "$inputs.id", "password": "$inputs.name"}},
                  outputs={"id": "$response.body#/id"}),
             step("fetch", "fetch", parameters=[{"name": "id", "in": "path", "value": "$inputs.id"},
                                                {"name": "q", "in": "query", "value": "$steps.create.outputs.id"}],
                  successCriteria=[{"condition": "$statusCode == 200"}])]
    document = docs.flow(paths, steps, inputs=INPUTS_SCHEMA)

    code = run(str(document), "--input", "id=7", "--input", "name=hunter2-secret", "--dry-run")

    out, _ = capsys.readouterr()
    assert code == 0
    assert server.requests == []
    assert f"  create: POST {server.url}/items" in out
    assert '      body (application/json): {"id":7,"password":"***"}' in out
    assert f"  fetch: GET {server.url}/items/7" in out
    assert "      query q = $steps.create.outputs.id  (known at run time)" in out
    assert "      success when $statusCode == 200" in out
    assert "hunter2-secret" not in out


def test_dry_run_of_a_document_that_cannot_be_planned_is_not_run(docs: Documents, server: RecordingServer,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    document = docs.flow({"/items": {"get": operation("list")}}, [step("s", "missing")])

    code = run(str(document), "--dry-run", "--format", "json")

    out, err = capsys.readouterr()
    assert code == 2
    assert json.loads(out)["runs"][0]["notRun"]["reason"] == "document"
    assert "unknown-operation-id" in err or "missing" in err


def test_verbose_shows_each_exchange_with_credentials_masked_and_quiet_only_the_end(
        docs: Documents, server: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Reply(201, {"id": 1, "note": "hello"}))
    paths = {"/items": {"post": operation("create", requestBody=json_body(), security=[{"bearer": []}])}}
    steps = [step("create", "create", requestBody={"payload": {"id": "$inputs.id"}})]
    document = docs.flow(paths, steps, inputs=INPUTS_SCHEMA,
                         api_components={"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}})

    verbose = run(str(document), "--input", "id=1", "--auth", "api.bearer=tok-SECRET-1", "--verbose")
    loud, _ = capsys.readouterr()
    quiet = run(str(document), "--input", "id=1", "--auth", "api.bearer=tok-SECRET-1", "--quiet")
    hushed, _ = capsys.readouterr()

    assert verbose == quiet == 0
    assert f"     > POST {server.url}/items" in loud
    assert "     > authorization: ***" in loud
    assert '     > {"id":1}' in loud
    assert "     < 201 (" in loud and '     < {"id": 1, "note": "hello"}' in loud
    assert "tok-SECRET-1" not in loud + hushed
    assert "ok   create" not in hushed and hushed.startswith("workflow flow: succeeded in ")


def test_no_mask_reveals_secrets_and_says_so(docs: Documents, server: RecordingServer,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    paths = {"/items": {"get": operation("list", security=[{"key": []}])}}
    document = docs.flow(paths, [step("list", "list")],
                         api_components={"securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "k"}}})

    code = run(str(document), "--auth", "api.key=k-SECRET-2", "--no-mask")

    out, err = capsys.readouterr()
    assert code == 0
    assert "k=k-SECRET-2" in out
    assert "warning: --no-mask: secrets (credentials, tokens, passwords) are shown as they are" in err


def test_a_long_retry_wait_is_told(docs: Documents, server: RecordingServer, sleeps: list[float],
                                   capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    server.reply(Reply(503, {}, headers={"Retry-After": "2"}), Reply(200, {}))
    monkeypatch.setattr("time.sleep", sleeps.append)
    steps = [step("list", "list", successCriteria=[{"condition": "$statusCode == 200"}],
                  onFailure=[{"name": "again", "type": "retry", "retryLimit": 1}])]
    document = docs.flow({"/items": {"get": operation("list")}}, steps)

    code = run(str(document))

    _, err = capsys.readouterr()
    assert code == 0
    assert sleeps == [2.0]
    assert "waiting 2 s before retrying flow/list" in err


def test_list_shows_workflows_and_their_inputs(docs: Documents, server: RecordingServer,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    document = items(docs, summary="Create an item")

    text_code = main(["list", str(document)])
    text, _ = capsys.readouterr()
    json_code = main(["list", str(document), "--format", "json"])
    data = json.loads(capsys.readouterr().out)

    assert text_code == json_code == 0
    assert text.splitlines() == [f"{document} (Loopback workflows)", f"  {WORKFLOW} - Create an item",
                                 "      id                   integer    required",
                                 '      name                 string     optional, default "anon"']
    assert data["documents"][0]["workflows"][0]["inputs"] == [
        {"name": "id", "type": "integer", "required": True, "description": None},
        {"name": "name", "type": "string", "required": False, "description": None, "default": "anon"}]


def test_show_prints_the_plan_of_a_workflow(docs: Documents, server: RecordingServer,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    paths = {"/items": {"post": operation("create", requestBody=json_body())}}
    steps = [step("create", "create", requestBody={"payload": {"id": "$inputs.id"}},
                  successCriteria=[{"condition": "$statusCode == 201"}],
                  onFailure=[{"name": "again", "type": "retry", "retryAfter": 1, "retryLimit": 2}],
                  outputs={"id": "$response.body#/id"})]
    document = docs.flow(paths, steps, inputs=INPUTS_SCHEMA)

    code = main(["show", str(document)])

    out, _ = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [
        f"workflow {WORKFLOW}",
        f"  1. create: POST {server.url}/items  (api: create)",
        "       body: application/json",
        "       success when $statusCode == 201",
        "       on failure: retry 'again' (up to 2 times, 1 s apart)",
        "       output id = $response.body#/id",
    ]


def test_show_of_a_broken_document_names_its_problems(docs: Documents, server: RecordingServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    document = docs.flow({"/items": {"get": operation("list")}}, [step("s", "missing")])

    code = main(["show", str(document)])

    _, err = capsys.readouterr()
    assert code == 2
    assert "[unknown-operation-id]" in err and "not shown: the document has 1 problem(s)" in err


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])

    assert exit_.value.code == 0
    assert re.fullmatch(r"arazzo-runner \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


BAD_ARGUMENTS = [
    pytest.param(["--concurrency", "0"], "--concurrency must be at least 1, got 0", id="zero-concurrency"),
    pytest.param(["--inputs-file", "nowhere.csv"], "cannot read inputs file nowhere.csv", id="missing-rows-file"),
    pytest.param(["--workflow", "a", "--all-workflows"], "not allowed with argument", id="workflow-and-all"),
    pytest.param(["--verbose", "--quiet"], "not allowed with argument", id="verbose-and-quiet"),
]


@pytest.mark.parametrize(("arguments", "message"), BAD_ARGUMENTS)
def test_bad_run_arguments_are_usage_errors(docs: Documents, server: RecordingServer, arguments: list[str],
                                            message: str, capsys: pytest.CaptureFixture[str]) -> None:
    document = items(docs)

    try:
        code = run(str(document), *arguments)
    except SystemExit as exit_:
        code = int(str(exit_.code))

    _, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert server.requests == []
