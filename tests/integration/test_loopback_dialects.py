"""Each non-standard form: ``validate`` names it (rule, message, line:column, fix), ``fix`` rewrites it to a
document without dialect errors, and ``run --compat`` runs it as its author meant over loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dialect_cases import API, CASES, Dialect
from recording_server import RecordingServer, Reply

from arazzo_runner.cli import main
from arazzo_runner.dialect import DIALECT_RULES
from arazzo_runner.documents import validate


@pytest.fixture
def pets(server: RecordingServer) -> RecordingServer:
    server.reply(Reply(200, {"status": "ok", "data": [{"id": 7}]}), path="/pets")
    server.reply(Reply(200, {"id": 7, "name": "Rex"}, headers={"X-Trace": "t-1"}), path="/pets/7")
    return server


def write(tmp_path: Path, case: Dialect, server: RecordingServer) -> Path:
    (tmp_path / "api.yaml").write_text(API.format(server=server.url), "utf-8")
    path = tmp_path / "flow.arazzo.yaml"
    path.write_text(case.document, "utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_validate_names_the_form_where_it_is_with_its_fix(tmp_path: Path, pets: RecordingServer,
                                                          case: Dialect) -> None:
    diagnostics = validate(write(tmp_path, case, pets))

    [found] = [d for d in diagnostics if d.rule == case.rule]
    assert case.fragment in found.message
    assert (found.location.line, found.location.column) == (case.line, case.column), found
    assert found.severity == case.severity
    if case.new is None:
        assert found.fix is None
    else:
        assert found.fix is not None and (found.fix.new, found.fix.action) == (case.new, case.action)
    assert [d for d in diagnostics if d.severity == "error" and d is not found] == []


@pytest.mark.parametrize("case", [c for c in CASES if c.new is not None], ids=lambda case: case.id)
def test_fix_rewrites_the_form_and_the_document_then_validates(
        tmp_path: Path, pets: RecordingServer, case: Dialect, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, case, pets)

    code = main(["fix", str(path)])

    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"{path}: fixed 1 form" in out
    assert [d for d in validate(path) if d.rule in DIALECT_RULES] == []
    if case.action == "replace":
        assert case.new in path.read_text("utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_compat_runs_the_form_as_its_author_meant(tmp_path: Path, pets: RecordingServer, case: Dialect,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, case, pets)

    code = main(["run", str(path), "--workflow", "main", "--compat", "--format", "json"])

    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert [f"{r.method} {r.target}" for r in pets.requests] == case.sent
    assert json.loads(out)["outputs"] == case.outputs
    if case.new is not None:  # each form read is told once, with its spec spelling
        assert err.count(f"as '{case.new}' [{case.rule}]") == 1, err


@pytest.mark.parametrize("case", [c for c in CASES if c.severity == "error"], ids=lambda case: case.id)
def test_without_compat_the_refusal_points_at_fix_and_compat(tmp_path: Path, pets: RecordingServer, case: Dialect,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(write(tmp_path, case, pets)), "--workflow", "main"])

    _, err = capsys.readouterr()
    assert code == 2
    assert f"[{case.rule}]" in err
    assert "'arazzo-runner fix PATH' rewrites them, 'arazzo-runner run --compat' runs them" in err
    assert pets.requests == []


DIALECT_DATA = Path(__file__).resolve().parents[1] / "data" / "dialect"


def golden_copy(tmp_path: Path) -> Path:
    for name in ("before.arazzo.yaml", "api.yaml"):
        (tmp_path / name).write_text((DIALECT_DATA / name).read_text("utf-8"), "utf-8")
    return tmp_path / "before.arazzo.yaml"


def test_fix_keeps_comments_quoting_order_and_indentation_as_the_golden_file_says(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_copy(tmp_path)

    code = main(["fix", str(path)])

    out, _ = capsys.readouterr()
    assert code == 0
    assert out == f"{path}: fixed 8 forms\n"
    assert path.read_text("utf-8") == (DIALECT_DATA / "after.arazzo.yaml").read_text("utf-8")
    assert [d for d in validate(path) if d.severity == "error"] == []


def test_fix_check_changes_nothing_and_exits_1_when_something_would_change(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_copy(tmp_path)
    before = path.read_text("utf-8")

    code = main(["fix", "--check", str(path)])

    out, _ = capsys.readouterr()
    assert code == 1
    assert out.startswith(f"{path}: would fix 8 forms\n")
    assert "[dialect-operation-id-qualifier] (fix: write '$sourceDescriptions.api.listPets')" in out
    assert path.read_text("utf-8") == before


def test_fix_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_copy(tmp_path)
    before = path.read_text("utf-8")

    code = main(["fix", "--diff", str(path)])

    out, _ = capsys.readouterr()
    assert code == 0
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert "-        operationId: api.listPets          # qualified the short way\n" in out
    assert "+        operationId: $sourceDescriptions.api.listPets # qualified the short way\n" in out
    assert path.read_text("utf-8") == before


def test_fix_of_a_clean_document_says_so_and_a_fixed_one_stays_fixed(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_copy(tmp_path)
    main(["fix", str(path)])
    capsys.readouterr()

    again = main(["fix", "--check", str(path)])

    out, _ = capsys.readouterr()
    assert again == 0
    assert out == f"{path}: nothing to fix\n"


def test_fix_of_a_json_document_keeps_its_key_order_and_indentation(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "api.yaml").write_text((DIALECT_DATA / "api.yaml").read_text("utf-8"), "utf-8")
    document = {"arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
                "sourceDescriptions": [{"name": "api", "url": "./api.yaml", "type": "openapi"}],
                "workflows": [{"workflowId": "main", "steps": [
                    {"stepId": "list", "operationId": "listPets", "outputs": {"first": "$response.body.data[0].id"}}]}]}
    path = tmp_path / "flow.arazzo.json"
    path.write_text(json.dumps(document, indent=4) + "\n", "utf-8")

    code = main(["fix", str(path)])

    capsys.readouterr()
    assert code == 0
    document["workflows"][0]["steps"][0]["outputs"]["first"] = "$response.body#/data/0/id"
    assert path.read_text("utf-8") == json.dumps(document, indent=4) + "\n"


def test_a_form_without_a_certain_fix_is_listed_not_rewritten(tmp_path: Path, pets: RecordingServer,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    [case] = [c for c in CASES if c.new is None]
    path = write(tmp_path, case, pets)
    before = path.read_text("utf-8")

    code = main(["fix", str(path)])

    out, err = capsys.readouterr()
    assert code == 0
    assert out == f"{path}: nothing to fix\n"
    assert f"not fixed: {path}:{case.line}:{case.column}: warning:" in err and f"[{case.rule}]" in err
    assert path.read_text("utf-8") == before


BAD_FIX_TARGETS = [
    pytest.param("https://example.com/flow.arazzo.yaml", "fix rewrites local files", id="a-url"),
    pytest.param("missing.arazzo.yaml", "no such file", id="a-missing-file"),
]


@pytest.mark.parametrize(("target", "message"), BAD_FIX_TARGETS)
def test_fix_refuses_what_it_cannot_rewrite(tmp_path: Path, target: str, message: str,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    code = main(["fix", target])

    _, err = capsys.readouterr()
    assert code == 2
    assert message in err


def test_fix_to_1_1_refuses_a_document_that_is_not_valid_1_0(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_copy(tmp_path)
    (tmp_path / "broken.arazzo.yaml").write_text(path.read_text("utf-8").replace("stepId: get", "stepId: list"),
                                                 "utf-8")

    code = main(["fix", "--to", "1.1", str(tmp_path / "broken.arazzo.yaml")])

    _, err = capsys.readouterr()
    assert code == 2
    assert "only a valid 1.0 document is upgraded" in err and "[duplicate-step-id]" in err


def test_fix_to_1_1_refuses_what_1_1_would_not_accept(tmp_path: Path, pets: RecordingServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    [case] = [c for c in CASES if c.id == "step-read-without-outputs"]
    path = write(tmp_path, case, pets)
    text = path.read_text("utf-8").replace("$steps.list.first", "$steps.list.outputs.first")
    # the first step now reads the second's output: a 1.0 warning, a 1.1 error without dependsOn
    path.write_text(text.replace("      - stepId: list", "      - stepId: zero\n        operationId: getPet\n"
                                 "        parameters:\n          - name: id\n            in: path\n"
                                 "            value: $steps.list.outputs.first\n      - stepId: list", 1), "utf-8")
    before = path.read_text("utf-8")

    code = main(["fix", "--to", "1.1", str(path)])

    _, err = capsys.readouterr()
    assert code == 2
    assert "as 1.1:" in err and "[forward-step-reference]" in err
    assert "would not validate as Arazzo 1.1; nothing written" in err
    assert path.read_text("utf-8") == before
