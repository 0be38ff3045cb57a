"""Broken Arazzo 1.1 documents: querystring parameters, payload replacement targets and action parameters; and
these 1.1 constructs in 1.0 documents, refused as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.broken import HEADER_1_1, Broken, arazzo, assert_reported


def arazzo11(body: str) -> str:
    """A 1.1 document: :data:`HEADER_1_1` (7 lines) and ``body`` from line 8."""
    return arazzo(body, HEADER_1_1)


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

CASES = [*IN_A_1_0_DOCUMENT]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)
