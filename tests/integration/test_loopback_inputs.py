"""Workflow inputs from the command line and the API: merged in order, validated, defaulted, before any request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, step
from recording_server import RecordingServer

from arazzo_runner.cli import main
from arazzo_runner.errors import InputError
from arazzo_runner.runner import Runner

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "limit": {"type": "integer", "default": 25},
        "flag": {"type": "boolean"},
        "note": {},
    },
    "required": ["id"],
}
ECHOED = ("id", "name", "limit", "flag", "note")


def echo_inputs(docs: Documents, inputs: Any = None, components: dict[str, Any] | None = None) -> Path:
    """One POST /echo step whose JSON body carries every input, so the server sees their values and types."""
    body = {"payload": {name: f"$inputs.{name}" for name in ECHOED}}
    return docs.flow({"/echo": {"post": operation("echo", requestBody=json_body())}},
                     [step("echo", "echo", requestBody=body)], inputs=SCHEMA if inputs is None else inputs,
                     components=components)


def run_cli(document: Path, *flags: str) -> int:
    return main(["run", str(document), "--workflow", WORKFLOW, *flags])


def test_inputs_file_is_read(docs: Documents, server: RecordingServer, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"id": 1, "name": "from file"}), "utf-8")

    assert run_cli(echo_inputs(docs), "--inputs", str(inputs)) == 0

    assert server.last.json() == {"id": 1, "name": "from file", "limit": 25}


def test_inputs_json_text_is_parsed(docs: Documents, server: RecordingServer) -> None:
    assert run_cli(echo_inputs(docs), "--inputs", ' {"id": 2, "note": {"deep": [1, null]}}') == 0

    assert server.last.json() == {"id": 2, "limit": 25, "note": {"deep": [1, None]}}


def test_later_input_flags_override_earlier_ones(docs: Documents, server: RecordingServer, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"id": 1, "name": "file", "limit": 5}), "utf-8")

    code = run_cli(echo_inputs(docs), "--inputs", str(inputs), "--input", "name=flag", "--inputs", '{"id": 3}',
                   "--input", "limit=6", "--inputs", '{"limit": 7}', "--input", "flag=true")

    assert code == 0
    assert server.last.json() == {"id": 3, "name": "flag", "limit": 7, "flag": True}


@pytest.mark.parametrize(("flag", "value"), [
    pytest.param("note=42", 42, id="integer"),
    pytest.param("note=4.5", 4.5, id="number"),
    pytest.param("note=false", False, id="boolean"),
    pytest.param("note=null", None, id="null"),
    pytest.param('note=[1,"a"]', [1, "a"], id="array"),
    pytest.param('note={"a":{"b":1}}', {"a": {"b": 1}}, id="object"),
    pytest.param('note="42"', "42", id="quoted-string"),
    pytest.param("note=plain text", "plain text", id="not-json-is-a-string"),
    pytest.param("note=007", "007", id="leading-zero-is-a-string"),
    pytest.param("note=a=b", "a=b", id="split-at-first-equals"),
    pytest.param("note=", "", id="empty-string"),
])
def test_input_flag_values_are_parsed_as_json_when_they_parse(docs: Documents, server: RecordingServer, flag: str,
                                                               value: Any) -> None:
    assert run_cli(echo_inputs(docs), "--input", "id=1", "--input", flag) == 0

    assert server.last.json()["note"] == value


def test_missing_required_input_is_refused_before_any_request(docs: Documents, server: RecordingServer,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(echo_inputs(docs), "--input", "name=x")

    err = capsys.readouterr().err
    assert code == 2
    assert "input 'id': is required but was not supplied" in err
    assert "not run: invalid inputs for workflow 'flow'" in err
    assert server.requests == []


@pytest.mark.parametrize(("flags", "message"), [
    pytest.param(["--input", "id=abc"], "input 'id': \"abc\" is not of type \"integer\"", id="string-for-integer"),
    pytest.param(["--input", "id=1.5"], "input 'id': 1.5 is not of type \"integer\"", id="float-for-integer"),
    pytest.param(["--input", "id=1", "--input", "flag=yes"], "input 'flag': \"yes\" is not of type \"boolean\"",
                 id="string-for-boolean"),
    pytest.param(["--input", "id=1", "--input", "name=true"], "input 'name': true is not of type \"string\"",
                 id="json-boolean-for-string"),
])
def test_wrongly_typed_input_is_refused_before_any_request(docs: Documents, server: RecordingServer,
                                                           capsys: pytest.CaptureFixture[str], flags: list[str],
                                                           message: str) -> None:
    code = run_cli(echo_inputs(docs), *flags)

    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert server.requests == []


def test_every_input_problem_is_reported_at_once(docs: Documents, server: RecordingServer) -> None:
    with pytest.raises(InputError) as caught:
        Runner().run(echo_inputs(docs), WORKFLOW, {"limit": "ten", "flag": 1})

    assert sorted(p.name for p in caught.value.problems) == ["flag", "id", "limit"]
    assert server.requests == []


@pytest.mark.parametrize(("flags", "message"), [
    pytest.param(["--inputs", "{not json"], "not valid JSON", id="bad-json-text"),
    pytest.param(["--inputs", '{"a": 1'], "not valid JSON", id="truncated-object"),
    pytest.param(["--inputs", "no-such-file.json"], "cannot read no-such-file.json", id="missing-file"),
    pytest.param(["--input", "novalue"], "--input expects NAME=VALUE", id="input-without-equals"),
])
def test_malformed_input_flags_are_usage_errors(docs: Documents, server: RecordingServer,
                                                capsys: pytest.CaptureFixture[str], flags: list[str],
                                                message: str) -> None:
    code = run_cli(echo_inputs(docs), *flags)

    assert code == 2
    assert message in capsys.readouterr().err
    assert server.requests == []


def test_inputs_file_holding_a_non_object_is_a_usage_error(docs: Documents, server: RecordingServer,
                                                          capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text("[1, 2]", "utf-8")

    code = run_cli(echo_inputs(docs), "--inputs", str(inputs))

    assert code == 2
    assert f"--inputs {inputs}: must be a JSON object" in capsys.readouterr().err
    assert server.requests == []


def test_schema_defaults_are_applied_and_supplied_values_win(docs: Documents, server: RecordingServer) -> None:
    document = echo_inputs(docs)

    Runner().run(document, WORKFLOW, {"id": 1})
    Runner().run(document, WORKFLOW, {"id": 1, "limit": 3})

    assert [r.json()["limit"] for r in server.requests] == [25, 3]


def test_defaults_of_a_referenced_component_schema_are_applied(docs: Documents, server: RecordingServer) -> None:
    components = {"inputs": {"paging": {"type": "object", "properties": {
        "id": {"type": "integer", "default": 11}, "limit": {"type": "integer", "default": 50}}}}}
    document = echo_inputs(docs, inputs={"$ref": "#/components/inputs/paging"}, components=components)

    assert run_cli(document) == 0

    assert server.last.json() == {"id": 11, "limit": 50}
