"""Broken documents, runtime expressions: ones that do not parse, and references to unknown or later steps.

Covers conditions, outputs and criterion contexts, undeclared step outputs and forward step references. Each
document reports its rule, a clear message and the exact line:column (see :mod:`tests.validate.broken`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.broken import Broken, arazzo, assert_reported

CASES = [
    # --- expressions ------------------------------------------------------------------------------------------------
    Broken(
        "condition-that-does-not-parse",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    successCriteria:
                      - condition: $statusCode == = 200
            """),
        "invalid-expression", ("invalid condition '$statusCode == = 200'", "'=' (compare with '==') at column 16"),
        14, 13,
    ),
    Broken(
        "output-expression-that-does-not-parse",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    outputs:
                      pets: $response.bodyy
            """),
        "invalid-expression", "invalid runtime expression in output 'pets' '$response.bodyy'", 14, 11,
    ),
    Broken(
        "criterion-context-that-is-not-an-expression",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    successCriteria:
                      - condition: ^200$
                        context: statusCode
                        type: regex
            """),
        "invalid-expression",
        ("invalid runtime expression in criterion context 'statusCode'", "starts with '$' at column 1"), 15, 13,
    ),
    Broken(
        "regex-criterion-without-context",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    successCriteria:
                      - condition: ^200$
                        type: regex
            """),
        "criterion-context-required", "a criterion with a type (regex) needs a 'context' expression", 15, 13,
    ),
    Broken(
        "simple-criterion-with-a-written-type-and-no-context",
        arazzo("""            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    successCriteria:
                      - condition: $statusCode == 200
                        type: simple
            """),
        "dialect-simple-type", "'type: simple' without a 'context' (1.0.1: a criterion that names its type MUST "
        "give a context)", 15, 13,
    ),
    Broken(
        "reference-to-an-unknown-step",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: limit
                        in: query
                        value: $steps.nope.outputs.count
            """),
        "unknown-step-reference", "refers to step 'nope', which is not a step of workflow 'main'", 16, 13,
    ),
    Broken(
        "reference-to-an-undeclared-step-output",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    outputs:
                      first: $response.body#/0/id
                  - stepId: get
                    operationId: getPet
                    parameters:
                      - name: id
                        in: path
                        value: $steps.list.outputs.second
            """),
        "unknown-step-output", "refers to output 'second', which step 'list' does not declare", 20, 13,
    ),
    Broken(
        "reference-to-a-later-step",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: get
                    operationId: getPet
                    parameters:
                      - name: id
                        in: path
                        value: $steps.list.outputs.first
                  - stepId: list
                    operationId: listPets
                    outputs:
                      first: $response.body#/0/id
            """),
        "forward-step-reference", "refers to step 'list', which runs after step 'get' in list order", 16, 13,
        severity="warning",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)
