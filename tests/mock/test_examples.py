"""The example generator writes the value each schema keyword asks for, bounded and deterministic."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arazzo_runner.errors import LoadError
from arazzo_runner.loader import SourceDocument, parse_document, to_url
from arazzo_runner.mock import MAX_DEPTH, MAX_ITEMS, MAX_VALUES, example_for
from arazzo_runner.mock.scalars import MAX_STRING_LENGTH
from arazzo_runner.sources import Workspace

TABLE = Path(__file__).with_name("schema_examples.yaml")
WORKSPACE = Workspace()
DOCUMENT = WORKSPACE.document(to_url(str(TABLE)))
CASES = DOCUMENT.data["cases"]


def no_loading(url: str, referrer: str) -> SourceDocument:
    raise AssertionError(f"{referrer} should not need {url}")


def document_of(data: Any) -> SourceDocument:
    return parse_document(json.dumps(data), "http://schemas.test/doc.json")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_schema_gives_its_documented_example(case: dict[str, Any]) -> None:
    value = example_for(case["schema"], DOCUMENT, WORKSPACE.load_referenced, dialect=case.get("dialect", "3.1"))
    # Compared as JSON text: 1 and 1.0, true and 1, and the order of members all count.
    assert json.dumps(value) == json.dumps(case["expected"])


def test_table_ids_are_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


def test_nesting_deeper_than_the_limit_is_cut_off() -> None:
    schema: dict[str, Any] = {"type": "object", "required": ["leaf"], "properties": {"leaf": {"type": "string"}}}
    for _ in range(MAX_DEPTH + 4):
        schema = {"type": "object", "required": ["inner"], "properties": {"inner": schema}}
    value = example_for(schema, document_of({}), no_loading, dialect="3.1")
    depth = 0
    while value:
        value = value["inner"]
        depth += 1
    assert depth == MAX_DEPTH
    assert value == {}


def test_wide_and_deep_distinct_schemas_stay_within_the_value_budget() -> None:
    # Eight levels of forty required members each would be 40**8 values without the budget.
    schemas = {f"L{level}": {"type": "object", "required": [f"m{i}" for i in range(40)],
                             "properties": {f"m{i}": {"$ref": f"#/components/schemas/L{level + 1}"}
                                            for i in range(40)}}
               for level in range(8)}
    schemas["L8"] = {"type": "integer"}
    document = document_of({"components": {"schemas": schemas}})
    started = time.perf_counter()
    value = example_for({"$ref": "#/components/schemas/L0"}, document, no_loading, dialect="3.1")
    assert time.perf_counter() - started < 5
    assert count_values(value) <= 2 * MAX_VALUES


def count_values(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(count_values(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(count_values(v) for v in value)
    return 1


def test_strings_and_arrays_are_capped() -> None:
    document = document_of({})
    assert len(example_for({"type": "string", "minLength": 10**6}, document, no_loading, dialect="3.1")) \
        == MAX_STRING_LENGTH
    items = example_for({"type": "array", "minItems": 10**6, "items": {"type": "integer"}}, document, no_loading,
                        dialect="3.1")
    assert items == [1] * MAX_ITEMS


def test_a_ref_cycle_of_two_schemas_ends() -> None:
    document = document_of({"components": {"schemas": {
        "A": {"type": "object", "required": ["b"], "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }}})
    value = example_for({"$ref": "#/components/schemas/A"}, document, no_loading, dialect="3.1")
    # A, B, A again (required members only), B again, then the third A is cut off.
    assert value == {"b": {"a": {"b": {"a": {}}}}}


def test_the_value_is_a_copy_of_the_documents_example() -> None:
    document = document_of({"s": {"type": "object", "example": {"tags": ["a"]}}})
    value = example_for(document.data["s"], document, no_loading, dialect="3.0")
    value["tags"].append("changed")
    assert document.data["s"]["example"] == {"tags": ["a"]}


def test_the_same_schema_gives_the_same_value() -> None:
    case = next(c for c in CASES if c["id"] == "self-reference-ends-with-required-members")
    first = example_for(case["schema"], DOCUMENT, WORKSPACE.load_referenced, dialect="3.1")
    second = example_for(case["schema"], DOCUMENT, WORKSPACE.load_referenced, dialect="3.1")
    assert json.dumps(first) == json.dumps(second)


def test_an_external_document_that_cannot_be_read_gives_null() -> None:
    def failing(url: str, referrer: str) -> SourceDocument:
        raise LoadError(f"cannot read {url}")

    value = example_for({"$ref": "missing.yaml#/X"}, document_of({}), failing, dialect="3.1")
    assert value is None


KEYWORDS = ["type", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "properties", "required", "additionalProperties", "minProperties",
            "maxProperties", "items", "prefixItems", "minItems", "maxItems", "allOf", "oneOf", "anyOf", "not",
            "nullable", "enum", "const", "$ref", "example", "examples", "default", "contentEncoding"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                    st.sampled_from(["string", "integer", "number", "object", "array", "null", "boolean", "date",
                                     "^[a-z]{2}$", "(", "#/components/schemas/S", "#/nowhere", "other.json#/x"]))
ODD_SCHEMAS = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(KEYWORDS), children, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(schema=ODD_SCHEMAS, component=ODD_SCHEMAS, dialect=st.sampled_from(["3.0", "3.1", "2.0"]))
def test_odd_schemas_never_raise(schema: Any, component: Any, dialect: str) -> None:
    document = document_of({"components": {"schemas": {"S": component}}})

    def unreadable(url: str, referrer: str) -> SourceDocument:
        raise LoadError(f"cannot read {url}")

    value = example_for(schema, document, unreadable, dialect=dialect)
    json.dumps(value, allow_nan=False)  # always JSON
