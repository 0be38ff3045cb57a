"""Broken documents, reading the files: malformed YAML/JSON and unusable or undeclared source descriptions.

Also: an unloadable source does not cascade, and a problem inside another Arazzo document is reported in that
file. Each document reports its rule, a clear message and the exact line:column (see
:mod:`tests.validate.broken`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arazzo_runner.documents import validate
from tests.validate.broken import Broken, arazzo, assert_reported
from tests.validate.support import PETS_OPENAPI, brief, write

CASES = [
    # --- reading the document ------------------------------------------------------------------------------
    Broken(
        "malformed-yaml-reports-the-syntax-error-position",
        "arazzo: 1.0.1\ninfo:\n  title: Pets: more\n  version: 1.0.0\n",
        "malformed-document", "mapping values are not allowed here", 3, 14,
    ),
    Broken(
        "malformed-json-reports-the-syntax-error-position",
        '{\n  "arazzo": "1.0.1",\n  "info": {"title": "Pets", "version": "1.0.0",}\n}\n',
        "malformed-document", "malformed JSON: Expecting property name", 3, 48, name="doc.arazzo.json",
    ),
    Broken(
        "yaml-binary-tag-is-refused",
        "arazzo: 1.0.1\ninfo:\n  title: !!binary UGV0cw==\n  version: 1.0.0\n",
        "malformed-document", "'tag:yaml.org,2002:binary' is not allowed", 3, 10,
    ),
    Broken(
        "duplicate-yaml-key-is-refused",
        "arazzo: 1.0.1\ninfo:\n  title: Pets\n  version: 1.0.0\n  title: Cats\n",
        "malformed-document", "duplicate key 'title'", 5, 3,
    ),
    # --- source descriptions -------------------------------------------------------------------------------------
    Broken(
        "source-file-missing",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: $sourceDescriptions.api.listPets
            """),
        "source-unavailable", "source description 'api' (./api.yaml) cannot be used: no such file", 7, 5,
        files={},
    ),
    Broken(
        "source-neither-openapi-nor-arazzo",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: $sourceDescriptions.api.listPets
            """),
        "source-invalid", "is neither an OpenAPI nor an Arazzo document", 7, 5,
        files={"api.yaml": "hello: world\n"},
    ),
    Broken(
        "undeclared-source-description",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: $sourceDescriptions.petstore.listPets
            """),
        "unknown-source-description", "no source description named 'petstore'", 12, 9,
    ),
    Broken(
        "parameter-value-reads-an-undeclared-source-description",
        arazzo("""\
            workflows:
              - workflowId: main
                steps:
                  - stepId: list
                    operationId: listPets
                    parameters:
                      - name: from
                        in: query
                        value: $sourceDescriptions.petstore.url
            """),
        "unknown-source-description",
        "'$sourceDescriptions.petstore.url' refers to source description 'petstore', which is not declared", 16, 13,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    assert_reported(tmp_path, case)


def test_an_unloadable_source_does_not_cascade_into_unknown_operation_ids(tmp_path: Path) -> None:
    document = arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
              - stepId: get
                operationId: getPet
        """)
    diagnostics = validate(write(tmp_path, {"doc.arazzo.yaml": document}))

    assert brief(diagnostics) == [("source-unavailable", 7, 5)]


def test_problem_inside_an_arazzo_source_is_reported_in_that_file(tmp_path: Path) -> None:
    entry = """\
        arazzo: 1.0.1
        info: {title: Entry, version: 1.0.0}
        sourceDescriptions:
          - name: child
            url: ./child.arazzo.yaml
            type: arazzo
        workflows:
          - workflowId: main
            steps:
              - stepId: call
                workflowId: $sourceDescriptions.child.leaf
        """
    child = arazzo("""\
        workflows:
          - workflowId: leaf
            steps:
              - stepId: list
                operationId: listCats
        """)
    path = write(tmp_path, {"entry.arazzo.yaml": entry, "child.arazzo.yaml": child, "api.yaml": PETS_OPENAPI})

    [diagnostic] = validate(path)

    assert (diagnostic.rule, diagnostic.location.line, diagnostic.location.column) == ("unknown-operation-id", 12, 9)
    assert diagnostic.location.source.endswith("child.arazzo.yaml")
