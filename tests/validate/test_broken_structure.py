"""Broken documents, structure and identity: version, JSON Schema, unique ids, step targets, parameters.

Each document reports its rule, a clear message and the exact line:column; :mod:`tests.validate.broken`
describes the header the documents share and where that puts their lines and columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.broken import HEADER, MIRROR_HEADER, Broken, arazzo, assert_reported
from tests.validate.support import PETS_OPENAPI


def version_on_line_4(version: str) -> str:
    """A complete, otherwise valid document whose ``arazzo`` field comes after ``info`` (line 4)."""
    return arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
        """, header=HEADER.replace("arazzo: 1.0.1\n", "").replace("sourceDescriptions:",
                                                                   f"arazzo: {version}\nsourceDescriptions:"))


CASES = [
    # --- version and JSON Schema ---------------------------------------------------------------------------
    Broken(
        "arazzo-1.2-is-not-this-engines-version",
        version_on_line_4("1.2.0"),
        "unsupported-version", "unsupported Arazzo version '1.2.0': this engine implements 1.0.x and 1.1.x", 4, 1,
    ),
    Broken(
        "a-1.1-step-timeout-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    timeout: 500
            """),
        "arazzo-1.1-field", "step field 'timeout' is Arazzo 1.1; this document declares 1.0 (write 'arazzo: 1.1.0'",
        13, 9,
    ),
    Broken(
        "a-1.1-selector-object-output-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    outputs:
                      first:
                        context: $response.body
                        selector: $.pets[0]
                        type: jsonpath
            """),
        "arazzo-1.1-field", "a Selector Object as an output value is Arazzo 1.1", 14, 11,
    ),
    Broken(
        "a-1.1-self-expression-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    outputs:
                      me: $self
            """),
        "arazzo-1.1-field", "'$self' is an Arazzo 1.1 expression; this document declares 1.0", 14, 11,
    ),
    Broken(
        "a-1.1-action-parameters-in-a-1.0-document",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: next
                        type: goto
                        workflowId: other
                        parameters:
                          - name: id
                            value: 1
              - workflowId: other
                steps:
                  - stepId: get
                    operationId: getPet
            """),
        "arazzo-1.1-field", "action 'parameters' is Arazzo 1.1", 17, 13,
    ),
    Broken(
        "arazzo-2.0-is-not-this-engines-version",
        version_on_line_4("2.0.0"),
        "unsupported-version", "unsupported Arazzo version '2.0.0'", 4, 1,
    ),
    Broken(
        "missing-info",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            """).replace("info:\n  title: Pets\n  version: 1.0.0\n", ""),
        "schema-required", "'info' is a required property", 1, 1,
    ),
    Broken(
        "info-version-written-as-a-number",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            """).replace("version: 1.0.0", "version: 1.0"),
        "schema-type", "1.0 is not of type 'string'", 4, 3,
    ),
    Broken(
        "unknown-property-on-a-step",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    summry: typo
            """),
        "schema-unevaluatedproperties", "'summry' was unexpected", 11, 9,
    ),
    Broken(
        "source-name-with-a-space",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            """).replace("name: api", "name: pets api"),
        "schema-pattern", "'pets api' does not match", 6, 5,
    ),
    Broken(
        "inputs-schema-with-a-numeric-type",
        arazzo("""\
            workflows:
              - workflowId: main
                inputs:
                  type: 12
                steps:
                  - stepId: list
                    operationId: listPets
            """),
        "invalid-inputs-schema", "12 is not one of ['array', 'boolean',", 11, 7,
    ),
    # --- uniqueness ------------------------------------------------------------------------------------------
    Broken(
        "duplicate-source-name",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            """, header=MIRROR_HEADER.replace("name: mirror", "name: api")),
        "duplicate-source-name", "duplicate source description name 'api' (first defined at line 6)", 8, 5,
        files={"api.yaml": PETS_OPENAPI, "mirror.yaml": PETS_OPENAPI},
    ),
    Broken(
        "duplicate-workflow-id",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
              - workflowId: main
                steps:
                  - stepId: get
                    operationId: getPet
            """),
        "duplicate-workflow-id", "duplicate workflowId 'main' (first defined at line 9)", 13, 5,
    ),
    Broken(
        "a-repeated-step-is-reported-at-the-repeat-without-echoing-the-steps",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                  - stepId: list
                    operationId: listPets
            """),
        "schema-uniqueitems", "item 1 repeats item 0: the items must be unique (at workflows/0/steps/1)", 13, 9,
        also=("duplicate-step-id",),
    ),
    Broken(
        "duplicate-step-id",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                  - stepId: list
                    operationId: createPet
            """),
        "duplicate-step-id", "duplicate stepId 'list' (first defined at line 11)", 13, 9,
    ),
    Broken(
        "duplicate-query-parameter",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: limit
                        in: query
                        value: 1
                      - name: limit
                        in: query
                        value: 2
            """),
        "duplicate-parameter", "duplicate parameter (name, in) 'limit/query' (first defined at line 14)", 17, 13,
    ),
    Broken(
        "duplicate-header-parameter-differing-in-case",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: X-Trace
                        in: header
                        value: a
                      - name: x-trace
                        in: header
                        value: b
            """),
        "duplicate-parameter", "'x-trace/header' (first defined at line 14)", 17, 13,
    ),
    Broken(
        "duplicate-action-name",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: done
                        type: end
                      - name: done
                        type: goto
                        stepId: list
            """),
        "duplicate-action-name", "duplicate action name 'done' (first defined at line 14)", 16, 13,
    ),
    # --- steps and parameters --------------------------------------------------------------------------------
    Broken(
        "step-without-a-target",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    description: nothing to call
            """),
        "step-target", "step 'list': a step needs exactly one of operationId, operationPath or workflowId", 11, 9,
    ),
    Broken(
        "step-with-two-targets",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    workflowId: other
              - workflowId: other
                steps:
                  - stepId: get
                    operationId: getPet
            """),
        "step-target", "a step may name only one target, found operationId and workflowId", 11, 9,
    ),
    Broken(
        "operation-step-parameter-without-in",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: limit
                        value: 1
            """),
        "parameter-in-required", "parameter 'limit' of operation step 'list' needs 'in'", 14, 13,
        also=("schema-required",),
    ),
    Broken(
        "inherited-workflow-parameter-without-in",
        arazzo("""\
            workflows:
              - workflowId: main
                parameters:
                  - name: limit
                    value: 1
                steps:
                  - stepId: list
                    operationId: listPets
            """),
        "parameter-in-required", "parameter 'limit' of operation step 'list' needs 'in'", 11, 9,
    ),
    Broken(
        "referenced-component-parameter-without-in",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - reference: $components.parameters.limit
            components:
              parameters:
                limit:
                  name: limit
                  value: 10
            """),
        "parameter-in-required", "parameter 'limit' of operation step 'list' needs 'in'", 14, 13,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)
