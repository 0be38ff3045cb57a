"""Broken Arazzo 1.1 documents: querystring parameters, payload replacement targets and action parameters; and
these 1.1 constructs in 1.0 documents, refused as such."""

from __future__ import annotations

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

CASES = [*QUERYSTRING, *IN_A_1_0_DOCUMENT]


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
