"""Broken documents, references that do not resolve: operationIds, operationPaths and component references.

Each document reports its rule, a clear message and the exact line:column (see :mod:`tests.validate.broken`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.broken import MIRROR_HEADER, Broken, arazzo, assert_reported
from tests.validate.support import PETS_OPENAPI

CASES = [
    # --- operations ---------------------------------------------------------------------------------------------
    Broken(
        "unknown-operation-id",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listCats
            """),
        "unknown-operation-id", "step 'list': operationId 'listCats' not found (searched: api)", 12, 9,
    ),
    Broken(
        "operation-id-in-two-sources-must-be-qualified",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
            """, header=MIRROR_HEADER),
        "ambiguous-operation-id", "operationId 'listPets' is ambiguous: it exists in api, mirror", 14, 9,
        files={"api.yaml": PETS_OPENAPI, "mirror.yaml": PETS_OPENAPI},
    ),
    Broken(
        "qualified-operation-id-missing-from-its-source",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: $sourceDescriptions.api.listCats
            """),
        "unknown-operation-id", "operationId 'listCats' not found in source description 'api'", 12, 9,
    ),
    Broken(
        "operation-path-not-in-runtime-expression-form",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationPath: /pets/get
            """),
        "invalid-operation-path", "must have the form '{$sourceDescriptions.<name>.url}#/paths/", 12, 9,
    ),
    Broken(
        "operation-path-to-a-missing-path",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationPath: '{$sourceDescriptions.api.url}#/paths/~1cats/get'
            """),
        "unknown-operation-path", "points at no operation in source description 'api'", 12, 9,
    ),
    Broken(
        "operation-path-to-a-path-item",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationPath: '{$sourceDescriptions.api.url}#/paths/~1pets'
            """),
        "unknown-operation-path", "points at a Path Item, not an Operation", 12, 9,
    ),
    # --- components -----------------------------------------------------------------------------------------------
    Broken(
        "reference-to-a-missing-component",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - reference: $components.parameters.size
            components:
              parameters:
                limit:
                  name: limit
                  in: query
                  value: 10
            """),
        "unknown-component", "no component parameters.size (known: limit)", 14, 13,
    ),
    Broken(
        "parameter-reference-to-an-action-component",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - reference: $components.successActions.done
            components:
              successActions:
                done:
                  name: done
                  type: end
            """),
        "invalid-reference", "must point at a parameter ('$components.parameters.<name>')", 14, 13,
    ),
    Broken(
        "reference-that-is-not-a-components-expression",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - reference: '#/components/parameters/limit'
            components:
              parameters:
                limit:
                  name: limit
                  in: query
                  value: 10
            """),
        "invalid-reference", "reference '#/components/parameters/limit' must be '$components.parameters.<name>'",
        14, 13,
    ),
    Broken(
        "value-override-on-an-action-reference",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - reference: $components.successActions.done
                        value: 1
            components:
              successActions:
                done:
                  name: done
                  type: end
            """),
        "invalid-reference", "'value' only overrides referenced parameters", 15, 13, severity="warning",
    ),
    Broken(
        "end-action-with-a-target",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: stop
                        type: end
                        stepId: list
            """),
        "action-target", "end action 'stop' takes no stepId or workflowId", 15, 13, severity="warning",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)
