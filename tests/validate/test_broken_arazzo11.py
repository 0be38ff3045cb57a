"""Broken Arazzo 1.1 documents: querystring parameters, payload replacement targets and action parameters; and
these 1.1 constructs in 1.0 documents, refused as such."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from arazzo_runner.documents import validate
from tests.validate.broken import HEADER_1_1, Broken, arazzo, assert_reported
from tests.validate.support import PETS_OPENAPI, brief, write


def arazzo11(body: str) -> str:
    """A 1.1 document: :data:`HEADER_1_1` (7 lines) and ``body`` from line 8."""
    return arazzo(body, HEADER_1_1)


QUERYSTRING = [
    Broken(
        "querystring-with-a-query-parameter",
        arazzo11("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: q
                        in: querystring
                        value: a=1
                      - name: limit
                        in: query
                        value: 5
            """),
        "querystring-with-query", "step 'list': querystring parameter 'q' is the whole query string; it cannot be "
        "combined with query parameter 'limit'", 15, 13,
    ),
    Broken(
        "querystring-with-an-inherited-query-parameter",
        arazzo11("""\
            workflows:
              - workflowId: main
                parameters:
                  - name: limit
                    in: query
                    value: 5
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: q
                        in: querystring
                        value: a=1
            """),
        "querystring-with-query", "with query parameter 'limit' (inherited from the workflow)", 19, 13,
    ),
    Broken(
        "query-parameter-beside-an-inherited-querystring-is-shown-at-the-step",
        arazzo11("""\
            workflows:
              - workflowId: main
                parameters:
                  - name: q
                    in: querystring
                    value: a=1
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: limit
                        in: query
                        value: 5
            """),
        "querystring-with-query", "querystring parameter 'q' (inherited from the workflow) is the whole query string",
        19, 13,
    ),
    Broken(
        "both-inherited-shown-at-the-workflow-parameter",
        arazzo11("""\
            workflows:
              - workflowId: main
                parameters:
                  - name: q
                    in: querystring
                    value: a=1
                  - name: limit
                    in: query
                    value: 5
                steps:
                  - stepId: list
                    operationId: listPets
            """),
        "querystring-with-query", "step 'list': querystring parameter 'q' (inherited from the workflow)", 12, 9,
    ),
    Broken(
        "querystring-from-a-component-with-a-query-parameter",
        arazzo11("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - reference: $components.parameters.search
                      - name: limit
                        in: query
                        value: 5
            components:
              parameters:
                search:
                  name: q
                  in: querystring
                  value: a=1
            """),
        "querystring-with-query", "querystring parameter 'q' is the whole query string", 14, 13,
    ),
    Broken(
        "two-querystring-parameters",
        arazzo11("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: p
                        in: querystring
                        value: a=1
                      - name: q
                        in: querystring
                        value: b=2
            """),
        "duplicate-querystring", "step 'list' has querystring parameters 'p' and 'q'; a request has one query string",
        18, 13,
    ),
    Broken(
        "parameter-without-in-names-querystring-in-1.1",
        arazzo11("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: limit
                        value: 5
            """),
        "parameter-in-required", "needs 'in' (path, query, querystring, header or cookie)", 14, 13,
        also=("schema-required",),
    ),
]

def replacing(target: str, content_type: str, payload: str = "{}", selector: str = "") -> str:
    """A 1.1 document whose step ``add`` sends ``payload`` with one replacement; its ``target`` is on line 17,
    column 15, and a ``targetSelectorType`` line (``selector``) on line 18."""
    chosen = f"\n{' ' * 22}targetSelectorType: {selector}" if selector else ""
    return arazzo11(f"""\
        workflows:
          - workflowId: main
            steps:
              - stepId: add
                operationId: createPet
                requestBody:
                  contentType: {content_type}
                  payload: '{payload}'
                  replacements:
                    - target: '{target}'{chosen}
                      value: 1
        """)


REPLACEMENT_TARGETS = [
    Broken(
        "jsonpath-target-that-does-not-parse",
        replacing("$.items[", "application/json", selector="jsonpath"),
        "invalid-replacement-target", "replacement target '$.items[' (JSONPath) is not a JSONPath query: unbalanced "
        "brackets, line 1, column 8", 17, 15,
    ),
    Broken(
        "xpath-target-that-does-not-parse",
        replacing("/order[", "text/plain", "<order/>", selector="xpath"),
        "invalid-replacement-target", "replacement target '/order[' (XPath) is not an XPath expression", 17, 15,
    ),
    Broken(
        "xpath-1.0-target-that-does-not-parse",
        replacing("/order/id()", "application/xml", "<order/>",
                  selector=f"\n{' ' * 24}type: xpath\n{' ' * 24}version: xpath-10"),
        "invalid-replacement-target", "replacement target '/order/id()' (XPath) is not an XPath expression", 17, 15,
    ),
    Broken(
        "omitted-type-on-json-is-a-json-pointer",
        replacing("items/0", "application/json"),
        "invalid-replacement-target", "replacement target 'items/0' (JSON Pointer) is not a JSON Pointer (it must "
        "start with '/')", 17, 15,
    ),
    Broken(
        "omitted-type-on-xml-is-xpath",
        replacing("/order[", "application/xml", "<order/>"),
        "invalid-replacement-target", "replacement target '/order[' (XPath) is not an XPath expression: '(end)' end "
        "at line 1, column 7: [err:XPST0003] unexpected end of source", 17, 15,
    ),
    Broken(
        "omitted-type-on-a-literal-xml-payload-without-a-stated-media-type",
        replacing("/order[", "text/plain", "<order/>"),
        "invalid-replacement-target", "replacement target '/order[' (XPath)", 17, 15,
    ),
    Broken(
        "jsonpath-on-an-xml-body",
        replacing("$.id", "application/xml", "<order/>", selector="jsonpath"),
        "invalid-replacement-target", "replacement target '$.id' is read as jsonpath, which cannot address an XML "
        "payload (application/xml)", 18, 15,
    ),
    Broken(
        "xpath-on-a-json-body",
        replacing("/order/id", "application/problem+json", selector="xpath"),
        "invalid-replacement-target", "replacement target '/order/id' is read as xpath, which cannot address a JSON "
        "payload (application/problem+json)", 18, 15,
    ),
    Broken(
        "json-pointer-with-a-bad-escape",
        replacing("/a~2", "application/json", selector="jsonpointer"),
        "invalid-replacement-target", "replacement target '/a~2' (JSON Pointer) is not a JSON Pointer: invalid JSON "
        "Pointer '/a~2': Found invalid escape ~2", 17, 15,
    ),
]

def acting(parameters: str, action: str = "workflowId: other", components: str = "") -> str:
    """A 1.1 document whose step ``list`` has one success action ``next`` (its ``parameters:`` key on line 17,
    column 13, the first parameter's first key on line 18, column 17), a workflow ``other``, then ``components``."""
    body = textwrap.dedent("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                onSuccess:
                  - name: next
                    type: goto
                    ACTION
                    parameters:
        """).replace("ACTION", action)
    body += textwrap.indent(textwrap.dedent(parameters), " " * 14)
    body += textwrap.indent(textwrap.dedent("""\
        - workflowId: other
          steps:
            - stepId: get
              operationId: listPets
        """), "  ")
    return HEADER_1_1 + body + textwrap.dedent(components)


ACTION_PARAMETERS = [
    Broken(
        "in-on-an-action-parameter",
        acting("""\
            - name: id
              in: query
              value: 1
            """),
        "action-parameter-in", "parameter 'id' of goto action 'next' has 'in: query'; an action's parameters are the "
        "inputs of workflow 'other' and take no 'in'", 19, 17,
    ),
    Broken(
        "in-on-a-referenced-parameter",
        acting("""\
            - reference: $components.parameters.limit
            """, components="""\
            components:
              parameters:
                limit:
                  name: limit
                  in: query
                  value: 10
            """),
        "action-parameter-in", "parameter 'limit' of goto action 'next' has 'in: query'; an action's parameters are "
        "the inputs of workflow 'other' and take no 'in' (from $components.parameters.limit)", 18, 17,
    ),
    Broken(
        "parameters-on-a-goto-to-a-step",
        acting("""\
            - name: id
              value: 1
            """, action="stepId: list"),
        "action-parameters-without-workflow", "goto action 'next' has parameters, which are the inputs of the "
        "workflow it goes to, but it names no workflowId", 17, 13,
    ),
    Broken(
        "in-on-a-component-action-parameter",
        arazzo11("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            components:
              failureActions:
                again:
                  name: again
                  type: retry
                  workflowId: main
                  parameters:
                    - name: a
                      in: header
                      value: 1
            """),
        "action-parameter-in", "parameter 'a' of retry action 'again' has 'in: header'; an action's parameters are "
        "the inputs of workflow 'main' and take no 'in'", 21, 11,
    ),
    Broken(
        "an-action-parameter-given-twice",
        acting("""\
            - name: id
              value: 1
            - name: id
              value: 2
            """),
        "duplicate-parameter", "duplicate action parameter 'id' (first defined at line 18)", 20, 17,
    ),
    Broken(
        "an-action-parameter-without-a-value",
        acting("""\
            - name: id
            """),
        "schema-required", "'value' is a required property (at workflows/0/steps/0/onSuccess/0/parameters/0)", 18, 17,
    ),
    Broken(
        "an-action-parameter-reading-an-unknown-step",
        acting("""\
            - name: id
              value: $steps.nope.outputs.id
            """),
        "unknown-step-reference", "'$steps.nope.outputs.id' refers to step 'nope', which is not a step of workflow "
        "'main'", 19, 17,
    ),
]

IN_A_1_0_DOCUMENT = [
    Broken(
        "querystring-workflow-parameter-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                parameters:
                  - name: q
                    in: querystring
                    value: a=1
                steps:
                  - stepId: list
                    operationId: listPets
            """),
        "arazzo-1.1-field", "'in: querystring' is Arazzo 1.1; this document declares 1.0", 12, 9,
    ),
    Broken(
        "querystring-component-parameter-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            components:
              parameters:
                search:
                  name: q
                  in: querystring
                  value: a=1
            """),
        "arazzo-1.1-field", "'in: querystring' is Arazzo 1.1", 17, 7,
    ),
    Broken(
        "target-selector-type-in-a-1.0-document",
        replacing("$.id", "application/json", selector="jsonpath").replace("arazzo: 1.1.0", "arazzo: 1.0.1"),
        "arazzo-1.1-field", "'targetSelectorType' is Arazzo 1.1; this document declares 1.0", 18, 15,
    ),
    Broken(
        "component-action-parameters-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            components:
              successActions:
                next:
                  name: next
                  type: goto
                  workflowId: main
                  parameters:
                    - name: id
                      value: 1
            """),
        "arazzo-1.1-field", "action 'parameters' is Arazzo 1.1", 19, 7,
    ),
]

CASES = [*QUERYSTRING, *REPLACEMENT_TARGETS, *ACTION_PARAMETERS, *IN_A_1_0_DOCUMENT]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)


CLEAN_1_1 = {
    "literal-replacement-values-and-targets-of-every-type": arazzo11("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: add
                operationId: createPet
                requestBody:
                  contentType: application/json
                  payload:
                    items: []
                  replacements:
                    - target: /items/-
                      value: 10
                    - target: $.items[?(@.sku=='ABC123')].quantity
                      targetSelectorType: jsonpath
                      value: {quantity: 2}
                    - target: /items
                      targetSelectorType:
                        type: jsonpointer
                        version: rfc6901
                      value: [1, 2]
              - stepId: soap
                operationId: createPet
                requestBody:
                  contentType: application/xml
                  payload: <s:Envelope xmlns:s="urn:s"><s:Header/></s:Envelope>
                  replacements:
                    - target: /s:Envelope/s:Header
                      value: 7
                    - target: /Envelope/Header
                      targetSelectorType:
                        type: xpath
                        version: xpath-30
                      value: true
        """),
}


@pytest.mark.parametrize("name", CLEAN_1_1)
def test_clean_1_1_document_reports_nothing(tmp_path: Path, name: str) -> None:
    assert brief(validate(write(tmp_path, {"doc.arazzo.yaml": CLEAN_1_1[name], "api.yaml": PETS_OPENAPI}))) == []
