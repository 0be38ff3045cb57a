"""`--inputs` / `--input` merging: order, JSON parsing, and the messages for what cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from arazzo_runner.cli.run import parse_inputs
from arazzo_runner.errors import UsageError


def test_later_flags_override_earlier_ones_and_values_parse_as_json_when_they_can(tmp_path: Path) -> None:
    file = tmp_path / "inputs.json"
    file.write_text('{"a": 1, "b": "file"}', "utf-8")

    inputs = parse_inputs([("--inputs", str(file)), ("--input", "b=2"), ("--inputs", '{"c": [1]}'),
                           ("--input", "d=not json"), ("--input", "a=3")])

    assert inputs == {"a": 3, "b": 2, "c": [1], "d": "not json"}


@pytest.mark.parametrize(("item", "message"), [
    (("--inputs", "[1, 2]"), "--inputs [1, 2]: must be a JSON object of input names to values"),
    (("--inputs", '{"a": '), "--inputs {\"a\": : not valid JSON (Expecting value at line 1 column 7)"),
    (("--inputs", "missing.json"), "--inputs: cannot read missing.json: No such file or directory"),
    (("--input", "novalue"), "--input expects NAME=VALUE, got 'novalue'"),
], ids=["array", "broken-json", "missing-file", "no-equals"])
def test_unusable_inputs_are_usage_errors_with_a_precise_message(item: tuple[str, str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_inputs([item])

    assert raised.value.message == message
