"""The two seed workflows, run by the engine over real loopback HTTP against the Mixpanel stand-in.

Each test starts its own stand-in (uvicorn on 127.0.0.1, port 0) and stops it afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mixpanel_standin import StandinApp, StandinConfig, create_app
from mixpanel_standin.server import serve_in_thread

from arazzo_runner import InputError, Runner
from arazzo_runner.cli import main

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
TRACK = WORKFLOWS / "mixpanel-track-and-segment.arazzo.yaml"
IDENTITY = WORKFLOWS / "mixpanel-identity-resolve-and-track.arazzo.yaml"
TODAY = datetime.now(UTC).date().isoformat()
SERVICE_ACCOUNT = "demo-sa:demo-secret"


class Standin:
    """A running stand-in: its app (for request counts) and base URL."""

    def __init__(self, app: StandinApp, base: str) -> None:
        self.app = app
        self.base = base

    @property
    def servers(self) -> dict[str, str]:
        """Base URLs of every source description the seed workflows use."""
        return {"ingestionApi": self.base, "identityApi": self.base, "queryApi": f"{self.base}/api/query"}

    def cli_servers(self, *names: str) -> list[str]:
        return [arg for name, url in self.servers.items() if not names or name in names
                for arg in ("--server", f"{name}={url}")]


@pytest.fixture
def standin() -> Iterator[Standin]:
    app = create_app(StandinConfig())
    with serve_in_thread(app) as base:
        yield Standin(app, base)
    app.close()


def example_inputs(document: Path, **overrides: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = json.loads(document.with_name(document.name.replace(".arazzo.yaml", ".inputs.json"))
                                        .read_text("utf-8"))
    return {**inputs, "fromDate": TODAY, "toDate": TODAY, **overrides}


def runner(standin: Standin, secret: str = SERVICE_ACCOUNT) -> Runner:
    # One mapping for both workflows, as a suite serving several documents would have it.
    return Runner(servers=standin.servers, auth={"queryApi.serviceAccount": secret}, environ={},
                  unknown_servers="ignore")


def test_track_and_segment_counts_the_tracked_event_for_today(standin: Standin) -> None:
    result = runner(standin).run(TRACK, inputs=example_inputs(TRACK))

    assert result.status == "succeeded"
    assert result.outputs["ingestStatus"] == 1
    assert result.outputs["series"] == [TODAY]
    assert result.outputs["values"] == {"user-42": {TODAY: 1}}


def test_track_and_segment_without_segment_property_omits_the_on_parameter(standin: Standin) -> None:
    inputs = example_inputs(TRACK)
    del inputs["segmentOn"]

    result = runner(standin).run(TRACK, inputs=inputs)

    assert result.status == "succeeded"
    assert result.outputs["values"] == {"Signed Up": {TODAY: 1}}
    segment = result.step("segmentEvent")
    assert segment is not None and segment.request is not None
    assert "on=" not in segment.request.url
    assert any("parameter 'on' omitted" in w for w in segment.warnings)


def test_identity_workflow_counts_anonymous_and_identified_events_as_one_user(standin: Standin) -> None:
    inputs = example_inputs(IDENTITY)
    run = runner(standin)
    before_login = example_inputs(TRACK, distinctId=inputs["anonId"], eventName=inputs["eventName"])
    del before_login["segmentOn"]
    anonymous = run.run(TRACK, inputs=before_login)
    assert anonymous.status == "succeeded"
    assert anonymous.outputs["values"] == {inputs["eventName"]: {TODAY: 1}}

    result = run.run(IDENTITY, inputs=inputs)

    assert result.status == "succeeded"
    assert result.outputs["identityStatus"] == 1
    assert result.outputs["trackStatus"] == 1
    assert result.outputs["values"] == {inputs["eventName"]: {TODAY: 1}}


def test_wrong_service_account_secret_fails_segment_event_with_401(standin: Standin,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(IDENTITY), "--inputs", str(IDENTITY.with_name(
        "mixpanel-identity-resolve-and-track.inputs.json")), "--input", f"fromDate={TODAY}", "--input",
        f"toDate={TODAY}", *standin.cli_servers(), "--auth", "queryApi.serviceAccount=demo-sa:wrong",
        "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["status"] == "failed"
    segment = [s for s in report["steps"] if s["stepId"] == "segmentEvent"][0]
    assert segment["statusCode"] == 401
    assert "HTTP 401" in segment["error"] and "Invalid credentials" in segment["error"]
    assert "wrong" not in json.dumps(report)


def test_missing_required_input_exits_2_naming_it_and_sends_nothing(standin: Standin,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inputs = example_inputs(TRACK)
    del inputs["projectToken"]

    code = main(["run", str(TRACK), "--inputs", json.dumps(inputs), *standin.cli_servers("ingestionApi", "queryApi")])

    err = capsys.readouterr().err
    assert code == 2
    assert "input 'projectToken': is required but was not supplied" in err
    assert standin.app.request_count == 0


def test_missing_required_input_raises_input_error_from_the_api(standin: Standin) -> None:
    inputs = example_inputs(TRACK)
    del inputs["eventName"]

    with pytest.raises(InputError) as raised:
        runner(standin).run(TRACK, inputs=inputs)

    assert [p.name for p in raised.value.problems] == ["eventName"]
    assert standin.app.request_count == 0


def test_empty_token_is_accepted_by_http_status_but_visible_as_status_0(standin: Standin) -> None:
    result = runner(standin).run(TRACK, inputs=example_inputs(TRACK, projectToken=""))

    # The seed's criteria only check the HTTP status, so the step passes...
    assert result.step("trackEvent") is not None and result.step("trackEvent").status == "succeeded"  # type: ignore[union-attr]
    # ...but Mixpanel's verdict is in the outputs.
    assert result.outputs["ingestStatus"] == 0


def test_stricter_criterion_catches_the_rejected_event(standin: Standin, tmp_path: Path) -> None:
    strict = TRACK.read_text("utf-8").replace(
        "    - condition: $statusCode == 200\n    outputs:\n      ingestStatus",
        "    - condition: $statusCode == 200 && $response.body#/status == 1\n    outputs:\n      ingestStatus", 1)
    assert strict != TRACK.read_text("utf-8")
    document = tmp_path / "workflows" / "strict.arazzo.yaml"
    document.parent.mkdir()
    document.write_text(strict.replace("../specs/", f"{ROOT / 'specs'}/"), "utf-8")

    result = runner(standin).run(document, inputs=example_inputs(TRACK, projectToken=""))

    assert result.status == "failed"
    assert result.failed_step == "trackEvent"
    assert "$response.body#/status == 1" in (result.error or "")


def test_seed_workflows_validate_with_only_the_unqualified_operation_id_warnings(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--format", "json", str(TRACK), str(IDENTITY)])

    assert code == 0
    files = json.loads(capsys.readouterr().out)["files"]
    found = [(d["rule"], d["severity"], d["fix"]["new"]) for f in files for d in f["diagnostics"]]
    assert found == [("unqualified-operation-id", "warning", "$sourceDescriptions.ingestionApi.trackEvent"),
                     ("unqualified-operation-id", "warning", "$sourceDescriptions.queryApi.querySegmentation"),
                     ("unqualified-operation-id", "warning", "$sourceDescriptions.identityApi.createIdentity"),
                     ("unqualified-operation-id", "warning", "$sourceDescriptions.ingestionApi.trackEvent"),
                     ("unqualified-operation-id", "warning", "$sourceDescriptions.queryApi.querySegmentation")]


def test_seed_workflows_are_refused_under_strict_validation(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--strict", str(TRACK)])

    assert code == 1
    assert capsys.readouterr().out.strip().endswith("1 file checked: 2 errors, 0 warnings")


def test_demo_script_runs_both_workflows_and_prints_their_outputs() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "standin" / "demo.py")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "workflow track-and-segment: succeeded" in done.stdout
    assert "workflow identity-resolve-and-track: succeeded" in done.stdout
    assert f'"{TODAY}": 1' in done.stdout
    assert "showcase: both workflows succeeded" in done.stdout
    assert "Traceback" not in done.stderr


def test_server_for_a_source_the_workflow_does_not_use_is_a_usage_error(
        standin: Standin, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(TRACK), "--inputs", json.dumps(example_inputs(TRACK)), *standin.cli_servers(),
                 "--server", "ingestApi=http://127.0.0.1:9"])

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: server URL(s) given for unknown source description(s) identityApi, ingestApi; "
        "the workflow uses: ingestionApi, queryApi")
    assert standin.app.request_count == 0


def test_a_hundred_input_rows_at_concurrency_ten_give_a_hundred_runs_one_summary_and_junit_suites(
        standin: Standin, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import xml.etree.ElementTree as ET

    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["distinctId", "projectId"])
        writer.writerows([f"user-{n}", "123456"] for n in range(100))
    junit = tmp_path / "junit.xml"
    inputs = json.dumps(example_inputs(TRACK))

    code = main(["run", str(TRACK), "--inputs", inputs, "--inputs-file", str(rows), "--concurrency", "10",
                 *standin.cli_servers("ingestionApi", "queryApi"),
                 "--auth", f"queryApi.serviceAccount={SERVICE_ACCOUNT}", "--report-junit", str(junit)])

    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert out.count("summary:") == 1
    assert out.splitlines()[-1].startswith("100 runs: 100 succeeded in ")
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert len(suites) == 100
    assert {suite.get("failures") for suite in suites} == {"0"}
    assert standin.app.request_count == 200  # each run: one track, one segmentation


SEED_VERSIONS = [(TRACK, WORKFLOWS / "mixpanel-track-and-segment.arazzo-1.1.yaml"),
                 (IDENTITY, WORKFLOWS / "mixpanel-identity-resolve-and-track.arazzo-1.1.yaml")]


@pytest.mark.parametrize(("seed", "upgraded"), SEED_VERSIONS, ids=["track-and-segment", "identity-resolve-and-track"])
def test_the_arazzo_1_1_version_of_a_seed_gives_the_same_outputs(seed: Path, upgraded: Path) -> None:
    outputs = []
    for document in (seed, upgraded):
        app = create_app(StandinConfig())  # a fresh stand-in each: the same counts
        with serve_in_thread(app) as base:
            result = runner(Standin(app, base)).run(document, inputs=example_inputs(seed))
        app.close()
        assert result.status == "succeeded", result.error
        outputs.append(dict(result.outputs))

    assert outputs[0] == outputs[1]


def test_fix_to_1_1_upgrades_a_seed_to_a_document_that_validates_as_1_1(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "workflows" / TRACK.name
    copy.parent.mkdir()
    copy.write_text(TRACK.read_text("utf-8"), "utf-8")
    (tmp_path / "specs").mkdir()
    for spec in (ROOT / "specs").iterdir():
        (tmp_path / "specs" / spec.name).write_text(spec.read_text("utf-8"), "utf-8")

    code = main(["fix", "--to", "1.1", str(copy)])

    out, _ = capsys.readouterr()
    assert code == 0
    assert out == f"{copy}: fixed 1 form (upgraded to Arazzo 1.1.0)\n"
    text = copy.read_text("utf-8")
    assert text.startswith("arazzo: 1.1.0\n") and text.split("\n", 1)[1] == TRACK.read_text("utf-8").split("\n", 1)[1]
    assert main(["validate", str(copy)]) == 0
