"""Broken documents, the workflow graph: sub-workflow calls, actions and their targets, dependsOn, cycles.

Cycles are checked within a document and across two Arazzo documents. Each document reports its rule, a clear
message and the exact line:column (see :mod:`tests.validate.broken`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.broken import Broken, arazzo, assert_reported

CASES = [
    # --- workflows, steps and actions as targets --------------------------------------------------------------
    Broken(
        "step-calls-an-unknown-workflow",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: call
                    workflowId: nope
            """),
        "unknown-workflow-id", "step 'call': workflowId 'nope' not found", 12, 9,
    ),
    Broken(
        "goto-an-unknown-workflow",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: jump
                        type: goto
                        workflowId: nope
            """),
        "unknown-workflow-id", "workflowId 'nope' not found", 16, 13,
    ),
    Broken(
        "goto-an-unknown-step",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: jump
                        type: goto
                        stepId: nope
            """),
        "unknown-step", "goto action 'jump' targets step 'nope', which is not a step of workflow 'main'", 16, 13,
    ),
    Broken(
        "retry-an-unknown-step",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onFailure:
                      - name: again
                        type: retry
                        stepId: nope
            """),
        "unknown-step", "retry action 'again' targets step 'nope', which is not a step of workflow 'main'", 16, 13,
    ),
    Broken(
        "goto-without-a-target",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: jump
                        type: goto
            """),
        "action-target", "goto action 'jump' needs exactly one of stepId or workflowId", 15, 13,
        also=("schema-oneof",),
    ),
    Broken(
        "goto-with-two-targets",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    onSuccess:
                      - name: jump
                        type: goto
                        stepId: list
                        workflowId: main
            """),
        "action-target", "goto action 'jump' needs exactly one of stepId or workflowId", 15, 13,
        also=("schema-oneof",),
    ),
    Broken(
        "depends-on-an-unknown-workflow",
        arazzo("""\
            workflows:
              - workflowId: main
                dependsOn:
                  - setup
                steps:
                  - stepId: list
                    operationId: listPets
            """),
        "unknown-depends-on", "workflowId 'setup' not found", 11, 9,
    ),
    Broken(
        "depends-on-cycle",
        arazzo("""\
            workflows:
              - workflowId: first
                dependsOn:
                  - second
                steps:
                  - stepId: list
                    operationId: listPets
              - workflowId: second
                dependsOn:
                  - first
                steps:
                  - stepId: list
                    operationId: listPets
            """),
        "depends-on-cycle", "dependsOn cycle: first -> second -> first", 11, 9,
    ),
    Broken(
        "sub-workflow-steps-call-each-other",
        arazzo("""\
            workflows:
              - workflowId: first
                steps:
                  - stepId: call
                    workflowId: second
              - workflowId: second
                steps:
                  - stepId: call
                    workflowId: first
            """),
        "workflow-cycle", "workflows call each other in a cycle: first -> second -> first", 12, 9,
    ),
    Broken(
        "workflows-of-two-documents-call-each-other",
        """\
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
                workflowId: $sourceDescriptions.other.bounce
        """,
        "workflow-cycle", "workflows call each other in a cycle: start -> bounce -> start", 13, 9,
        files={"other.arazzo.yaml": """\
            arazzo: 1.0.1
            info:
              title: Other
              version: 1.0.0
            sourceDescriptions:
              - name: main
                url: ./doc.arazzo.yaml
                type: arazzo
            workflows:
              - workflowId: bounce
                steps:
                  - stepId: call
                    workflowId: $sourceDescriptions.main.start
            """},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)
