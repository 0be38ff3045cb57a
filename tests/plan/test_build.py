"""Planning compiles everything a run needs before any I/O; the executor never parses text."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.criteria import Criterion
from arazzo_runner.errors import InputError
from arazzo_runner.expressions import ExpressionContext
from arazzo_runner.plan import Plan, StepPlan
from arazzo_runner.plan.values import Array, Expression, Object, Value
from tests.execute.scripted import ARAZZO_URL, documents, operation, plan_of

PATHS = {
    "/items": {
        "get": operation("list", parameters=[{"name": "page", "in": "query", "style": "form", "explode": False,
                                              "schema": {"type": "array"}}]),
        "post": operation("create", requestBody={"content": {"application/merge-patch+json": {"schema": {}}}}),
    },
    "/items/{id}": {"get": operation("get", parameters=[
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}])},
}


def plan(steps: list[dict[str, Any]], **options: Any) -> Plan:
    return plan_of(documents(steps, PATHS, **options))


def step(built: Plan, index: int = 0) -> StepPlan:
    return built.main.steps[index]


def values(value: Value) -> list[Value]:
    if isinstance(value, Object):
        return [value, *(v for _, member in value.members for v in values(member))]
    if isinstance(value, Array):
        return [value, *(v for item in value.items for v in values(item))]
    return [value]


def test_every_value_is_compiled_into_nodes_and_no_step_holds_raw_text() -> None:
    built = plan([{"stepId": "c", "operationId": "create",
                   "parameters": [{"name": "page", "in": "query", "value": "$inputs.page"}],
                   "requestBody": {"payload": {"name": "$inputs.name", "note": "for {$inputs.name}", "n": 1,
                                               "tags": ["a", "$inputs.tag"]}},
                   "successCriteria": [{"condition": "$statusCode == 201"},
                                       {"context": "$response.body", "condition": "^ok", "type": "regex"}],
                   "outputs": {"id": "$response.body#/id"}}])

    created = step(built)
    assert created.request is not None and created.request.body is not None
    kinds = {type(v).__name__ for v in values(created.request.body.payload)}
    assert kinds == {"Object", "Array", "Expression", "Text", "Constant"}
    assert isinstance(created.request.parameters[0].value, Expression)
    assert all(isinstance(c, Criterion) and c.failure is None for c in created.success_criteria)
    assert [(name, type(v)) for name, v in created.outputs] == [("id", Expression)]


def test_a_request_plan_resolves_each_parameter_against_its_operation() -> None:
    built = plan([{"stepId": "l", "operationId": "list", "parameters": [
        {"name": "page", "in": "query", "value": [1, 2]},
        {"name": "extra", "in": "query", "value": "x"},
        {"name": "ghost", "in": "path", "value": "y"}]}])

    page, extra, ghost = step(built).request.parameters  # type: ignore[union-attr]
    assert (page.spec.style, page.spec.explode, page.warning) == ("form", False, None)  # type: ignore[union-attr]
    assert extra.spec is not None and extra.warning == (
        "parameter 'extra' (in query) is not declared by GET /items (api: list); sent anyway")
    assert ghost.spec is None and ghost.warning == (
        "parameter 'ghost' (in path) is not declared by GET /items (api: list) and its path has no {ghost}: not sent")


@pytest.mark.parametrize(("body", "media"), [
    pytest.param({"payload": {}}, "application/merge-patch+json", id="the-operations-media-type"),
    pytest.param({"contentType": "text/plain", "payload": "x"}, "text/plain", id="the-steps-own"),
])
def test_the_body_media_type_is_chosen_at_plan_time(body: dict[str, Any], media: str) -> None:
    request = step(plan([{"stepId": "c", "operationId": "create", "requestBody": body}])).request
    assert request is not None and request.body is not None and request.body.media_type == media


def test_actions_are_merged_and_their_targets_resolved() -> None:
    built = plan([
        {"stepId": "a", "operationId": "list",
         "onFailure": [{"name": "again", "type": "retry"}, {"name": "shared", "type": "goto", "stepId": "b"}]},
        {"stepId": "b", "operationId": "list"},
    ], extra_workflows=[{"workflowId": "other", "steps": [{"stepId": "x", "operationId": "list"}],
                         "failureActions": [{"name": "shared", "type": "end"}]}])

    again, shared = step(built).failure_actions
    assert (again.type, again.retry_limit, again.step_index) == ("retry", 1, None)
    assert (shared.type, shared.step_id, shared.step_index) == ("goto", "b", 1)


def test_a_plan_holds_the_reachable_workflows_only() -> None:
    built = plan([{"stepId": "a", "workflowId": "child"}], extra_workflows=[
        {"workflowId": "child", "steps": [{"stepId": "x", "operationId": "list"}]},
        {"workflowId": "unrelated", "steps": [{"stepId": "y", "operationId": "list"}]}])

    assert sorted(key[1] for key in built.workflows) == ["child", "flow"]
    assert step(built).workflow == (ARAZZO_URL, "child") and step(built).request is None


def test_inputs_plan_applies_defaults_and_reports_every_violation_by_name() -> None:
    built = plan([{"stepId": "a", "operationId": "list"}], inputs={
        "type": "object", "required": ["id"],
        "properties": {"id": {"type": "integer"}, "size": {"type": "integer", "default": 10}}})

    inputs = built.main.inputs
    assert inputs.declared == {"id", "size"}
    assert inputs.prepare({"id": 1}) == {"id": 1, "size": 10}
    with pytest.raises(InputError) as caught:
        inputs.prepare({"size": "big"})
    assert [(p.name, p.message) for p in caught.value.problems] == [
        ("id", "is required but was not supplied"), ("size", '"big" is not of type "integer"')]


def test_an_inputs_schema_that_cannot_be_compiled_is_a_located_problem_of_the_plan() -> None:
    built = plan_of(documents([{"stepId": "a", "operationId": "list"}], PATHS,
                              inputs={"$ref": "#/components/inputs/missing"}), valid=False)

    problem = built.main.inputs.problem
    assert problem is not None and problem.rule == "invalid-inputs-schema"
    assert problem.message.startswith("the inputs schema of workflow 'flow' cannot be used: cannot resolve")
    assert problem.location.pointer == "/workflows/0/inputs"
    assert problem in built.problems


def test_the_response_check_is_compiled_per_operation() -> None:
    paths = {"/p": {"get": {"operationId": "p", "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object",
                                                                                  "required": ["id"]}}}},
        "4XX": {"description": "client error"}}}}}
    built = plan_of(documents([{"stepId": "a", "operationId": "p"}], paths))
    check = step(built).request.responses  # type: ignore[union-attr]

    assert list(check.responses) == ["200", "4XX"]
    assert check.check(200, "application/json", {"id": 1}) == []
    assert check.check(404, None, "gone") == []
    assert check.check(500, None, "") == ["status 500 is not declared by GET /p (api: p) (declared: 200, 4XX)"]
    assert check.check(200, "application/json", {}) == ['response body at (root): "id" is a required property']


def test_compiled_values_keep_the_missing_value_rule() -> None:
    built = plan([{"stepId": "c", "operationId": "create",
                   "requestBody": {"payload": {"keep": 1, "drop": "$inputs.absent"}}}])
    payload = step(built).request.body.payload  # type: ignore[union-attr]
    omitted: list[tuple[str, str]] = []

    assert payload.evaluate(ExpressionContext(), lambda at, text: omitted.append((at, text))) == {"keep": 1}
    assert omitted == [("/drop", "$inputs.absent")]


ARAZZO_1_1_PLAN = [{"stepId": "c", "operationId": "create",
                    "requestBody": {"payload": {"a": [1]}, "replacements": [
                        {"target": "/a/0", "value": 2},
                        {"target": "$.a[0]", "targetSelectorType": {"type": "jsonpath", "version": "rfc9535"},
                         "value": "$inputs.n"}]},
                    "onSuccess": [{"name": "next", "type": "goto", "workflowId": "other",
                                   "parameters": [{"name": "id", "value": "$response.body#/id"}]},
                                  {"name": "plain", "type": "goto", "workflowId": "other"}]}]
OTHER = [{"workflowId": "other", "steps": [{"stepId": "g", "operationId": "list"}]}]


def test_a_1_1_plan_knows_each_targets_selector_type_and_each_actions_inputs() -> None:
    from arazzo_runner.payload_targets import Target

    built = plan(ARAZZO_1_1_PLAN, extra_workflows=OTHER, version="1.1.0")

    created = step(built)
    assert created.request is not None and created.request.body is not None
    targets = [target for target, _ in created.request.body.replacements]
    assert targets == [Target("/a/0", "jsonpointer"), Target("$.a[0]", "jsonpath", "rfc9535")]
    to_other, plain = created.success_actions
    assert to_other.inputs is not None and [(n, type(v)) for n, v in to_other.inputs] == [("id", Expression)]
    assert plain.inputs is None


def test_a_1_0_plan_keeps_targets_as_text_and_never_reads_action_parameters() -> None:
    built = plan_of(documents(ARAZZO_1_1_PLAN, PATHS, extra_workflows=OTHER), valid=False)

    created = step(built)
    assert created.request is not None and created.request.body is not None
    assert [target for target, _ in created.request.body.replacements] == ["/a/0", "$.a[0]"]
    assert [action.inputs for action in created.success_actions] == [None, None]
