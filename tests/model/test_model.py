"""The document model: immutable objects that know their file, JSON Pointer and line:column."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.documents import load
from arazzo_runner.model import (
    Action,
    ArazzoDocument,
    Components,
    Criterion,
    Info,
    Node,
    Parameter,
    PayloadReplacement,
    RequestBody,
    Reusable,
    SourceDescription,
    Step,
    Workflow,
)
from tests.validate.support import PETS_OPENAPI, write

DOCUMENT = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
    type: openapi
workflows:
  - workflowId: main
    parameters:
      - name: trace
        in: header
        value: abc
    steps:
      - stepId: list
        operationId: listPets
        successCriteria:
          - condition: $statusCode == 200
          - context: $response.body
            condition: $.pets[*]
            type:
              type: jsonpath
              version: draft-goessner-dispatch-jsonpath-00
          - context: $statusCode
            condition: ^2
            type: regex
        onSuccess:
          - reference: $components.successActions.done
        onFailure: []
        outputs:
          first: $response.body#/0/id
      - stepId: create
        operationId: createPet
        parameters:
          - reference: $components.parameters.limit
            value: null
          - reference: $components.parameters.size
        requestBody:
          contentType: application/json
          payload: null
          replacements:
            - target: /name
              value: Rex
        onFailure:
          - name: again
            type: retry
            retryAfter: 1
            retryLimit: 2
            criteria:
              - condition: $statusCode == 503
      - stepId: get
        operationId: getPet
        requestBody:
          contentType: application/json
components:
  parameters:
    limit:
      name: limit
      in: query
      value: 10
    size:
      name: size
      in: query
      value: 1
  successActions:
    done:
      name: done
      type: end
"""


@pytest.fixture
def document(tmp_path: Path) -> ArazzoDocument:
    """The model of :data:`DOCUMENT` (a valid document using most objects)."""
    return load(write(tmp_path, {"doc.arazzo.yaml": DOCUMENT, "api.yaml": PETS_OPENAPI}))


def _nodes(document: ArazzoDocument) -> dict[str, tuple[Node, str]]:
    workflow = document.workflows[0]
    list_step, create, _ = workflow.steps
    assert create.request_body is not None
    action = create.on_failure[0] if create.on_failure else None
    assert isinstance(action, Action)
    return {
        "document": (document, "arazzo"),
        "info": (document.info, "title"),
        "source": (document.source_descriptions[0], "url"),
        "workflow": (workflow, "workflow_id"),
        "parameter": (workflow.parameters[0], "value"),
        "step": (list_step, "operation_id"),
        "criterion": (list_step.success_criteria[0], "condition"),
        "reusable": (create.parameters[0], "reference"),
        "action": (action, "retry_limit"),
        "request-body": (create.request_body, "payload"),
        "replacement": (create.request_body.replacements[0], "value"),
        "components": (document.components, "parameters"),
    }


NODE_KINDS = ["document", "info", "source", "workflow", "parameter", "step", "criterion", "reusable", "action",
              "request-body", "replacement", "components"]


@pytest.mark.parametrize("kind", NODE_KINDS)
def test_model_object_is_frozen(document: ArazzoDocument, kind: str) -> None:
    node, field = _nodes(document)[kind]

    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(node, field, "changed")


def test_node_kinds_cover_every_model_class(document: ArazzoDocument) -> None:
    classes = {type(node) for node, _ in _nodes(document).values()}

    assert classes == {ArazzoDocument, Info, SourceDescription, Workflow, Parameter, Step, Criterion, Reusable,
                       Action, RequestBody, PayloadReplacement, Components}


@pytest.mark.parametrize("mapping", ["step-outputs", "workflow-outputs", "component-parameters",
                                     "component-success-actions"])
def test_model_mappings_are_read_only(document: ArazzoDocument, mapping: str) -> None:
    target: Any = {
        "step-outputs": document.workflows[0].steps[0].outputs,
        "workflow-outputs": document.workflows[0].outputs,
        "component-parameters": document.components.parameters,
        "component-success-actions": document.components.success_actions,
    }[mapping]

    with pytest.raises(TypeError):
        target["added"] = "value"


def test_model_lists_are_tuples(document: ArazzoDocument) -> None:
    workflow = document.workflows[0]

    assert isinstance(document.workflows, tuple)
    assert isinstance(document.source_descriptions, tuple)
    assert isinstance(workflow.steps, tuple)
    assert isinstance(workflow.parameters, tuple)
    assert isinstance(workflow.steps[0].success_criteria, tuple)


LOCATIONS = [
    ("workflow", lambda d: d.workflows[0], "/workflows/0", 10, 5),
    ("step", lambda d: d.workflows[0].steps[1], "/workflows/0/steps/1", 33, 9),
    ("criterion", lambda d: d.workflows[0].steps[0].success_criteria[1], "/workflows/0/steps/0/successCriteria/1",
     20, 13),
    ("reusable", lambda d: d.workflows[0].steps[1].parameters[1], "/workflows/0/steps/1/parameters/1", 38, 13),
    ("component-parameter", lambda d: d.components.parameters["limit"], "/components/parameters/limit", 58, 5),
    ("source", lambda d: d.source_descriptions[0], "/sourceDescriptions/0", 6, 5),
    ("info", lambda d: d.info, "/info", 2, 1),
]


@pytest.mark.parametrize(("get", "pointer", "line", "column"), [c[1:] for c in LOCATIONS],
                         ids=[c[0] for c in LOCATIONS])
def test_model_object_knows_its_file_pointer_and_position(document: ArazzoDocument, get: Any, pointer: str,
                                                           line: int, column: int) -> None:
    node = get(document)
    location = node.location

    assert node.pointer == pointer
    assert (location.pointer, location.line, location.column) == (pointer, line, column)
    assert location.source.endswith("doc.arazzo.yaml")
    assert node.document.url == document.url


def test_field_location_points_at_the_field(document: ArazzoDocument) -> None:
    step = document.workflows[0].steps[1]

    location = step.field_location("operationId")

    assert (location.pointer, location.line, location.column) == ("/workflows/0/steps/1/operationId", 34, 9)
    assert str(location).endswith("doc.arazzo.yaml:34:9")


def test_field_location_of_an_absent_field_falls_back_to_its_object(document: ArazzoDocument) -> None:
    location = document.workflows[0].steps[1].field_location("description")

    assert (location.line, location.column) == (33, 9)


def test_document_url_is_absolute(document: ArazzoDocument, tmp_path: Path) -> None:
    assert document.url == (tmp_path / "doc.arazzo.yaml").as_uri()


def test_absent_action_list_is_none_and_an_empty_one_is_empty(document: ArazzoDocument) -> None:
    list_step, create, get = document.workflows[0].steps

    assert list_step.on_failure == ()
    assert create.on_success is None
    assert get.on_success is None and get.on_failure is None
    assert list_step.on_success is not None and len(list_step.on_success) == 1


def test_criterion_expression_type_object_gives_type_and_version(document: ArazzoDocument) -> None:
    simple, jsonpath, regex = document.workflows[0].steps[0].success_criteria

    assert (simple.type, simple.version, simple.context) == ("simple", None, None)
    assert (jsonpath.type, jsonpath.version, jsonpath.context) == (
        "jsonpath", "draft-goessner-dispatch-jsonpath-00", "$response.body")
    assert (regex.type, regex.version, regex.context) == ("regex", None, "$statusCode")


def test_reusable_tells_a_null_value_from_no_value(document: ArazzoDocument) -> None:
    with_null, without = document.workflows[0].steps[1].parameters

    assert isinstance(with_null, Reusable) and isinstance(without, Reusable)
    assert (with_null.has_value, with_null.value) == (True, None)
    assert (without.has_value, without.value) == (False, None)
    assert (with_null.reference, without.reference) == ("$components.parameters.limit", "$components.parameters.size")


def test_request_body_tells_a_null_payload_from_no_payload(document: ArazzoDocument) -> None:
    _, create, get = document.workflows[0].steps

    assert create.request_body is not None and get.request_body is not None
    assert (create.request_body.has_payload, create.request_body.payload) == (True, None)
    assert (get.request_body.has_payload, get.request_body.payload) == (False, None)
    assert create.request_body.replacements[0].target == "/name"


def test_action_fields_are_typed(document: ArazzoDocument) -> None:
    action = document.workflows[0].steps[1].on_failure[0]  # type: ignore[index]

    assert isinstance(action, Action)
    assert (action.kind, action.name, action.type, action.retry_after, action.retry_limit) == (
        "failure", "again", "retry", 1.0, 2)
    assert isinstance(action.retry_after, float)
    assert action.criteria[0].condition == "$statusCode == 503"


def test_parameter_in_is_read_into_in_underscore(document: ArazzoDocument) -> None:
    parameter = document.workflows[0].parameters[0]

    assert isinstance(parameter, Parameter)
    assert (parameter.name, parameter.in_, parameter.value) == ("trace", "header", "abc")
    assert document.components.parameters["limit"].in_ == "query"


def test_lookups_by_id(document: ArazzoDocument) -> None:
    workflow = document.workflow("main")

    assert workflow is not None and workflow.step("get") is workflow.steps[2]
    assert document.workflow("nope") is None and workflow.step("nope") is None
    assert document.source("api") is document.source_descriptions[0]
    assert document.source("nope") is None
