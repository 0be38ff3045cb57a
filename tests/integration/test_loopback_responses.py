"""Responses as criteria and outputs see them: decoded by Content-Type, headers looked up case-insensitively."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, operation, step
from recording_server import RecordingServer, Reply

from arazzo_runner.events import StepResult
from arazzo_runner.runner import Runner


def fetch(docs: Documents, server: RecordingServer, reply: Reply, *, outputs: Mapping[str, str] | None = None,
          criteria: Sequence[Mapping[str, Any]] = ()) -> StepResult:
    """Run one GET /items step answered by ``reply``; return its step result."""
    server.reply(reply)
    fields: dict[str, Any] = {"outputs": dict(outputs or {})}
    if criteria:
        fields["successCriteria"] = list(criteria)
    document = docs.flow({"/items": {"get": operation("list")}}, [step("list", "list", **fields)])
    result = Runner().run(document, WORKFLOW, {})
    assert len(server.requests) == 1
    return result.steps[0]


def test_json_response_is_parsed_for_pointers_and_conditions(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(body={"pet": {"name": "Rex", "tags": ["good", "boy"], "age": 3}})

    outcome = fetch(docs, server, reply,
                    outputs={"name": "$response.body#/pet/name", "second": "$response.body#/pet/tags/1",
                             "pet": "$response.body#/pet"},
                    criteria=[{"condition": "$statusCode == 200"},
                              {"condition": "$response.body.pet.name == 'rex' && $response.body.pet.age > 2"},
                              {"context": "$response.body", "condition": "$.pet.tags[?@ == 'boy']",
                               "type": "jsonpath"}])

    assert outcome.status == "succeeded", outcome.error
    assert outcome.outputs == {"name": "Rex", "second": "boy",
                               "pet": {"name": "Rex", "tags": ["good", "boy"], "age": 3}}
    assert outcome.warnings == ()


@pytest.mark.parametrize("media_type", ["application/problem+json", "application/vnd.api+json; charset=utf-8",
                                        "application/json; charset=utf-8"])
def test_json_suffix_media_types_are_parsed(docs: Documents, server: RecordingServer, media_type: str) -> None:
    reply = Reply(status=200, body=b'{"detail": "over quota", "count": 2}', headers={"Content-Type": media_type})

    outcome = fetch(docs, server, reply, outputs={"detail": "$response.body#/detail", "count": "$response.body#/count"})

    assert outcome.outputs == {"detail": "over quota", "count": 2}


def test_form_encoded_response_becomes_an_object(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(body=b"token=abc%2F1&scope=a+b&scope=c",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})

    outcome = fetch(docs, server, reply, outputs={"token": "$response.body#/token", "scope": "$response.body#/scope"},
                    criteria=[{"condition": "$response.body.token == 'abc/1'"}])

    assert outcome.status == "succeeded", outcome.error
    assert outcome.outputs == {"token": "abc/1", "scope": ["a b", "c"]}


XML = '<?xml version="1.0"?><pets><pet id="7"><name>Rex</name></pet><pet id="8"><name>Max</name></pet></pets>'


def test_xml_response_is_kept_as_text_for_xpath_and_regex_criteria(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(body=XML.encode(), headers={"Content-Type": "application/xml"})

    outcome = fetch(docs, server, reply, outputs={"raw": "$response.body"},
                    criteria=[{"context": "$response.body", "type": "xpath",
                               "condition": "count(/pets/pet) = 2 and /pets/pet[@id='8']/name = 'Max'"},
                              {"context": "$response.body", "type": "regex", "condition": r"<name>R\w+</name>"}])

    assert outcome.status == "succeeded", outcome.error
    assert outcome.outputs == {"raw": XML}


@pytest.mark.parametrize("criterion", [
    pytest.param({"context": "$response.body", "type": "xpath", "condition": "/pets/pet[@id='7']/name = 'Max'"},
                 id="xpath"),
    pytest.param({"context": "$response.body", "type": "regex", "condition": "<name>Fido</name>"}, id="regex"),
])
def test_unmet_criterion_on_xml_text_fails_the_step(docs: Documents, server: RecordingServer,
                                                    criterion: dict[str, str]) -> None:
    reply = Reply(body=XML.encode(), headers={"Content-Type": "text/xml; charset=utf-8"})

    outcome = fetch(docs, server, reply, criteria=[criterion])

    assert outcome.status == "failed"
    assert (outcome.error or "").startswith(f"success criterion not met: {criterion['condition']}")


def test_a_json_pointer_into_xml_text_has_no_value(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(body=XML.encode(), headers={"Content-Type": "application/xml"})

    outcome = fetch(docs, server, reply, outputs={"name": "$response.body#/pets"})

    assert outcome.outputs == {}
    assert outcome.warnings == ("output 'name' not set: $response.body#/pets has no value",)


def test_plain_text_response_is_kept_as_text(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(body="status: ready\n")

    outcome = fetch(docs, server, reply, outputs={"text": "$response.body"},
                    criteria=[{"context": "$response.body", "type": "regex", "condition": "^status: (ready|done)$"}])

    assert outcome.status == "succeeded", outcome.error
    assert outcome.outputs == {"text": "status: ready\n"}


def test_invalid_json_under_a_json_content_type_warns_and_keeps_the_text(docs: Documents,
                                                                          server: RecordingServer) -> None:
    reply = Reply(body=b"{not: json", headers={"Content-Type": "application/json"})

    outcome = fetch(docs, server, reply, outputs={"raw": "$response.body"})

    assert outcome.status == "succeeded", outcome.error
    assert outcome.outputs == {"raw": "{not: json"}
    (warning,) = outcome.warnings
    assert warning.startswith("response declared application/json but is not valid JSON")


def test_empty_body_has_no_value_but_status_criteria_still_pass(docs: Documents, server: RecordingServer) -> None:
    outcome = fetch(docs, server, Reply(status=204, body=None), outputs={"body": "$response.body"},
                    criteria=[{"condition": "$statusCode == 204"}, {"condition": "$response.body == null"}])

    assert outcome.status == "succeeded", outcome.error
    assert outcome.status_code == 204
    assert outcome.outputs == {}
    assert outcome.warnings == ("output 'body' not set: $response.body has no value",)


def test_response_headers_are_looked_up_case_insensitively(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(headers={"x-Request-ID": "abc-123", "Location": "/items/9"})

    outcome = fetch(docs, server, reply,
                    outputs={"upper": "$response.header.X-REQUEST-ID", "lower": "$response.header.x-request-id",
                             "location": "$response.header.location"},
                    criteria=[{"condition": "$response.header.X-Request-Id == 'ABC-123'"}])

    assert outcome.status == "succeeded", outcome.error
    assert outcome.outputs == {"upper": "abc-123", "lower": "abc-123", "location": "/items/9"}


def test_failing_status_criterion_reports_code_and_body(docs: Documents, server: RecordingServer) -> None:
    reply = Reply(status=404, body={"error": "no such item"})

    outcome = fetch(docs, server, reply, criteria=[{"condition": "$statusCode == 200"}])

    assert outcome.status == "failed"
    assert outcome.status_code == 404
    assert outcome.error == 'success criterion not met: $statusCode == 200; HTTP 404: {"error": "no such item"}'
