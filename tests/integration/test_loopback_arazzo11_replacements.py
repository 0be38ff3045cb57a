"""Arazzo 1.1 payload replacement targets (JSON Pointer, JSONPath, XPath) as the loopback server receives the body.

Without ``targetSelectorType`` a target is a JSON Pointer for a JSON body and XPath (3.1) for an XML one; an
Arazzo 1.0 document keeps the 1.0 rules (a JSON Pointer, or the XPath subset for XML text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from doc_builder import ARAZZO_1_0, ARAZZO_1_1, WORKFLOW, Documents, operation, step
from recording_server import RecordingServer

from arazzo_runner.errors import DocumentError
from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner

ITEMS = {"items": [{"sku": "ABC123", "quantity": 1}, {"sku": "X9", "quantity": 2}, {"sku": "ABC123", "quantity": 3}]}
SOAP = ('<soap:Envelope xmlns:soap="urn:soap" xmlns:c="urn:customer"><soap:Header><c:CustomerId>0</c:CustomerId>'
        '</soap:Header></soap:Envelope>')


def post(docs: Documents, payload: Any, replacements: Sequence[Mapping[str, Any]], *,
         content_type: str | None = None, version: str = ARAZZO_1_1,
         inputs: Mapping[str, Any] | None = None) -> RunResult:
    """One POST /orders step with this payload and these replacements; the operation accepts JSON and XML."""
    body: dict[str, Any] = {"payload": payload, "replacements": list(replacements)}
    if content_type is not None:
        body["contentType"] = content_type
    content = {"application/json": {"schema": {}}, "application/xml": {"schema": {}}}
    document = docs.flow({"/orders": {"post": operation("place", requestBody={"content": content})}},
                         [step("place", "place", requestBody=body, outputs={"sent": "$request.body"})],
                         version=version)
    return Runner().run(document, WORKFLOW, {"id": 7, "name": "Rex", **(inputs or {})})


def replace(target: str, value: Any, selector: Any = None) -> dict[str, Any]:
    found = {"target": target, "value": value}
    if selector is not None:
        found["targetSelectorType"] = selector
    return found


JSON_CASES = [
    pytest.param({"petId": 0, "quantity": 1}, [replace("/petId", "$inputs.id")], None,
                 {"petId": 7, "quantity": 1}, id="omitted-json-pointer"),
    pytest.param(ITEMS, [replace("$.items[?(@.sku=='ABC123')].quantity", 10, "jsonpath")], None,
                 {"items": [{"sku": "ABC123", "quantity": 10}, {"sku": "X9", "quantity": 2},
                            {"sku": "ABC123", "quantity": 10}]}, id="spec-example-jsonpath-every-match"),
    pytest.param(ITEMS, [replace("$.items[*].quantity", 0, {"type": "jsonpath", "version": "rfc9535"})], None,
                 {"items": [{"sku": "ABC123", "quantity": 0}, {"sku": "X9", "quantity": 0},
                            {"sku": "ABC123", "quantity": 0}]}, id="jsonpath-expression-type-object"),
    pytest.param(ITEMS, [replace("$.items[1]", {"sku": "new"},
                                 {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"})], None,
                 {"items": [{"sku": "ABC123", "quantity": 1}, {"sku": "new"}, {"sku": "ABC123", "quantity": 3}]},
                 id="jsonpath-goessner-version"),
    pytest.param({"a": {"a": 1}}, [replace("$..a", "$inputs.name", "jsonpath")], None, {"a": "Rex"},
                 id="jsonpath-nested-matches-outer-wins"),
    pytest.param({"a": 1}, [replace("$", {"whole": True}, "jsonpath")], None, {"whole": True},
                 id="jsonpath-root-replaces-the-payload"),
    pytest.param('{"pet": {"name": "x"}}', [replace("$.pet.name", "$inputs.name", "jsonpath")], None,
                 {"pet": {"name": "Rex"}}, id="jsonpath-into-json-text"),
    pytest.param({"tags": ["a"]}, [replace("/tags/-", "b", {"type": "jsonpointer", "version": "rfc6901"}),
                                   replace("$.tags[0]", "A", "jsonpath")], None, {"tags": ["A", "b"]},
                 id="pointer-then-jsonpath-in-order"),
]


@pytest.mark.parametrize(("payload", "replacements", "content_type", "expected"), JSON_CASES)
def test_json_targets_set_the_payload(docs: Documents, server: RecordingServer, payload: Any,
                                      replacements: list[dict[str, Any]], content_type: str | None,
                                      expected: Any) -> None:
    result = post(docs, payload, replacements, content_type=content_type)

    assert result.status == "succeeded", result.error
    assert (server.last.method, server.last.target) == ("POST", "/orders")
    assert server.last.header("content-type") == "application/json"
    assert server.last.json() == expected
    assert result.steps[0].outputs["sent"] == expected


XML_CASES = [
    pytest.param("<order><id>0</id><qty>1</qty></order>", [replace("/order/id", "$inputs.id")], None,
                 "<order><id>7</id><qty>1</qty></order>", id="omitted-xpath-for-xml"),
    pytest.param("<Envelope><Header><CustomerId>0</CustomerId></Header></Envelope>",
                 [replace("/Envelope/Header/CustomerId", 42, {"type": "xpath", "version": "xpath-30"})], None,
                 "<Envelope><Header><CustomerId>42</CustomerId></Header></Envelope>", id="spec-example-xpath-30"),
    pytest.param(SOAP, [replace("/soap:Envelope/soap:Header/c:CustomerId", 42, "xpath")], None,
                 '<ns0:Envelope xmlns:ns0="urn:soap" xmlns:ns1="urn:customer"><ns0:Header><ns1:CustomerId>42'
                 "</ns1:CustomerId></ns0:Header></ns0:Envelope>", id="payload-prefixes-bound"),
    pytest.param('<order xmlns="urn:o"><id>0</id></order>', [replace("/order/id", "$inputs.id")], None,
                 '<order xmlns="urn:o"><id>7</id></order>', id="root-default-namespace-bound"),
    pytest.param('<list><item sku="A" qty="1"/><item sku="B" qty="1"/><item sku="A" qty="1"/></list>',
                 [replace("//item[@sku='A']/@qty", 5, "xpath")], None,
                 '<list><item sku="A" qty="5" /><item sku="B" qty="1" /><item sku="A" qty="5" /></list>',
                 id="every-matching-attribute"),
    pytest.param("<p>a<b>x</b>tail</p>", [replace("/p/text()[2]", "T", "xpath")], None, "<p>a<b>x</b>T</p>",
                 id="text-node-after-a-child"),
    pytest.param('<?xml version="1.0"?>\n<!-- kept --><a><b>0</b></a>', [replace("/a/b", "$inputs.name")], None,
                 '<?xml version="1.0"?>\n<a><b>Rex</b></a>', id="declaration-kept"),
    pytest.param("<a><b>0</b></a>", [replace("/a/b", "1 < 2 & 3")], None, "<a><b>1 &lt; 2 &amp; 3</b></a>",
                 id="value-escaped-as-character-data"),
    pytest.param("<a><b>0</b></a>", [replace("/a/b", 9)], "text/plain", "<a><b>9</b></a>",
                 id="other-media-xml-text-takes-xpath"),
]


@pytest.mark.parametrize(("payload", "replacements", "content_type", "expected"), XML_CASES)
def test_xml_targets_set_the_payload(docs: Documents, server: RecordingServer, payload: str,
                                     replacements: list[dict[str, Any]], content_type: str | None,
                                     expected: str) -> None:
    result = post(docs, payload, replacements, content_type=content_type or "application/xml")

    assert result.status == "succeeded", result.error
    assert server.last.header("content-type") == (content_type or "application/xml")
    assert server.last.text() == expected


def test_a_form_body_takes_json_pointer_and_jsonpath_targets(docs: Documents, server: RecordingServer) -> None:
    form = "application/x-www-form-urlencoded"
    result = post(docs, {"a": "1", "b": "2"}, [replace("/b", "$inputs.name"), replace("$.a", "x y", "jsonpath")],
                  content_type=form)

    assert result.status == "succeeded", result.error
    assert server.last.text() == "a=x+y&b=Rex"


RUN_FAILURES = [
    pytest.param(ITEMS, [replace("$.orders[*].quantity", 1, "jsonpath")], "application/json",
                 "replacement target '$.orders[*].quantity' (JSONPath) selects nothing in the payload",
                 id="jsonpath-selects-nothing"),
    pytest.param("<a><b/></a>", [replace("/a/c", 1)], "application/xml",
                 "replacement target '/a/c' (XPath) matches nothing in the XML payload", id="xpath-matches-nothing"),
    pytest.param("<a><b/></a>", [replace("/p:a", 1)], "application/xml",
                 "replacement target '/p:a' (XPath) is not an XPath expression: ", id="xpath-prefix-the-payload-lacks"),
    pytest.param("<a><b/></a>", [replace("count(/a/b)", 1)], "application/xml",
                 "replacement target 'count(/a/b)' (XPath) evaluates to '1', not to nodes of the payload",
                 id="xpath-not-nodes"),
    pytest.param("<a><!--c--></a>", [replace("/a/comment()", 1)], "application/xml",
                 "replacement target '/a/comment()' (XPath) selects a comment node, which takes no value",
                 id="xpath-comment-node"),
    pytest.param("<a><b/></a>", [replace("/a/b", "$inputs.tags")], "application/xml",
                 "replacement target '/a/b' (XPath) takes a text value on an XML payload, not a structure",
                 id="xpath-structure-value"),
    pytest.param('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', [replace("/a", 1)], "application/xml",
                 "the XML payload has a DOCTYPE or ENTITY declaration, which is refused", id="xml-doctype-refused"),
    pytest.param("$inputs.xml", [replace("$.a", 1, "jsonpath")], "text/plain",
                 "replacement target '$.a' (JSONPath) needs a JSON payload, but the payload is XML",
                 id="jsonpath-on-xml-text"),
    pytest.param("$inputs.json", [replace("/a", 1, "xpath")], "text/plain",
                 "replacement target '/a' (XPath) needs an XML payload (XML text)", id="xpath-on-a-json-value"),
]


@pytest.mark.parametrize(("payload", "replacements", "content_type", "message"), RUN_FAILURES)
def test_a_target_that_cannot_be_applied_fails_the_step_before_sending(
        docs: Documents, server: RecordingServer, payload: Any, replacements: list[dict[str, Any]],
        content_type: str, message: str) -> None:
    result = post(docs, payload, replacements, content_type=content_type,
                  inputs={"tags": ["a"], "xml": "<a/>", "json": {"a": 1}})

    assert result.status == "failed"
    assert message in (result.steps[0].error or ""), result.steps[0].error
    assert server.requests == []


def test_an_invalid_target_is_refused_before_any_request(docs: Documents, server: RecordingServer) -> None:
    with pytest.raises(DocumentError) as caught:
        post(docs, ITEMS, [replace("$.items[", 1, "jsonpath")])

    (found,) = [d for d in caught.value.diagnostics if d.rule == "invalid-replacement-target"]
    assert found.message == ("replacement target '$.items[' (JSONPath) is not a JSONPath query: unbalanced "
                             "brackets, line 1, column 8")
    assert found.location.pointer == "/workflows/0/steps/0/requestBody/replacements/0/target"
    assert server.requests == []


def test_a_1_0_document_keeps_the_1_0_xpath_subset(docs: Documents, server: RecordingServer) -> None:
    # 1.0 matches local names in any namespace and ignores an undeclared prefix; 1.1 XPath would refuse '/p:a'.
    result = post(docs, '<a xmlns="urn:a"><b>0</b></a>', [replace("/p:a/b", "$inputs.id")],
                  content_type="application/xml", version=ARAZZO_1_0)

    assert result.status == "succeeded", result.error
    assert server.last.text() == '<ns0:a xmlns:ns0="urn:a"><ns0:b>7</ns0:b></ns0:a>'


def test_a_1_0_document_reads_a_jsonpath_looking_target_as_a_json_pointer(docs: Documents,
                                                                          server: RecordingServer) -> None:
    result = post(docs, ITEMS, [replace("$.items[0].quantity", 5)], version=ARAZZO_1_0)

    assert result.status == "failed"
    assert "replacement target '$.items[0].quantity' is not a JSON Pointer (it must start with '/')" in (
        result.steps[0].error or "")
    assert server.requests == []


def test_a_1_0_document_is_told_target_selector_type_is_arazzo_1_1(docs: Documents, server: RecordingServer) -> None:
    with pytest.raises(DocumentError) as caught:
        post(docs, ITEMS, [replace("$.items[0].quantity", 5, "jsonpath")], version=ARAZZO_1_0)

    (found,) = [d for d in caught.value.diagnostics if d.rule == "arazzo-1.1-field"]
    assert found.message.startswith("'targetSelectorType' is Arazzo 1.1; this document declares 1.0")
    assert found.location.pointer == "/workflows/0/steps/0/requestBody/replacements/0/targetSelectorType"
    assert server.requests == []
