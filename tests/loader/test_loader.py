"""Reading documents: YAML 1.2 with JSON types only, refused constructs, positions, and where documents come from."""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner import loader
from arazzo_runner.documents import load, validate
from arazzo_runner.errors import LoadError
from arazzo_runner.limits import Limits
from arazzo_runner.loader import parse_document, resolve_reference
from arazzo_runner.loader import yaml as loader_yaml
from tests.validate.support import PETS_OPENAPI, brief, file_url, local_only, write

URL = "file:///work/flows/doc.yaml"


# ruamel.yaml.clib is a dependency on CPython, so there both composers must be tested; elsewhere only the
# pure-Python one exists.
COMPOSERS = ["libyaml", "pure-python"] if platform.python_implementation() == "CPython" else ["pure-python"]


@pytest.fixture(params=COMPOSERS)
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the libyaml composer and with the pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(loader_yaml, "_c_loader", lambda: None)
    else:
        assert loader_yaml._c_loader() is not None, "ruamel.yaml.clib, a CPython dependency, is not installed"
    return str(request.param)


def _parse(text: str, url: str = URL) -> Any:
    return parse_document(textwrap.dedent(text), url).data


# --- YAML 1.2, JSON types ----------------------------------------------------------------------------------------

SCALARS = [
    ("on-stays-a-string", "on", "on"),
    ("off-stays-a-string", "off", "off"),
    ("yes-stays-a-string", "yes", "yes"),
    ("no-stays-a-string", "No", "No"),
    ("date-stays-a-string", "2024-01-01", "2024-01-01"),
    ("timestamp-stays-a-string", "2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
    ("sexagesimal-stays-a-string", "12:30", "12:30"),
    ("underscored-number-stays-a-string", "1_000", "1_000"),
    ("yaml-1.2-octal", "0o17", 15),
    ("leading-zero-is-decimal-not-octal", "017", 17),
    ("hexadecimal", "0x1F", 31),
    ("tilde-is-null", "~", None),
    ("null", "null", None),
    ("empty-is-null", "", None),
    ("true", "true", True),
    ("capitalised-false", "False", False),
    ("integer", "-12", -12),
    ("float", "2.5", 2.5),
    ("exponent", "1e3", 1000.0),
    ("infinity-is-not-a-json-number", ".inf", ".inf"),
    ("single-quoted-number-stays-a-string", "'12'", "12"),
    ("double-quoted-number-stays-a-string", '"1.5"', "1.5"),
    ("quoted-true-stays-a-string", "'true'", "true"),
    ("explicit-str-tag", "!!str 12", "12"),
    ("explicit-int-tag", "!!int 12", 12),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in SCALARS], ids=[i for i, _, _ in SCALARS])
def test_plain_scalar_gets_its_yaml_1_2_json_type(text: str, expected: object) -> None:
    value = _parse(f"value: {text}\n")["value"]

    assert value == expected
    assert type(value) is type(expected)


SAMPLE = """\
title: "café ☕"
literal: |
  line one
  line two
folded: >
  folded
  text
# a comment
list:
  - x: 1
    y: [1, {"é": 2, "z": 3}]
  - 'it''s'
last: ~
"""


def test_both_composers_read_the_same_data_and_positions(composer: str) -> None:
    document = parse_document(SAMPLE, URL)

    assert document.data == {
        "title": "café ☕", "literal": "line one\nline two\n", "folded": "folded text\n",
        "list": [{"x": 1, "y": [1, {"é": 2, "z": 3}]}, "it's"], "last": None,
    }
    assert {p: (loc.line, loc.column) for p in ("/folded", "/list/0/y/1/z", "/list/1", "/last")
            for loc in [document.location(p)]} == {
        "/folded": (5, 1), "/list/0/y/1/z": (11, 21), "/list/1": (12, 5), "/last": (13, 1),
    }


def test_numeric_mapping_keys_become_strings() -> None:
    assert _parse("200: ok\ntrue: yes\n") == {"200": "ok", "true": "yes"}


REFUSED = [
    ("merge-key", """\
        base: &base {in: query}
        parameter:
          <<: *base
          name: limit
        """, "YAML merge keys (<<) are not allowed", 3, 3),
    ("binary-tag", "value: !!binary aGVsbG8=\n", "YAML tag 'tag:yaml.org,2002:binary' is not allowed", 1, 8),
    ("set-tag", "value: !!set {a, b}\n", "YAML tag 'tag:yaml.org,2002:set' is not allowed", 1, 8),
    ("timestamp-tag", "value: !!timestamp 2024-01-01\n", "'tag:yaml.org,2002:timestamp' is not allowed", 1, 8),
    ("python-tag", "value: !!python/object:os.system {}\n", "is not allowed: documents may only hold JSON types",
     1, 8),
    ("local-tag", "value: !secret abc\n", "YAML tag '!secret' is not allowed", 1, 8),
    ("int-tag-on-text", "value: !!int abc\n", "value 'abc' is not a valid !!int", 1, 8),
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3, 1),
    ("complex-key", "? [a, b]\n: 1\n", "mapping keys must be strings", 1, 3),
    ("syntax-error", "a: [1, 2\nb: 3\n", "malformed YAML: while parsing a flow sequence; expected ',' or ']'", 2, 2),
    ("json-syntax-error", '{"a": 1,\n "b": }\n', "malformed JSON: Expecting value", 2, 7),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_construct_outside_json_types_is_refused_with_its_position(text: str, message: str, line: int,
                                                                    column: int) -> None:
    with pytest.raises(LoadError) as caught:
        _parse(text)

    assert caught.value.rule == "malformed-document"
    assert message in caught.value.message
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.column) == (line, column)


def test_duplicate_json_key_is_refused_like_a_duplicate_yaml_key() -> None:
    with pytest.raises(LoadError) as caught:
        parse_document('{\n  "workflowId": "a",\n  "workflowId": "b"\n}\n', "file:///work/flows/doc.json")

    assert caught.value.rule == "malformed-document"
    assert "duplicate key 'workflowId'" in caught.value.message


# --- resource limits -----------------------------------------------------------------------------------------------

def _alias_bomb(levels: int = 9) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_with_a_clear_message() -> None:
    with pytest.raises(LoadError) as caught:
        parse_document(_alias_bomb(), URL, Limits(max_alias_nodes=10_000))

    assert caught.value.rule == "malformed-document"
    assert caught.value.message == "document expands aliases into over 10000 nodes"
    assert caught.value.location is not None and caught.value.location.line is not None


def test_alias_bomb_is_refused_quickly_under_the_real_limit(tmp_path: Path) -> None:
    path = write(tmp_path, {"bomb.yaml": _alias_bomb()})
    script = (
        "import sys\nfrom arazzo_runner.loader import parse_document\nfrom arazzo_runner.errors import LoadError\n"
        "try:\n    parse_document(open(sys.argv[1]).read(), 'file:///bomb.yaml')\n"
        "except LoadError as exc:\n    print(exc.message)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=3)
    except subprocess.TimeoutExpired:
        pytest.fail("a 1 kB alias bomb took more than 3 s to refuse")
    assert done.stdout.strip() == "document expands aliases into over 100000 nodes"


def test_deep_yaml_nesting_is_refused_at_the_first_level_too_deep() -> None:
    with pytest.raises(LoadError) as caught:
        _parse("a: " + "[" * 300 + "]" * 300 + "\n")

    assert caught.value.message == "document nests deeper than 200 levels"
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.column) == (1, 204)


def test_very_deep_yaml_nesting_is_refused_with_the_nesting_message(composer: str) -> None:
    with pytest.raises(LoadError) as caught:
        _parse("a: " + "[" * 600 + "]" * 600 + "\n")

    assert caught.value.rule == "malformed-document"
    assert "nests deeper than 200 levels" in caught.value.message


@pytest.mark.parametrize("depth", [300, 5000], ids=["beyond-the-limit", "beyond-the-interpreter-stack"])
def test_deep_json_nesting_is_refused_as_a_load_error(depth: int) -> None:
    with pytest.raises(LoadError) as caught:
        parse_document('{"a": ' + "[" * depth + "]" * depth + "}", "file:///work/flows/doc.json")

    assert caught.value.rule == "malformed-document"
    assert "nests deeper than 200 levels" in caught.value.message


def test_non_utf8_document_is_a_malformed_document(tmp_path: Path) -> None:
    path = tmp_path / "doc.arazzo.yaml"
    path.write_bytes(b"arazzo: 1.0.1\ninfo:\n  title: caf\xe9\n")

    [diagnostic] = validate(path)

    assert diagnostic.rule == "malformed-document"
    assert diagnostic.message == "not UTF-8 text (byte 32 cannot be decoded)"
    assert diagnostic.location.source.endswith("doc.arazzo.yaml")


def test_unreadable_path_raises_load_error_not_a_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        validate(tmp_path / "missing.arazzo.yaml")

    assert caught.value.rule == "file-not-found"
    assert "no such file: " in caught.value.message


def test_directory_path_raises_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="is a directory, not a document"):
        validate(tmp_path)


# --- positions ---------------------------------------------------------------------------------------------------

JSON_TEXT = '{\n  "workflows": [\n    {\n      "workflowId": "main",\n      "steps": [{"stepId": "a"}]\n    }\n  ]\n}\n'


def test_json_positions_are_computed_only_when_asked() -> None:
    document = parse_document(JSON_TEXT, "file:///work/flows/doc.json")

    assert document.is_json
    assert document._positions is None
    location = document.location("/workflows/0/steps/0/stepId")
    assert (location.line, location.column) == (5, 18)
    assert document._positions is not None


@pytest.mark.parametrize(("pointer", "line", "column"), [
    ("/workflows", 2, 3),
    ("/workflows/0", 3, 5),
    ("/workflows/0/workflowId", 4, 7),
    ("/workflows/0/steps/0", 5, 17),
    ("/workflows/0/missing", 3, 5),
    ("", 1, 1),
])
def test_json_pointer_maps_to_line_and_column(pointer: str, line: int, column: int) -> None:
    location = parse_document(JSON_TEXT, "file:///work/flows/doc.json").location(pointer)

    assert (location.line, location.column, location.pointer) == (line, column, pointer)


def test_tab_indented_json_keeps_positions() -> None:
    document = parse_document('{\n\t"a": {\n\t\t"b": [1, {"c": 2}]\n\t}\n}\n', "file:///work/flows/doc.json")

    assert (document.location("/a/b/1/c").line, document.location("/a/b/1/c").column) == (3, 13)


def test_diagnostic_of_a_json_document_has_its_position(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        {
          "arazzo": "1.0.1",
          "info": {"title": "Pets", "version": "1.0.0"},
          "sourceDescriptions": [{"name": "api", "url": "./api.yaml"}],
          "workflows": [
            {
              "workflowId": "main",
              "steps": [
                {"stepId": "list", "operationId": "listCats"}
              ]
            }
          ]
        }
        """)
    path = write(tmp_path, {"doc.arazzo.json": text, "api.yaml": PETS_OPENAPI})

    assert brief(validate(path)) == [("unknown-operation-id", 9, 28)]


# --- where documents come from ---------------------------------------------------------------------------------

RELATIVE = [
    ("bare-name", "api.yaml", "https://example.test/flows/api.yaml", "file:///srv/flows/api.yaml"),
    ("dot-slash", "./api.yaml", "https://example.test/flows/api.yaml", "file:///srv/flows/api.yaml"),
    ("parent", "../apis/api.yaml", "https://example.test/apis/api.yaml", "file:///srv/apis/api.yaml"),
    ("absolute-path", "/abs/api.yaml", "https://example.test/abs/api.yaml", "file:///abs/api.yaml"),
    ("network-path", "//cdn.test/api.yaml", "https://cdn.test/api.yaml", "file://cdn.test/api.yaml"),
    ("absolute-url", "https://other.test/api.yaml", "https://other.test/api.yaml", "https://other.test/api.yaml"),
    ("fragment-only", "#/paths", "https://example.test/flows/doc.yaml#/paths", "file:///srv/flows/doc.yaml#/paths"),
    ("query", "api.yaml?v=2", "https://example.test/flows/api.yaml?v=2", "file:///srv/flows/api.yaml?v=2"),
]


@pytest.mark.parametrize(("reference", "from_http", "from_file"), [c[1:] for c in RELATIVE],
                         ids=[c[0] for c in RELATIVE])
def test_reference_resolves_against_the_referring_document(reference: str, from_http: str, from_file: str) -> None:
    assert resolve_reference("https://example.test/flows/doc.yaml", reference) == from_http
    assert resolve_reference("file:///srv/flows/doc.yaml", reference) == from_file


def test_sources_resolve_against_their_own_document_not_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    child = """\
        arazzo: 1.0.1
        info: {title: Child, version: 1.0.0}
        sourceDescriptions:
          - name: api
            url: ../apis/pets.yaml
        workflows:
          - workflowId: leaf
            steps:
              - stepId: list
                operationId: listPets
        """
    entry = """\
        arazzo: 1.0.1
        info: {title: Entry, version: 1.0.0}
        sourceDescriptions:
          - name: child
            url: ./nested/child.arazzo.yaml
            type: arazzo
        workflows:
          - workflowId: main
            steps:
              - stepId: call
                workflowId: $sourceDescriptions.child.leaf
        """
    path = write(tmp_path / "flows", {"entry.arazzo.yaml": entry, "nested/child.arazzo.yaml": child})
    write(tmp_path / "flows", {"apis/pets.yaml": PETS_OPENAPI})
    monkeypatch.chdir(tmp_path)

    assert validate(path) == []


def _served(documents: dict[str, str], requested: list[str]) -> loader.Retriever:
    def retrieve(url: str) -> bytes:
        requested.append(url)
        if url in documents:
            return textwrap.dedent(documents[url]).encode()
        raise LoadError(f"not served: {url}", rule="unreachable-url")

    return retrieve


REMOTE_ENTRY = """\
    arazzo: 1.0.1
    info: {title: Remote, version: 1.0.0}
    sourceDescriptions:
      - name: api
        url: ./api.yaml
    workflows:
      - workflowId: main
        steps:
          - stepId: list
            operationId: $sourceDescriptions.api.listPets
    """


def test_http_document_and_its_relative_source_come_through_the_retriever() -> None:
    requested: list[str] = []
    retriever = _served({"https://example.test/flows/doc.arazzo.yaml": REMOTE_ENTRY,
                         "https://example.test/flows/api.yaml": PETS_OPENAPI}, requested)

    document = load("https://example.test/flows/doc.arazzo.yaml", retriever=retriever)

    assert requested == ["https://example.test/flows/doc.arazzo.yaml", "https://example.test/flows/api.yaml"]
    assert document.url == "https://example.test/flows/doc.arazzo.yaml"
    assert document.workflows[0].steps[0].location.source == "https://example.test/flows/doc.arazzo.yaml"


def test_remote_document_may_not_name_a_local_file(tmp_path: Path) -> None:
    local = write(tmp_path, {"api.yaml": PETS_OPENAPI})
    entry = REMOTE_ENTRY.replace("./api.yaml", file_url(local))
    requested: list[str] = []
    retriever = _served({"https://example.test/flows/doc.arazzo.yaml": entry}, requested)

    [diagnostic] = validate("https://example.test/flows/doc.arazzo.yaml", retriever=retriever)

    assert (diagnostic.rule, diagnostic.location.line, diagnostic.location.column) == ("source-unavailable", 5, 5)
    assert "a document fetched over the network may not read local files" in diagnostic.message
    assert requested == ["https://example.test/flows/doc.arazzo.yaml"]


def test_remote_openapi_may_not_ref_a_local_file(tmp_path: Path) -> None:
    local = write(tmp_path, {"item.yaml": "get:\n  operationId: listPets\n"})
    openapi = f"""\
        openapi: 3.1.0
        info: {{title: Pets, version: '1'}}
        paths:
          /pets:
            $ref: '{file_url(local)}'
        """
    requested: list[str] = []
    retriever = _served({"https://example.test/flows/doc.arazzo.yaml": REMOTE_ENTRY,
                         "https://example.test/flows/api.yaml": openapi}, requested)

    diagnostics = validate("https://example.test/flows/doc.arazzo.yaml", retriever=retriever)

    assert [d.rule for d in diagnostics] == ["source-unavailable"]
    assert "may not read local files" in diagnostics[0].message
    assert file_url(local) not in requested


def test_local_only_retriever_refuses_the_network() -> None:
    with pytest.raises(LoadError, match="network access refused in tests"):
        local_only()("https://example.test/doc.yaml")


def test_empty_document_is_reported_as_empty_not_as_a_schema_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.arazzo.yaml"
    path.write_text("# nothing but a comment\n", "utf-8")

    [diagnostic] = validate(path)

    assert (diagnostic.rule, diagnostic.message) == ("malformed-document", "the document is empty")
    assert (diagnostic.location.line, diagnostic.location.column) == (1, 1)
