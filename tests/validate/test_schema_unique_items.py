"""``uniqueItems`` of the Arazzo schema is checked in linear time, with JSON's own equality."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.validate.schema import _validator

CASES = [
    pytest.param([{"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}], False, id="objects-equal-whatever-the-key-order"),
    pytest.param([1, 1.0], False, id="an-integer-equals-the-same-float"),
    pytest.param([True, 1], True, id="true-is-not-one"),
    pytest.param([False, 0, None], True, id="false-zero-and-null-differ"),
    pytest.param([[1, 2], [2, 1]], True, id="array-order-matters"),
    pytest.param(["a", "b", "a"], False, id="repeated-strings"),
    pytest.param([{"a": {"b": [{"c": 1}]}}, {"a": {"b": [{"c": 1.0}]}}], False, id="deeply-equal"),
]


@pytest.mark.parametrize(("items", "unique"), CASES)
def test_unique_items_compares_json_values(items: list[Any], unique: bool) -> None:
    checker = _validator().evolve(schema={"uniqueItems": True})

    errors = list(checker.iter_errors(items))

    assert (not errors) is unique
    assert all("the items must be unique" in error.message for error in errors)
