"""One row per non-standard form: a document that writes it, what ``validate`` says (rule, message, place, fix),
and what ``run --compat`` sends to the loopback server.

Each document is :data:`HEADER` (7 lines: version, info, the source ``api`` on ``./api.yaml``) then its body, so
``workflows:`` is on line 8; a diagnostic is placed at its field's key. ``api.yaml`` is :data:`API` with the
loopback server's URL. The server answers ``GET /pets`` with ``{"status": "ok", "data": [{"id": 7}]}`` and
``GET /pets/7`` with ``{"id": 7, "name": "Rex"}`` and the header ``X-Trace: t-1``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

HEADER = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
"""

API = """\
openapi: 3.1.0
info:
  title: Pets
  version: '1'
servers:
  - url: {server}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        default:
          description: any
  /pets/{{id}}:
    get:
      operationId: getPet
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        default:
          description: any
"""

LIST_THEN_GET = ["GET /pets", "GET /pets/7"]


@dataclass(frozen=True)
class Dialect:
    """A document with one non-standard form and what each command makes of it."""

    id: str
    body: str
    rule: str
    fragment: str
    line: int
    column: int
    new: str | None
    """The fix's new text (``None``: no certain fix)."""
    sent: list[str] = field(default_factory=list)
    """The requests ``run --compat`` sends (method and path with query)."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The workflow outputs of the ``--compat`` run."""
    severity: str = "error"
    action: str = "replace"

    @property
    def document(self) -> str:
        return HEADER + textwrap.dedent(self.body)


CASES = [
    Dialect(
        "body-navigated-with-dots-and-brackets",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                outputs:
                  first: $response.body.data[0].id
              - stepId: get
                operationId: getPet
                parameters:
                  - name: id
                    in: path
                    value: $steps.list.outputs.first
        """,
        "dialect-body-navigation", "navigates a body with dots or brackets", 14, 11,
        "$response.body#/data/0/id", LIST_THEN_GET),
    Dialect(
        "headers-plural",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: get
                operationId: getPet
                parameters:
                  - name: id
                    in: path
                    value: 7
                outputs:
                  trace: $response.headers.X-Trace
            outputs:
              trace: $steps.get.outputs.trace
        """,
        "dialect-header-plural", "reads '.headers.'", 18, 11, "$response.header.X-Trace", ["GET /pets/7"],
        {"trace": "t-1"}),
    Dialect(
        "status-code-misspelt-in-a-condition",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - condition: $response.status == 200
        """,
        "dialect-status-code", "is not an Arazzo 1.0.1 expression for the status code", 14, 13,
        "$statusCode == 200", ["GET /pets"]),
    Dialect(
        "step-read-without-outputs",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                outputs:
                  first: $response.body#/data/0/id
              - stepId: get
                operationId: getPet
                parameters:
                  - name: id
                    in: path
                    value: $steps.list.first
        """,
        "dialect-step-outputs", "reads a step without '.outputs.'", 20, 13, "$steps.list.outputs.first",
        LIST_THEN_GET),
    Dialect(
        "double-quoted-string-in-a-condition",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - condition: $response.body#/status == "ok"
        """,
        "dialect-condition-literal", "condition literals are single-quoted", 14, 13,
        "$response.body#/status == 'ok'", ["GET /pets"]),
    Dialect(
        "bare-word-in-a-condition",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - condition: $response.body#/status == ok && $statusCode == 200
        """,
        "dialect-condition-literal", "condition literals are single-quoted", 14, 13,
        "$response.body#/status == 'ok' && $statusCode == 200", ["GET /pets"]),
    Dialect(
        "operation-path-without-its-wrapper",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationPath: api#/paths/~1pets/get
        """,
        "dialect-operation-path", "lacks the '{$sourceDescriptions.<name>.url}' wrapper", 12, 9,
        "{$sourceDescriptions.api.url}#/paths/~1pets/get", ["GET /pets"]),
    Dialect(
        "operation-path-with-a-bare-source-expression",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationPath: $sourceDescriptions.api#/paths/~1pets/get
        """,
        "dialect-operation-path", "lacks the '{$sourceDescriptions.<name>.url}' wrapper", 12, 9,
        "{$sourceDescriptions.api.url}#/paths/~1pets/get", ["GET /pets"]),
    Dialect(
        "criterion-context-written-as-a-word",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - context: body
                    condition: $.data[?(@.id == 7)]
                    type: jsonpath
        """,
        "dialect-context-word", "is a word, not a runtime expression", 14, 13, "$response.body", ["GET /pets"]),
    Dialect(
        "operation-id-qualified-with-a-bare-source-name",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: api.listPets
        """,
        "dialect-operation-id-qualifier", "qualifies an operationId with a bare source name", 12, 9,
        "$sourceDescriptions.api.listPets", ["GET /pets"]),
    Dialect(
        "sub-workflow-output-read-but-not-declared",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: call
                workflowId: child
              - stepId: get
                operationId: getPet
                parameters:
                  - name: id
                    in: path
                    value: $steps.call.outputs.first
          - workflowId: child
            steps:
              - stepId: list
                operationId: listPets
                outputs:
                  first: $response.body#/data/0/id
            outputs:
              first: $steps.list.outputs.first
        """,
        "dialect-sub-workflow-output", "declares no output 'first' (the workflow it calls, 'child', does)", 18, 13,
        "$workflows.child.outputs.first", LIST_THEN_GET, action="add"),
    Dialect(
        "sub-workflow-step-output-reading-its-own-workflows-outputs",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: call
                workflowId: child
                outputs:
                  first: $outputs.first
            outputs:
              first: $steps.call.outputs.first
          - workflowId: child
            steps:
              - stepId: list
                operationId: listPets
                outputs:
                  first: $response.body#/data/0/id
            outputs:
              first: $steps.list.outputs.first
        """,
        "dialect-sub-workflow-output", "reads the calling workflow's own output, which has no value yet", 14, 11,
        "$workflows.child.outputs.first", ["GET /pets"], {"first": 7}, severity="warning"),
    Dialect(
        "simple-type-written-without-a-context",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: list
                operationId: listPets
                successCriteria:
                  - condition: $statusCode == 200
                    type: simple
        """,
        "dialect-simple-type", "simple is the default, so the type can go", 15, 13, "", ["GET /pets"],
        action="remove"),
    Dialect(
        "response-read-in-a-step-that-calls-a-workflow",
        """\
        workflows:
          - workflowId: main
            steps:
              - stepId: call
                workflowId: child
                successCriteria:
                  - condition: $statusCode == 200
          - workflowId: child
            steps:
              - stepId: list
                operationId: listPets
        """,
        "response-in-workflow-step", "reads the response, but a step that calls a workflow has none", 14, 13,
        None, ["GET /pets"], severity="warning"),
]
