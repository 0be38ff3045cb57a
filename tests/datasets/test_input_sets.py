"""Input sets from JSON Lines and CSV files: one run per row, CSV cells typed by the inputs schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.datasets import read_input_sets, typed_cell
from arazzo_runner.errors import UsageError

TYPES = {"id": ("integer",), "price": ("number",), "ok": ("boolean",), "tags": ("array",), "meta": ("object",),
         "maybe": ("integer", "null"), "name": ("string",), "either": ("integer", "string")}

CELLS = [
    pytest.param("42", ("integer",), 42, id="integer"),
    pytest.param(" -7 ", ("integer",), -7, id="integer-with-spaces"),
    pytest.param("9.5", ("number",), 9.5, id="number"),
    pytest.param("3", ("number",), 3, id="a-whole-number-stays-an-integer"),
    pytest.param("1e3", ("number",), 1000.0, id="exponent-is-a-float"),
    pytest.param("yes", ("boolean",), True, id="boolean-yes"),
    pytest.param("FALSE", ("boolean",), False, id="boolean-upper-case"),
    pytest.param("0", ("boolean",), False, id="boolean-zero"),
    pytest.param('["a", 1]', ("array",), ["a", 1], id="array-as-json"),
    pytest.param('{"k": true}', ("object",), {"k": True}, id="object-as-json"),
    pytest.param("null", ("integer", "null"), None, id="null-of-a-nullable"),
    pytest.param("12", ("integer", "null"), 12, id="integer-of-a-nullable"),
    pytest.param("007", ("string",), "007", id="string-keeps-leading-zeros"),
    pytest.param("x1", ("integer", "string"), "x1", id="first-type-that-reads-wins"),
    pytest.param("anything", (), "anything", id="untyped-is-a-string"),
]


@pytest.mark.parametrize(("text", "types", "value"), CELLS)
def test_a_csv_cell_is_typed_by_the_inputs_schema(text: str, types: tuple[str, ...], value: Any) -> None:
    typed = typed_cell(text, types)
    assert typed == value and type(typed) is type(value)


BAD_CELLS = [
    pytest.param("4.5", ("integer",), "'4.5' is not an integer", id="fraction-for-integer"),
    pytest.param("nan", ("number",), "'nan' is not a number", id="nan-for-number"),
    pytest.param("maybe", ("boolean",), "'maybe' is not a boolean", id="word-for-boolean"),
    pytest.param("[1,", ("array",), "'[1,' is not a JSON array", id="broken-json-array"),
    pytest.param("[1]", ("object",), "'[1]' is not a JSON object", id="array-for-object"),
    pytest.param("9" * 5000, ("integer",), "is not an integer", id="integer-beyond-the-digit-limit"),
]


@pytest.mark.parametrize(("text", "types", "message"), BAD_CELLS)
def test_a_cell_that_does_not_read_as_its_type_says_why(text: str, types: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        typed_cell(text, types)
    assert message in str(caught.value)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_csv_rows_become_labelled_input_sets_with_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "rows.csv", 'id,name,ok,tags\n1,Rex,yes,"[""a""]"\n\n2,,no,[]\n')

    sets = read_input_sets(path, TYPES)

    assert [(s.label, dict(s.values), s.origin) for s in sets] == [
        ("row-1", {"id": 1, "name": "Rex", "ok": True, "tags": ["a"]}, f"{path}:2"),
        ("row-2", {"id": 2, "ok": False, "tags": []}, f"{path}:4"),
    ]


def test_json_lines_rows_keep_their_json_types(tmp_path: Path) -> None:
    path = write(tmp_path, "rows.jsonl", '{"id": 1, "name": "a"}\n\n{"id": "2"}\n')

    sets = read_input_sets(path, TYPES)

    assert [(s.label, dict(s.values), s.origin) for s in sets] == [
        ("row-1", {"id": 1, "name": "a"}, f"{path}:1"), ("row-2", {"id": "2"}, f"{path}:3")]


BAD_FILES = [
    pytest.param("rows.csv", "id,name\n1,a\nx,b\n", "rows.csv:3: column 'id': 'x' is not an integer", id="bad-cell"),
    pytest.param("rows.csv", "id,name\n1,a,extra\n", "rows.csv:2: 3 cells for 2 columns", id="ragged-row"),
    pytest.param("rows.csv", "id,id\n1,2\n", "rows.csv:1: the header row needs distinct, non-empty input names",
                 id="repeated-column"),
    pytest.param("rows.csv", 'id\n"1\n', "not valid CSV (unexpected end of data)", id="unterminated-quote"),
    pytest.param("rows.jsonl", '{"id": 1}\n{"id": \n', "rows.jsonl:2: not valid JSON", id="broken-json-line"),
    pytest.param("rows.jsonl", "[1, 2]\n", "rows.jsonl:1: a row must be a JSON object", id="array-row"),
    pytest.param("rows.jsonl", "[" * 100_000 + "\n", "rows.jsonl:1: not valid JSON", id="deeply-nested-row"),
    pytest.param("rows.txt", "id\n1\n", "an inputs file is JSON Lines (.jsonl) or CSV (.csv), not '.txt'",
                 id="unknown-suffix"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_FILES)
def test_a_bad_inputs_file_is_a_usage_error_naming_the_place(tmp_path: Path, name: str, text: str,
                                                             message: str) -> None:
    path = write(tmp_path, name, text)

    with pytest.raises(UsageError) as caught:
        read_input_sets(path, TYPES)

    assert message in str(caught.value)


def test_an_inputs_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "rows.jsonl", '{"id": 1}\n' * 100)

    with pytest.raises(UsageError, match="larger than 50 bytes"):
        read_input_sets(path, TYPES, max_bytes=50)


def test_a_missing_inputs_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read inputs file .*nope.csv: No such file"):
        read_input_sets(tmp_path / "nope.csv", TYPES)
