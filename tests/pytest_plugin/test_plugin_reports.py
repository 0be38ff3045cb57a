"""The plugin's reports: every run of the session, written once, also under pytest-xdist."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from xml.etree.ElementTree import fromstring

import pytest

from arazzo_runner.pytest_plugin.session import dumps, loads
from tests.pytest_plugin.support import LEAK, PIN, PING, SECRET, TOKEN, USER, document, forms
from tests.reports.scenarios import failing_criterion
from tests.reports.support import Api, check_har, check_junit

REPORTS = ("junit", "json", "har", "markdown")

FIXTURE_TEST = """
from arazzo_runner.pytest_plugin import assert_succeeded

def test_through_the_fixture(arazzo_runner):
    assert_succeeded(arazzo_runner().run("flows.arazzo.yaml", "ping"))
"""


def options(directory: Path) -> list[str]:
    return [argument for kind in REPORTS for argument in (f"--arazzo-report-{kind}", str(directory / kind))]


def test_every_report_holds_every_run_of_the_session_and_the_job_summary_gets_the_markdown(
        suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    Path(suite.path, "flows.arazzo.yaml").write_text(document(PING, USER, LEAK), "utf-8")
    Path(suite.path, "flows.inputs.yaml").write_text("user: [{id: 1}, {id: 2}]\n", "utf-8")
    suite.makepyfile(test_fixture=FIXTURE_TEST)
    summary = Path(suite.path, "summary.md")
    summary.write_text("earlier step\n", "utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    result = suite.runpytest("--arazzo-auth", f"api.key={SECRET}", "--junitxml", "pytest.xml",
                             *options(suite.path / "out"))

    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines([f"*arazzo {kind} report: *{kind}*" for kind in REPORTS])
    out = suite.path / "out"
    junit = check_junit((out / "junit").read_text("utf-8"))
    assert sorted(suite.get("name") for suite in junit) == ["leak", "ping", "ping", "user [set-1]", "user [set-2]"]
    runs = json.loads((out / "json").read_text("utf-8"))["runs"]
    assert sorted((run["workflowId"], run["label"], run["status"]) for run in runs) == [
        ("leak", "", "failed"), ("ping", "", "succeeded"), ("ping", "", "succeeded"),
        ("user", "set-1", "succeeded"), ("user", "set-2", "succeeded")]
    entries = check_har(json.loads((out / "har").read_text("utf-8")))["entries"]
    assert len(entries) == 6  # ping twice, user twice, leak's two steps
    markdown = (out / "markdown").read_text("utf-8")
    assert markdown.startswith("## Arazzo workflow runs") and markdown.count("```mermaid") == 5
    assert summary.read_text("utf-8") == "earlier step\n" + markdown
    cases = fromstring(Path(suite.path, "pytest.xml").read_bytes()).iter("testcase")
    assert sorted(case.get("name", "") for case in cases) == [
        "leak", "ping", "test_through_the_fixture", "user[set-1]", "user[set-2]"]
    written = "".join(path.read_text("utf-8") for path in out.iterdir())
    assert [form for secret in (SECRET, TOKEN) for form in forms(secret) if form in written] == []


def test_a_run_refused_before_its_first_request_is_in_the_reports_with_its_reason(suite: pytest.Pytester) -> None:
    Path(suite.path, "flows.arazzo.yaml").write_text(document(USER), "utf-8")
    Path(suite.path, "flows.inputs.yaml").write_text('user: {id: "seven"}\n', "utf-8")

    result = suite.runpytest("--arazzo-report-json", "report.json")

    result.assert_outcomes(failed=1)
    [run] = json.loads(Path(suite.path, "report.json").read_text("utf-8"))["runs"]
    assert (run["workflowId"], run["status"], run["steps"]) == ("user", "failed", [])
    assert run["error"].startswith("invalid inputs; input 'id': ") and "integer" in run["error"]


def test_a_secret_input_is_masked_in_the_failure_and_in_every_report(suite: pytest.Pytester) -> None:
    pin = "9f8e/7d+6c"
    Path(suite.path, "flows.arazzo.yaml").write_text(document(PIN), "utf-8")
    Path(suite.path, "flows.inputs.yaml").write_text(f'pin: {{pin: "{pin}"}}\n', "utf-8")

    result = suite.runpytest(*options(suite.path / "out"))

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['inputs: {"pin": "[*][*][*]"} (from flows.inputs.yaml:1:1)',
                                 '*"token": "[*][*][*]", "token64": "[*][*][*]"*'])
    shown = result.stdout.str() + "".join(path.read_text("utf-8") for path in (suite.path / "out").iterdir())
    assert [form for form in forms(pin) if form in shown] == []


def test_under_xdist_the_controller_writes_each_report_once_with_every_workers_runs(
        suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    Path(suite.path, "flows.arazzo.yaml").write_text(document(PING, USER), "utf-8")
    Path(suite.path, "flows.inputs.yaml").write_text("user: users.jsonl\n", "utf-8")
    Path(suite.path, "users.jsonl").write_text("".join(f'{{"id": {n}}}\n' for n in range(1, 6)), "utf-8")
    summary = Path(suite.path, "summary.md")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    result = suite.runpytest("-n", "2", *options(suite.path / "out"))

    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*2 workers [[]6 items]*"])
    runs = json.loads((suite.path / "out" / "json").read_text("utf-8"))["runs"]
    assert sorted(run["label"] for run in runs) == ["", *(f"row-{n}" for n in range(1, 6))]
    assert len(check_junit((suite.path / "out" / "junit").read_text("utf-8"))) == 6
    assert summary.read_text("utf-8").count("## Arazzo workflow runs") == 1


def test_records_cross_to_the_controller_intact(tmp_path: Path) -> None:
    record = failing_criterion(Api(tmp_path))

    [copy] = loads(dumps([record]))

    assert copy == record
    assert isinstance(copy.inputs, MappingProxyType) and isinstance(copy.result.outputs, MappingProxyType)


def test_a_report_is_written_only_when_asked_for(suite: pytest.Pytester) -> None:
    Path(suite.path, "flows.arazzo.yaml").write_text(document(PING), "utf-8")

    result = suite.runpytest("--arazzo-report-json", "report.json")

    result.assert_outcomes(passed=1)
    assert sorted(path.name for path in suite.path.iterdir() if path.is_file()) == [
        "flows.arazzo.yaml", "openapi.yaml", "report.json", "tox.ini"]
