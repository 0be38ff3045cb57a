"""Validation diagnostics across the rule families: the tables together, clean documents, several problems.

The broken-document tables of the ``test_broken_*`` modules are checked together; documents that must stay clean
report nothing; a document with several problems reports every one, sorted by line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arazzo_runner.documents import load, validate
from arazzo_runner.errors import DocumentError
from tests.validate import (
    test_broken_arazzo11,
    test_broken_expressions,
    test_broken_references,
    test_broken_sources_and_loading,
    test_broken_structure,
    test_broken_workflow_graph,
)
from tests.validate.broken import MIRROR_HEADER, arazzo
from tests.validate.support import PETS_OPENAPI, brief, write

FAMILIES = (
    test_broken_sources_and_loading,
    test_broken_structure,
    test_broken_references,
    test_broken_workflow_graph,
    test_broken_expressions,
    test_broken_arazzo11,
)
"""Every module holding a table of broken documents, one per family of rules."""


def test_the_table_covers_enough_rules() -> None:
    cases = [case for family in FAMILIES for case in family.CASES]
    assert len(cases) >= 35
    assert len({case.id for case in cases}) == len(cases)
    modules = {path.stem for path in Path(__file__).parent.glob("test_broken_*.py")}
    assert modules == {family.__name__.rpartition(".")[2] for family in FAMILIES}, "a table is left out of FAMILIES"


# --- documents that must stay clean ------------------------------------------------------------------------------

CLEAN = {
    "date-looking-info-version": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
        """).replace("version: 1.0.0", "version: 2024-01-01"),
    "qualified-operation-id-picks-one-of-two-sources": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: $sourceDescriptions.mirror.listPets
        """, header=MIRROR_HEADER),
    "operation-path-to-an-operation": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: get
                operationPath: '{$sourceDescriptions.api.url}#/paths/~1pets~1{id}/get'
                parameters:
                  - name: id
                    in: path
                    value: 1
        """),
    "same-name-in-query-and-header-is-not-a-duplicate": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                parameters:
                  - name: trace
                    in: query
                    value: a
                  - name: trace
                    in: header
                    value: b
        """),
    "sub-workflow-step-parameters-need-no-in": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: call
                workflowId: child
                parameters:
                  - name: limit
                    value: 3
          - workflowId: child
            inputs:
              type: object
              properties:
                limit:
                  type: integer
            steps:
              - stepId: list
                operationId: listPets
        """),
    "component-parameter-with-a-value-override": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                parameters:
                  - reference: $components.parameters.limit
                    value: 5
        components:
          parameters:
            limit:
              name: limit
              in: query
              value: 10
        """),
    "jsonpath-criterion-with-an-expression-type-object": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - context: $response.body
                    condition: $[?count(@.pets) > 0]
                    type:
                      type: jsonpath
                      version: draft-goessner-dispatch-jsonpath-00
        """),
    "retry-without-retry-after-or-target": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                onFailure:
                  - name: again
                    type: retry
                    retryLimit: 2
        """),
    "mutually-listed-documents-without-a-call-cycle": """\
        arazzo: 1.0.1
        info:
          title: Main
          version: 1.0.0
        sourceDescriptions:
          - name: other
            url: ./other.arazzo.yaml
            type: arazzo
        workflows:
          - workflowId: start
            steps:
              - stepId: call
                workflowId: $sourceDescriptions.other.leaf
        """,
}

OTHER_ARAZZO = """\
arazzo: 1.0.1
info:
  title: Other
  version: 1.0.0
sourceDescriptions:
  - name: main
    url: ./doc.arazzo.yaml
    type: arazzo
  - name: api
    url: ./api.yaml
workflows:
  - workflowId: leaf
    steps:
      - stepId: list
        operationId: listPets
"""


@pytest.mark.parametrize("document", CLEAN.values(), ids=CLEAN.keys())
def test_valid_document_has_no_diagnostics(tmp_path: Path, document: str) -> None:
    files = {"doc.arazzo.yaml": document, "api.yaml": PETS_OPENAPI, "mirror.yaml": PETS_OPENAPI,
             "other.arazzo.yaml": OTHER_ARAZZO}
    assert brief(validate(write(tmp_path, files))) == []


def test_date_looking_version_stays_a_string_in_the_model(tmp_path: Path) -> None:
    files = {"doc.arazzo.yaml": CLEAN["date-looking-info-version"], "api.yaml": PETS_OPENAPI}
    document = load(write(tmp_path, files))
    assert document.info.version == "2024-01-01"
    assert document.document.data["info"]["version"] == "2024-01-01"


# --- several problems at once ---------------------------------------------------------------------------------

SEVERAL = arazzo("""\
    workflows:
      - workflowId: main
        inputs:
          type: 12
        steps:
          - stepId: list
            operationId: listCats
            parameters:
              - name: limit
                value: 1
            successCriteria:
              - condition: $statusCode ==
          - stepId: list
            operationId: listPets
            onSuccess:
              - name: jump
                type: goto
                stepId: nope
    """)


def test_every_problem_of_a_document_is_reported_sorted_by_line(tmp_path: Path) -> None:
    diagnostics = validate(write(tmp_path, {"doc.arazzo.yaml": SEVERAL, "api.yaml": PETS_OPENAPI}))

    assert brief(diagnostics) == [
        ("invalid-inputs-schema", 11, 7),
        ("unknown-operation-id", 14, 9),
        ("parameter-in-required", 16, 13),
        ("schema-required", 16, 13),
        ("invalid-expression", 19, 13),
        ("duplicate-step-id", 20, 9),
        ("unknown-step", 25, 13),
    ]
    positions = [(d.location.line, d.location.column) for d in diagnostics]
    assert positions == sorted(positions)


def test_load_refuses_an_invalid_document_with_every_diagnostic(tmp_path: Path) -> None:
    path = write(tmp_path, {"doc.arazzo.yaml": SEVERAL, "api.yaml": PETS_OPENAPI})

    with pytest.raises(DocumentError) as caught:
        load(path)

    assert len(caught.value.diagnostics) == 7
    assert "7 problem(s) found; first: " in str(caught.value)
    assert "[invalid-inputs-schema]" in str(caught.value)
