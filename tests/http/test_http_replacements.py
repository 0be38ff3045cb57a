"""Payload replacements at JSON Pointer and XPath targets."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.bodies import apply_replacements

ORDER: dict[str, Any] = {"pet": {"id": 1, "tags": ["a", "b"]}, "a/b": 0, "m~n": 0, "": "empty-key"}


@pytest.mark.parametrize(
    ("target", "value", "expected_at"),
    [
        pytest.param("/pet/id", 42, ("pet", "id"), id="set-existing-member"),
        pytest.param("/pet/name", "Rex", ("pet", "name"), id="add-new-member"),
        pytest.param("/pet/tags/1", "z", ("pet", "tags", 1), id="set-index"),
        pytest.param("/pet/tags/-", "c", ("pet", "tags", 2), id="append-with-dash"),
        pytest.param("/a~1b", 1, ("a/b",), id="escaped-slash"),
        pytest.param("/m~0n", 1, ("m~n",), id="escaped-tilde"),
        pytest.param("/", "set", ("",), id="empty-key"),
        pytest.param("#/pet/id", 7, ("pet", "id"), id="uri-fragment-form"),
        pytest.param("/pet/owner", {"name": "x"}, ("pet", "owner"), id="structured-value"),
    ],
)
def test_json_pointer_targets(target: str, value: Any, expected_at: tuple[Any, ...]) -> None:
    result = apply_replacements(ORDER, [(target, value)])
    node = result
    for step in expected_at:
        node = node[step]
    assert node == value


def test_the_original_payload_and_values_are_not_mutated() -> None:
    value = {"deep": [1]}
    result = apply_replacements(ORDER, [("/pet/tags/-", "c"), ("/pet/extra", value)])
    result["pet"]["extra"]["deep"].append(2)
    assert ORDER["pet"]["tags"] == ["a", "b"] and "extra" not in ORDER["pet"]
    assert value == {"deep": [1]}


def test_replacements_apply_in_order() -> None:
    result = apply_replacements({}, [("/a", {}), ("/a/b", [1]), ("/a/b/-", 2), ("/a/b/0", 0)])
    assert result == {"a": {"b": [0, 2]}}


def test_empty_pointer_replaces_the_whole_payload() -> None:
    assert apply_replacements({"a": 1}, [("", [1, 2])]) == [1, 2]


def test_frozen_inputs_are_thawed_into_plain_containers() -> None:
    frozen = MappingProxyType({"items": ({"id": 1},)})
    assert apply_replacements(frozen, [("/items/0/id", 2)]) == {"items": [{"id": 2}]}


def test_string_json_payload_is_parsed_and_returned_as_a_value() -> None:
    assert apply_replacements('{"a": {"b": 1}}', [("/a/b", 2)]) == {"a": {"b": 2}}


def test_no_replacements_returns_an_equal_copy() -> None:
    result = apply_replacements(ORDER, [])
    assert result == ORDER and result is not ORDER
    assert apply_replacements("plain text", []) == "plain text"


@pytest.mark.parametrize(
    ("payload", "target", "message"),
    [
        (
            {"pet": {}},
            "/owner/name",
            "replacement target '/owner/name': parent '/owner' does not exist in the payload",
        ),
        (
            {"pet": {"tags": []}},
            "/pet/tags/0/name",
            "replacement target '/pet/tags/0/name': parent '/pet/tags/0' does not exist in the payload",
        ),
        (
            {"tags": ["a"]},
            "/tags/1",
            "replacement target '/tags/1': index '1' is not in the array at /tags "
            "(1 items; use '-' to append)",
        ),
        (
            {"tags": ["a", "b"]},
            "/tags/01",
            "replacement target '/tags/01': index '01' is not in the array at /tags "
            "(2 items; use '-' to append)",
        ),
        (
            ["a"],
            "/x",
            "replacement target '/x': index 'x' is not in the array at the payload root "
            "(1 items; use '-' to append)",
        ),
        (
            {"id": 5},
            "/id/x",
            "replacement target '/id/x': the parent at /id is a int, not an object or array",
        ),
        (
            {"id": None},
            "/id/x",
            "replacement target '/id/x': the parent at /id is null, not an object or array",
        ),
        ({"a": 1}, "a", "replacement target 'a' is not a JSON Pointer (it must start with '/')"),
        ("not json", "/a", "replacement targets need a JSON or XML payload; the string is neither"),
        (b"\x00", "/a", "replacement targets cannot be applied to a binary payload"),
    ],
)
def test_json_replacement_errors_name_the_target(payload: Any, target: str, message: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        apply_replacements(payload, [(target, 1)])
    assert str(caught.value) == message


XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<order id="1"><!-- keep me --><item sku="a"><qty>1</qty></item><item sku="b"><qty>2</qty></item>'
    "<note/></order>"
)


@pytest.mark.parametrize(
    ("target", "value", "fragment"),
    [
        pytest.param("/order/note", "fragile", "<note>fragile</note>", id="element-text"),
        pytest.param("/order/note/text()", "x", "<note>x</note>", id="text-node"),
        pytest.param("/order/@id", 9, '<order id="9">', id="root-attribute"),
        pytest.param("/order/item[2]/qty", 5, '<item sku="b"><qty>5</qty>', id="positional-predicate"),
        pytest.param("/order/item[@sku='a']/qty", 7, '<item sku="a"><qty>7</qty>', id="attribute-predicate"),
        pytest.param("/order/item[last()]/@sku", "z", '<item sku="z">', id="last-predicate"),
        pytest.param("/order/note/@new", True, '<note new="true" />', id="attribute-added"),
        pytest.param(
            "//qty", 0, '<qty>0</qty></item><item sku="b"><qty>0</qty>', id="descendant-all-matches"
        ),
        pytest.param("/*/note", "w", "<note>w</note>", id="wildcard-root"),
    ],
)
def test_xpath_targets_on_xml_payloads(target: str, value: Any, fragment: str) -> None:
    result = apply_replacements(XML, [(target, value)])
    assert fragment in result
    assert result.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<order')
    assert "<!-- keep me -->" in result


def test_xpath_steps_match_local_names_in_any_namespace() -> None:
    payload = (
        '<s:Envelope xmlns:s="urn:soap"><s:Body><m:Price xmlns:m="urn:m">1</m:Price></s:Body></s:Envelope>'
    )
    result = apply_replacements(payload, [("/s:Envelope/s:Body/m:Price", "2")])
    assert ">2</" in result and "urn:m" in result and "urn:soap" in result


@pytest.mark.parametrize(
    ("target", "value", "message"),
    [
        ("/order/missing", 1, "replacement target '/order/missing' matches nothing in the XML payload"),
        ("/other/note", 1, "replacement target '/other/note' matches nothing in the XML payload"),
        (
            "/order/note",
            {"a": 1},
            "replacement target '/order/note': an XML target takes a text value, not a structure",
        ),
        (
            "order/note",
            1,
            "replacement target 'order/note' is not an absolute XPath (it must start with '/')",
        ),
        ("/order//note", 1, "replacement target '/order//note' is not in the supported XPath subset"),
        (
            "/order/@id/x",
            1,
            "replacement target '/order/@id/x': step '@id' is not in the supported XPath subset",
        ),
        ("/order/item[", 1, "replacement target '/order/item[' is not in the supported XPath subset"),
        ("/@id", 1, "replacement target '/@id' selects no element"),
    ],
)
def test_xpath_replacement_errors_name_the_target(target: str, value: Any, message: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        apply_replacements(XML, [(target, value)])
    assert str(caught.value) == message


def test_invalid_xml_payload_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        apply_replacements("<a><b></a>", [("/a/b", 1)])
    assert str(caught.value) == "the XML payload does not parse: mismatched tag: line 1, column 8"
