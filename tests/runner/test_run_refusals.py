"""`arazzo-runner run` refuses what it cannot run, before any request, with exit code 2 and a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arazzo_runner.cli import main

OPENAPI = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "http://127.0.0.1:9"}],
           "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}}}}


def arazzo(*workflow_ids: str) -> dict[str, object]:
    return {"arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
            "sourceDescriptions": [{"name": "api", "url": "openapi.json"}],
            "workflows": [{"workflowId": w, "steps": [{"stepId": "s", "operationId": "a"}]} for w in workflow_ids]}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    return tmp_path


@pytest.mark.parametrize(("content", "expected"), [
    ("", ["empty.arazzo.yaml:1:1: error: the document is empty [malformed-document]"]),
    ("arazzo: 1.0.1\n", ["empty.arazzo.yaml:1:1: error: 'info' is a required property (at the document root) "
                         "[schema-required]"]),
    ("a: [1\n", ["empty.arazzo.yaml:2:1: error: malformed YAML: while parsing a flow sequence; expected ',' or "
                 "']', but got '<stream end>' [malformed-document]"]),
], ids=["empty", "no-info", "malformed"])
def test_structurally_invalid_document_is_refused_with_its_diagnostics(
        folder: Path, content: str, expected: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "empty.arazzo.yaml"
    path.write_text(content, "utf-8")

    code = main(["run", str(path)])

    err = capsys.readouterr().err.splitlines()
    assert code == 2
    for line in expected:
        assert any(e.endswith(line) for e in err), err
    assert err[-1].startswith("not run: the document has ")


def test_several_workflows_without_workflow_flag_names_the_choices(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "two.arazzo.json"
    path.write_text(json.dumps(arazzo("first", "second")), "utf-8")

    code = main(["run", str(path)])

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: the document has 2 workflows; choose one: first, second (pass --workflow ID)")


def test_unknown_workflow_is_a_usage_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "one.arazzo.json"
    path.write_text(json.dumps(arazzo("only")), "utf-8")

    code = main(["run", str(path), "--workflow", "other"])

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"error: no workflow 'other' in {path}; available: only")


@pytest.mark.parametrize("library", ["trio", "curio"])
def test_an_async_run_under_another_event_loop_is_refused_before_anything_is_read(folder: Path, library: str) -> None:
    import asyncio

    import sniffio

    from arazzo_runner import Runner
    from arazzo_runner.errors import UsageError

    async def under_another_loop() -> None:
        sniffio.current_async_library_cvar.set(library)  # as that library's loop would say
        await Runner().arun(folder / "missing.arazzo.yaml", "w")

    with pytest.raises(UsageError) as raised:
        asyncio.run(under_another_loop())

    assert str(raised.value) == f"Runner.arun needs an asyncio event loop; it was awaited under {library}"
