"""``arazzo-runner validate``: text and JSON output, exit codes, several paths, ``--schema-only``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from arazzo_runner.cli import main
from tests.validate.support import PETS_OPENAPI, write

VALID = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
workflows:
  - workflowId: main
    steps:
      - stepId: list
        operationId: listPets
"""

BROKEN = VALID.replace("operationId: listPets", "operationId: listCats")
WARNING_ONLY = VALID + """\
      - stepId: get
        operationId: getPet
        parameters:
          - name: id
            in: path
            value: $steps.later.outputs.id
      - stepId: later
        operationId: listPets
        outputs:
          id: $response.body#/0/id
"""
MALFORMED = "arazzo: 1.0.1\ninfo:\n  title: Pets: more\n"

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<message>.+) "
                  r"\[(?P<rule>[a-z0-9-]+)\]$")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the OpenAPI description and one document of each kind."""
    write(tmp_path, {"api.yaml": PETS_OPENAPI, "valid.arazzo.yaml": VALID, "broken.arazzo.yaml": BROKEN,
                     "warning.arazzo.yaml": WARNING_ONLY, "malformed.arazzo.yaml": MALFORMED})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["validate", *argv])
    return code, capsys.readouterr().out.splitlines()


# --- text output and exit codes --------------------------------------------------------------------------------

def test_valid_document_exits_0_with_only_the_summary(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "valid.arazzo.yaml") == (0, ["1 file checked: 0 errors, 0 warnings"])


def test_problem_is_printed_as_path_line_column_severity_message_rule(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "broken.arazzo.yaml")

    assert code == 1
    assert lines == [
        "broken.arazzo.yaml:12:9: error: step 'list': operationId 'listCats' not found (searched: api) "
        "[unknown-operation-id]",
        "1 file checked: 1 error, 0 warnings",
    ]
    match = LINE.match(lines[0])
    assert match is not None
    assert match.group("path", "line", "column", "severity", "rule") == (
        "broken.arazzo.yaml", "12", "9", "error", "unknown-operation-id")


def test_warnings_alone_exit_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "warning.arazzo.yaml")

    assert code == 0
    assert len(lines) == 2
    match = LINE.match(lines[0])
    assert match is not None
    assert match.group("line", "column", "severity", "rule") == ("18", "13", "warning", "forward-step-reference")
    assert lines[1] == "1 file checked: 0 errors, 1 warning"


def test_malformed_yaml_exits_1_with_the_syntax_error_position(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "malformed.arazzo.yaml") == (1, [
        "malformed.arazzo.yaml:3:14: error: malformed YAML: mapping values are not allowed here [malformed-document]",
        "1 file checked: 1 error, 0 warnings",
    ])


def test_nonexistent_path_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "missing.arazzo.yaml") == (2, [
        "missing.arazzo.yaml: error: no such file: missing.arazzo.yaml",
        "1 file checked: 1 error, 0 warnings",
    ])


@pytest.mark.parametrize("argv", [[], ["--bogus", "valid.arazzo.yaml"], ["--format", "xml", "valid.arazzo.yaml"]],
                         ids=["no-path", "unknown-flag", "unknown-format"])
def test_usage_error_exits_2_with_usage_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                   argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", *argv])

    captured = capsys.readouterr()
    assert caught.value.code == 2
    assert captured.out == ""
    assert "usage: arazzo-runner" in captured.err
    assert "error: " in captured.err


def test_several_paths_are_checked_in_order_and_summed(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "valid.arazzo.yaml", "broken.arazzo.yaml", "warning.arazzo.yaml")

    assert code == 1
    assert [LINE.match(line).group("path", "rule") for line in lines[:-1]] == [  # type: ignore[union-attr]
        ("broken.arazzo.yaml", "unknown-operation-id"),
        ("warning.arazzo.yaml", "forward-step-reference"),
    ]
    assert lines[-1] == "3 files checked: 1 error, 1 warning"


def test_an_unreadable_path_among_several_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "broken.arazzo.yaml", "missing.arazzo.yaml")

    assert code == 2
    assert lines[1] == "missing.arazzo.yaml: error: no such file: missing.arazzo.yaml"
    assert lines[-1] == "2 files checked: 2 errors, 0 warnings"


# --- JSON output -----------------------------------------------------------------------------------------------

DIAGNOSTIC_KEYS = {"severity", "rule", "message", "line", "column", "pointer"}


def test_json_output_has_one_entry_per_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--format", "json", "valid.arazzo.yaml", "broken.arazzo.yaml", "warning.arazzo.yaml"])
    report = json.loads(capsys.readouterr().out)

    assert code == 1
    assert list(report) == ["files"]
    assert [(f["path"], f["valid"], len(f["diagnostics"])) for f in report["files"]] == [
        ("valid.arazzo.yaml", True, 0), ("broken.arazzo.yaml", False, 1), ("warning.arazzo.yaml", True, 1)]
    diagnostic = report["files"][1]["diagnostics"][0]
    assert DIAGNOSTIC_KEYS <= set(diagnostic)
    assert {key: diagnostic[key] for key in DIAGNOSTIC_KEYS} == {
        "severity": "error", "rule": "unknown-operation-id",
        "message": "step 'list': operationId 'listCats' not found (searched: api)",
        "line": 12, "column": 9, "pointer": "/workflows/0/steps/0/operationId",
    }
    assert report["files"][2]["diagnostics"][0]["severity"] == "warning"


def test_json_output_marks_an_unreadable_path_invalid(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--format", "json", "missing.arazzo.yaml"])
    [entry] = json.loads(capsys.readouterr().out)["files"]

    assert code == 2
    assert entry["path"] == "missing.arazzo.yaml" and entry["valid"] is False
    [diagnostic] = entry["diagnostics"]
    assert DIAGNOSTIC_KEYS <= set(diagnostic)
    assert (diagnostic["severity"], diagnostic["line"], diagnostic["column"]) == ("error", None, None)
    assert "no such file" in diagnostic["message"]


def test_json_output_of_malformed_yaml(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--format", "json", "malformed.arazzo.yaml"])
    [entry] = json.loads(capsys.readouterr().out)["files"]

    assert code == 1
    assert [(d["rule"], d["line"], d["column"]) for d in entry["diagnostics"]] == [("malformed-document", 3, 14)]


# --- --schema-only ---------------------------------------------------------------------------------------------

def test_schema_only_does_not_load_sources(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir, {"nosource.arazzo.yaml": VALID.replace("./api.yaml", "./gone.yaml")})

    assert _run(capsys, "--schema-only", "nosource.arazzo.yaml") == (0, ["1 file checked: 0 errors, 0 warnings"])
    code, lines = _run(capsys, "nosource.arazzo.yaml")
    assert code == 1
    assert lines[0].startswith("nosource.arazzo.yaml:7:5: error: source description 'api' (./gone.yaml) cannot be "
                               "used: no such file")
    assert lines[0].endswith("[source-unavailable]")


def test_schema_only_still_reports_document_problems(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir, {"dup.arazzo.yaml": VALID + "      - stepId: list\n        operationId: getPet\n"})

    code, lines = _run(capsys, "--schema-only", "dup.arazzo.yaml")

    assert code == 1
    assert lines[0] == ("dup.arazzo.yaml:13:9: error: duplicate stepId 'list' (first defined at line 11) "
                        "[duplicate-step-id]")


# --- the module entry point ------------------------------------------------------------------------------------

DEEP_JSON = '{"arazzo": ' + "[" * 5000 + "]" * 5000 + "}"


@pytest.mark.parametrize(("name", "expected_code", "expected_out"), [
    ("valid.arazzo.yaml", 0, "1 file checked: 0 errors, 0 warnings"),
    ("malformed.arazzo.yaml", 1, "malformed.arazzo.yaml:3:14: error: malformed YAML"),
    ("missing.arazzo.yaml", 2, "missing.arazzo.yaml: error: no such file"),
    ("deep.arazzo.json", 1, "nests deeper than 200 levels"),
], ids=["valid", "malformed-yaml", "missing-file", "deeply-nested-json"])
def test_python_m_arazzo_runner_validate_prints_no_traceback(workdir: Path, name: str, expected_code: int,
                                                             expected_out: str) -> None:
    write(workdir, {"deep.arazzo.json": DEEP_JSON})

    done = subprocess.run([sys.executable, "-m", "arazzo_runner", "validate", name], capture_output=True, text=True,
                          timeout=60, cwd=workdir)

    assert "Traceback" not in done.stderr
    assert done.returncode == expected_code, done.stderr
    assert expected_out in done.stdout
