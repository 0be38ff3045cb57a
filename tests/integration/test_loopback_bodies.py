"""Request bodies: payload expressions, replacements, and encoding by media type, as the server receives them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, step
from recording_server import RecordingServer

from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner

INPUTS = {"id": 42, "name": "Rex", "price": 9.5, "vaccinated": True, "tags": ["a", "b"], "owner": None}


def post(docs: Documents, request_body: Mapping[str, Any], *, accepts: str = "application/json",
         inputs: Mapping[str, Any] = INPUTS) -> RunResult:
    """Run one POST /items step with this Arazzo ``requestBody``; the operation accepts ``accepts``."""
    document = docs.flow({"/items": {"post": operation("create", requestBody=json_body(accepts))}},
                         [step("create", "create", requestBody=dict(request_body))])
    return Runner().run(document, WORKFLOW, dict(inputs))


def test_json_payload_keeps_the_types_of_whole_value_expressions(docs: Documents, server: RecordingServer) -> None:
    payload = {"id": "$inputs.id", "price": "$inputs.price", "vaccinated": "$inputs.vaccinated",
               "tags": "$inputs.tags", "owner": "$inputs.owner", "nested": {"list": ["$inputs.id", 1, "x"]},
               "literal": 3}

    result = post(docs, {"contentType": "application/json", "payload": payload})

    assert result.status == "succeeded", result.error
    assert server.last.header("content-type") == "application/json"
    assert server.last.json() == {"id": 42, "price": 9.5, "vaccinated": True, "tags": ["a", "b"], "owner": None,
                                  "nested": {"list": [42, 1, "x"]}, "literal": 3}
    assert b'"id":42' in server.last.body


def test_embedded_templates_are_interpolated_as_text(docs: Documents, server: RecordingServer) -> None:
    payload = {"label": "{$inputs.name} #{$inputs.id}", "tags": "tags: {$inputs.tags}", "plain": "no braces"}

    result = post(docs, {"payload": payload})

    assert result.status == "succeeded", result.error
    assert server.last.json() == {"label": "Rex #42", "tags": 'tags: ["a","b"]', "plain": "no braces"}


def test_unset_whole_value_member_is_left_out_with_a_warning(docs: Documents, server: RecordingServer) -> None:
    result = post(docs, {"payload": {"name": "$inputs.name", "nickname": "$inputs.nickname"}})

    assert result.status == "succeeded", result.error
    assert server.last.json() == {"name": "Rex"}
    assert result.steps[0].warnings == ("payload member '/nickname' omitted: $inputs.nickname has no value",)


def test_replacements_set_members_and_append_with_dash_in_order(docs: Documents, server: RecordingServer) -> None:
    body = {
        "payload": {"pet": {"name": "placeholder", "age": 1}, "tags": ["first"]},
        "replacements": [
            {"target": "/pet/name", "value": "$inputs.name"},
            {"target": "/pet/id", "value": "$inputs.id"},
            {"target": "/tags/-", "value": "second"},
            {"target": "/tags/0", "value": "replaced"},
            {"target": "/tags/-", "value": "$inputs.tags"},
        ],
    }

    result = post(docs, body)

    assert result.status == "succeeded", result.error
    assert server.last.json() == {"pet": {"name": "Rex", "age": 1, "id": 42},
                                  "tags": ["replaced", "second", ["a", "b"]]}


def test_replacement_into_a_json_text_payload_sends_json(docs: Documents, server: RecordingServer) -> None:
    body = {"payload": '{"pet": {"name": "x"}}', "replacements": [{"target": "/pet/name", "value": "$inputs.name"}]}

    result = post(docs, body)

    assert result.status == "succeeded", result.error
    assert server.last.json() == {"pet": {"name": "Rex"}}


@pytest.mark.parametrize(("target", "fragment"), [
    pytest.param("/missing/name", "parent '/missing' does not exist", id="absent-parent"),
    pytest.param("/tags/5", "index '5' is not in the array", id="index-out-of-range"),
    pytest.param("pet", "is not a JSON Pointer", id="not-a-pointer"),
])
def test_bad_replacement_target_fails_the_step_naming_it_and_sends_nothing(
        docs: Documents, server: RecordingServer, target: str, fragment: str) -> None:
    body = {"payload": {"tags": ["a"]}, "replacements": [{"target": target, "value": 1}]}

    result = post(docs, body)

    assert result.status == "failed"
    error = result.steps[0].error or ""
    assert f"'{target}'" in error and fragment in error
    assert server.requests == []


def test_form_urlencoded_body_is_built_from_an_object(docs: Documents, server: RecordingServer) -> None:
    payload = {"name": "{$inputs.name} Jr & co", "tags": "$inputs.tags", "vaccinated": "$inputs.vaccinated",
               "id": "$inputs.id"}

    result = post(docs, {"contentType": "application/x-www-form-urlencoded", "payload": payload})

    assert result.status == "succeeded", result.error
    assert server.last.header("content-type") == "application/x-www-form-urlencoded"
    assert server.last.text() == "name=Rex+Jr+%26+co&tags=a&tags=b&vaccinated=true&id=42"


def test_multipart_body_has_one_part_per_member_and_array_item(docs: Documents, server: RecordingServer) -> None:
    payload = {"name": "$inputs.name", "tags": "$inputs.tags", "meta": {"id": "$inputs.id"}}

    result = post(docs, {"contentType": "multipart/form-data", "payload": payload})

    assert result.status == "succeeded", result.error
    content_type = server.last.header("content-type") or ""
    assert content_type.startswith("multipart/form-data; boundary=")
    assert server.last.multipart() == [
        ("name", None, None, b"Rex"),
        ("tags", None, None, b"a"),
        ("tags", None, None, b"b"),
        ("meta", None, "application/json", b'{"id":42}'),
    ]


def test_text_plain_payload_is_sent_as_interpolated_text(docs: Documents, server: RecordingServer) -> None:
    result = post(docs, {"contentType": "text/plain", "payload": "hello {$inputs.name}, you are {$inputs.id}"},
                  accepts="text/plain")

    assert result.status == "succeeded", result.error
    assert server.last.header("content-type") == "text/plain"
    assert server.last.body == b"hello Rex, you are 42"


def test_xml_payload_is_sent_as_the_string_given(docs: Documents, server: RecordingServer) -> None:
    xml = "<pet><id>{$inputs.id}</id><name>{$inputs.name}</name></pet>"

    result = post(docs, {"contentType": "application/xml", "payload": xml}, accepts="application/xml")

    assert result.status == "succeeded", result.error
    assert server.last.header("content-type") == "application/xml"
    assert server.last.text() == "<pet><id>42</id><name>Rex</name></pet>"


def test_xpath_replacements_edit_an_xml_payload(docs: Documents, server: RecordingServer) -> None:
    body = {
        "contentType": "application/xml",
        "payload": '<?xml version="1.0"?>\n<pet status="new"><name>x</name><tag>1</tag><tag>2</tag></pet>',
        "replacements": [{"target": "/pet/name", "value": "$inputs.name"},
                         {"target": "/pet/@status", "value": "sold"},
                         {"target": "//tag[2]", "value": "$inputs.id"}],
    }

    result = post(docs, body, accepts="application/xml")

    assert result.status == "succeeded", result.error
    assert server.last.text() == ('<?xml version="1.0"?>\n'
                                  '<pet status="sold"><name>Rex</name><tag>1</tag><tag>42</tag></pet>')


def test_xpath_replacement_that_matches_nothing_fails_the_step(docs: Documents, server: RecordingServer) -> None:
    body = {"contentType": "application/xml", "payload": "<pet><name>x</name></pet>",
            "replacements": [{"target": "/pet/owner", "value": "me"}]}

    result = post(docs, body, accepts="application/xml")

    assert result.status == "failed"
    assert "'/pet/owner' matches nothing" in (result.steps[0].error or "")
    assert server.requests == []


@pytest.mark.parametrize(("accepts", "payload", "expected_body"), [
    pytest.param("application/x-www-form-urlencoded", {"a": "1 2", "b": "$inputs.id"}, b"a=1+2&b=42", id="form"),
    pytest.param("application/merge-patch+json", {"a": "$inputs.id"}, b'{"a":42}', id="plus-json"),
    pytest.param("text/plain; charset=utf-8", "caf\u00e9 {$inputs.name}", "café Rex".encode(), id="text-charset"),
])
def test_content_type_comes_from_the_operation_when_the_step_gives_none(
        docs: Documents, server: RecordingServer, accepts: str, payload: Any, expected_body: bytes) -> None:
    result = post(docs, {"payload": payload}, accepts=accepts)

    assert result.status == "succeeded", result.error
    assert server.last.header("content-type") == accepts
    assert server.last.body == expected_body


def test_request_body_is_readable_back_through_request_body_expressions(docs: Documents,
                                                                        server: RecordingServer) -> None:
    document = docs.flow({"/items": {"post": operation("create", requestBody=json_body())}},
                         [step("create", "create", requestBody={"payload": {"id": "$inputs.id"}},
                               outputs={"sentId": "$request.body#/id"})])

    result = Runner().run(document, WORKFLOW, INPUTS)

    assert result.status == "succeeded", result.error
    assert result.steps[0].outputs == {"sentId": 42}
    assert json.loads(server.last.body) == {"id": 42}
