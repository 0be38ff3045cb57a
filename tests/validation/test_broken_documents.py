"""One small broken document per validation rule: each reports its rule, a clear message and the exact line:column.

Most documents start with :data:`HEADER` (7 lines: version, info and one OpenAPI source ``api`` on ``./api.yaml``),
so their ``workflows:`` key is on line 8. Column numbers are 1-based: in ``  - workflowId: main`` the key is at
column 5, in ``      - stepId: list`` at column 9, in ``          - name: limit`` at column 13.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from arazzo_runner.documents import load, validate
from arazzo_runner.errors import Diagnostic, DocumentError
from tests.validation.support import PETS_OPENAPI, brief, write

HEADER = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
"""

MIRROR_HEADER = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
  - name: mirror
    url: ./mirror.yaml
"""


def arazzo(body: str, header: str = HEADER) -> str:
    """A document made of ``header`` and a dedented ``body`` starting on the line after it."""
    return header + textwrap.dedent(body)


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


@dataclass(frozen=True)
class Broken:
    """A document that must produce exactly one diagnostic of ``rule`` at ``line:column``.

    ``also`` lists the rules of the other diagnostics the document legitimately produces as well (for instance
    the JSON Schema's own complaint next to the semantic rule that explains it better).
    """

    id: str
    document: str
    rule: str
    fragment: str | tuple[str, ...]
    line: int
    column: int
    severity: str = "error"
    also: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=lambda: {"api.yaml": PETS_OPENAPI})
    name: str = "doc.arazzo.yaml"


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
    # --- version and JSON Schema ---------------------------------------------------------------------------
    Broken(
        "arazzo-1.1-is-not-this-engines-version",
        version_on_line_4("1.1.0"),
        "unsupported-version", "unsupported Arazzo version '1.1.0'", 4, 1,
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
                    operationPath: api#/paths/~1pets/get
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
        "criterion-context-required", "a regex criterion needs a 'context' expression", 14, 13,
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


def _diagnostics(tmp_path: Path, case: Broken) -> list[Diagnostic]:
    path = write(tmp_path, {case.name: case.document, **case.files})
    return validate(path)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_document_reports_rule_message_and_position(tmp_path: Path, case: Broken) -> None:
    diagnostics = _diagnostics(tmp_path, case)

    matching = [d for d in diagnostics if d.rule == case.rule]
    assert len(matching) == 1, f"expected one {case.rule}, got {brief(diagnostics)}"
    found = matching[0]
    for fragment in (case.fragment,) if isinstance(case.fragment, str) else case.fragment:
        assert fragment in found.message
    assert (found.location.line, found.location.column) == (case.line, case.column), found.message
    assert found.severity == case.severity
    assert found.location.source.endswith(case.name)
    others = sorted(d.rule for d in diagnostics if d is not found)
    assert others == sorted(case.also), brief(diagnostics)


def test_the_table_covers_enough_rules() -> None:
    assert len(CASES) >= 35
    assert len({case.id for case in CASES}) == len(CASES)


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
    "simple-criterion-with-explicit-type-needs-no-context": arazzo("""\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - condition: $statusCode == 200
                    type: simple
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
