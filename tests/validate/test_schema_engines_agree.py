"""The Arazzo schema is checked by jsonschema-rs first, and by jsonschema only when that finds a problem: the
two must agree on which documents are valid, or a document could pass that the diagnostics would refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.loader import parse_document
from arazzo_runner.validate.schema import _fast_validator, _validator

DATA = Path(__file__).resolve().parents[1] / "data"
DOCUMENTS = sorted(
    path for pattern in ("arazzo/schema-tests/**/*.yaml", "arazzo/examples/*.yaml", "**/*.arazzo.yaml",
                         "**/*.arazzo.json")
    for path in DATA.glob(pattern))
VERSIONS = ["1.0", "1.1"]


def _data(path: Path) -> Any:
    return parse_document(path.read_text("utf-8"), path.as_uri()).data


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", sorted(set(DOCUMENTS)), ids=lambda p: str(p.relative_to(DATA)))
def test_both_schema_engines_agree_on_validity(path: Path, version: str) -> None:
    data = _data(path)

    fast = _fast_validator(version).is_valid(data)
    full = not any(True for _ in _validator(version).iter_errors(data))

    assert fast == full


def test_the_reference_documents_include_valid_and_invalid_ones() -> None:
    verdicts = {_fast_validator("1.0").is_valid(_data(path)) for path in DOCUMENTS}

    assert len(DOCUMENTS) > 50
    assert verdicts == {True, False}


# --- mutated documents: every place of a valid document set to another JSON value, or removed -------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402 - the property test's own imports
from hypothesis import strategies as st  # noqa: E402

SEEDS = [path for path in DOCUMENTS if "schema-tests" in str(path) and "/pass/" in str(path)]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "$", "$inputs.x", "a.b", "x\n", "goto", "end", "retry", "simple", "jsonpath", "é"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["stepId", "workflowId", "type", "value", "name", "x-a", "in", "reference", "bad key"]),
        children, max_size=3),
    max_leaves=6)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _places(item, (*path, index))
    return found


def _mutated(data: Any, path: tuple[Any, ...], replacement: Any, remove: bool) -> Any:
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copied = dict(data)
        if not rest and remove:
            copied.pop(head)
        else:
            copied[head] = _mutated(data[head], rest, replacement, remove)
        return copied
    copied_list = list(data)
    if not rest and remove:
        copied_list.pop(head)
    else:
        copied_list[head] = _mutated(data[head], rest, replacement, remove)
    return copied_list


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), choice=st.integers(0, 10**6), replacement=JSON_VALUES, remove=st.booleans(),
       version=st.sampled_from(VERSIONS))
def test_both_schema_engines_agree_on_mutated_documents(seed: Path, choice: int, replacement: Any, remove: bool,
                                                        version: str) -> None:
    data = _data(seed)
    places = _places(data)
    document = _mutated(data, places[choice % len(places)], replacement, remove)

    fast = _fast_validator(version).is_valid(document)
    full = not any(True for _ in _validator(version).iter_errors(document))

    assert fast == full
