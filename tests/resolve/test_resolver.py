"""The one resolver: what every reference of a bundle names, and the one workflow graph."""

from __future__ import annotations

from typing import Any

from arazzo_runner.documents import open_document
from arazzo_runner.errors import LoadError
from arazzo_runner.resolve import Resolution
from arazzo_runner.sources import Workspace
from tests.execute.scripted import ARAZZO_URL, documents, operation

PATHS = {"/items": {"get": operation("list", parameters=[{"name": "page", "in": "query", "schema": {}}])}}


def resolution(steps: list[dict[str, Any]], **options: Any) -> Resolution:
    served = documents(steps, PATHS, **options)

    def retrieve(url: str) -> bytes:
        if url not in served:
            raise LoadError(f"not served: {url}", rule="unreachable-url")
        return served[url]

    return open_document(ARAZZO_URL, workspace=Workspace(retrieve)).resolution


def test_a_step_gets_its_operation_and_its_effective_parameters_once() -> None:
    found = resolution([{"stepId": "a", "operationId": "list", "parameters": [
        {"reference": "$components.parameters.page", "value": 3}]}],
        components={"parameters": {"page": {"name": "page", "in": "query", "value": 1}}})

    step = found.workflows[(ARAZZO_URL, "flow")].steps[0]
    assert step.complete and step.operation is not None and step.operation.operation_id == "list"
    assert [(p.name, p.in_, p.value) for p in step.parameters] == [("page", "query", 3)]
    assert found.diagnostics == ()


def test_step_actions_come_first_and_replace_workflow_actions_of_the_same_name() -> None:
    found = resolution([{"stepId": "a", "operationId": "list",
                         "onFailure": [{"name": "stop", "type": "end"}]}],
                       workflow_fields={"failureActions": [{"name": "again", "type": "retry"},
                                                           {"name": "stop", "type": "goto", "stepId": "a"}]})

    failure = found.workflows[(ARAZZO_URL, "flow")].steps[0].failure_actions
    assert [(a.action.name, a.action.type) for a in failure] == [("stop", "end"), ("again", "retry")]


def test_unresolvable_references_are_diagnostics_at_their_fields_and_leave_the_step_incomplete() -> None:
    found = resolution([{"stepId": "a", "operationId": "nope",
                         "onSuccess": [{"name": "g", "type": "goto", "stepId": "zz"}]}])

    step = found.workflows[(ARAZZO_URL, "flow")].steps[0]
    assert not step.complete
    assert sorted((d.rule, d.location.pointer) for d in found.diagnostics) == [
        ("unknown-operation-id", "/workflows/0/steps/0/operationId"),
        ("unknown-step", "/workflows/0/steps/0/onSuccess/0/stepId")]


def test_one_graph_answers_reachability_over_every_edge_and_cycles_over_calls_only() -> None:
    found = resolution(
        [{"stepId": "call", "workflowId": "b"},
         {"stepId": "then", "operationId": "list", "onSuccess": [{"name": "hop", "type": "goto", "workflowId": "c"}]}],
        extra_workflows=[
            {"workflowId": "b", "steps": [{"stepId": "x", "workflowId": "flow"}]},
            {"workflowId": "c", "dependsOn": ["flow"], "steps": [{"stepId": "y", "operationId": "list"}]},
            {"workflowId": "island", "steps": [{"stepId": "z", "operationId": "list"}]}])

    graph = found.graph
    assert sorted(k[1] for k in graph.reachable((ARAZZO_URL, "flow"))) == ["b", "c", "flow"]
    cycles = list(graph.cycles([(ARAZZO_URL, "flow")]))
    assert [c.chain() for c in cycles] == ["b -> flow -> b"]
    assert not cycles[0].only_depends_on
