"""Arazzo 1.1 over loopback HTTP: Selector Objects, ``$self``, step ``timeout``, step ``dependsOn`` (order,
other workflows' steps) and ``parallel`` steps — each row asserting what the server received and the outputs."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, param, step
from recording_server import Received, RecordingServer, Reply

from arazzo_runner.documents import validate
from arazzo_runner.runner import Runner

ITEMS = {"data": {"items": [{"id": 7, "name": "Rex"}, {"id": 8, "name": "Tom"}]},
         "xml": "<shop><item id='7'>Rex</item><item id='8'>Tom</item></shop>"}


def as_1_1(path: Path, **root: str) -> Path:
    """The document at ``path`` rewritten as Arazzo 1.1 (with root fields such as ``$self``)."""
    text = path.read_text("utf-8").replace("arazzo: 1.0.1", "arazzo: 1.1.0", 1)
    extra = "".join(f"{key}: {value}\n" for key, value in root.items())
    path.write_text(text.replace("arazzo: 1.1.0\n", "arazzo: 1.1.0\n" + extra, 1), "utf-8")
    return path


def shop(docs: Documents, server: RecordingServer, steps: list[dict[str, Any]], **workflow: Any) -> Path:
    server.reply(Reply(200, ITEMS), path="/items")
    paths = {"/items": {"get": operation("list")},
             "/items/{id}": {"get": operation("get", parameters=[param("id", "path")])},
             "/orders": {"post": operation("order", requestBody=json_body())}}
    return as_1_1(docs.flow(paths, steps, **workflow))


LIST = {"stepId": "list", "operationId": "list"}

SELECTORS = [
    pytest.param({"context": "$response.body", "selector": "$.data.items[1].name", "type": "jsonpath"}, "Tom",
                 id="jsonpath-one-node"),
    pytest.param({"context": "$response.body", "selector": "$.data.items[*].id", "type": "jsonpath"}, [7, 8],
                 id="jsonpath-several-nodes-give-a-list"),
    pytest.param({"context": "$response.body", "selector": "$.data.items[*].id",
                  "type": {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"}}, [7, 8],
                 id="jsonpath-with-an-expression-type-object"),
    pytest.param({"context": "$response.body", "selector": "/data/items/0/name", "type": "jsonpointer"}, "Rex",
                 id="jsonpointer"),
    pytest.param({"context": "$response.body#/xml", "selector": "/shop/item[@id='8']", "type": "xpath"}, "Tom",
                 id="xpath-node-string-value"),
    pytest.param({"context": "$response.body#/xml", "selector": "count(/shop/item)",
                  "type": {"type": "xpath", "version": "xpath-10"}}, 2, id="xpath-1.0-number"),
]


@pytest.mark.parametrize(("selector", "value"), SELECTORS)
def test_a_selector_object_output_selects_from_the_response(docs: Documents, server: RecordingServer,
                                                            selector: dict[str, Any], value: Any) -> None:
    document = shop(docs, server, [{**LIST, "outputs": {"picked": selector}}],
                    outputs={"picked": "$steps.list.outputs.picked"})

    result = Runner().run(document, WORKFLOW)

    assert result.succeeded, result.error
    assert dict(result.outputs) == {"picked": value}


def test_a_selector_that_selects_nothing_leaves_the_output_unset_with_a_warning(
        docs: Documents, server: RecordingServer) -> None:
    selector = {"context": "$response.body", "selector": "$.data.nothing", "type": "jsonpath"}
    document = shop(docs, server, [{**LIST, "outputs": {"picked": selector}}])

    result = Runner().run(document, WORKFLOW)

    assert result.succeeded
    assert result.steps[0].outputs == {}
    assert any("output 'picked'" in w for w in result.steps[0].warnings), result.steps[0].warnings


def test_selector_objects_as_a_parameter_value_and_inside_a_payload(docs: Documents, server: RecordingServer) -> None:
    second_id = {"context": "$steps.list.outputs.body", "selector": "$.data.items[1].id", "type": "jsonpath"}
    steps = [{**LIST, "outputs": {"body": "$response.body"}},
             step("get", "get", parameters=[{"name": "id", "in": "path", "value": second_id}]),
             step("order", "order", requestBody={"payload": {"petId": second_id, "note": "for {$inputs.who}"},
                                                 "replacements": [{"target": "/names", "value": {
                                                     "context": "$steps.list.outputs.body",
                                                     "selector": "$.data.items[*].name", "type": "jsonpath"}}]})]
    document = shop(docs, server, steps, inputs={"type": "object", "properties": {"who": {"type": "string"}}})

    result = Runner().run(document, WORKFLOW, {"who": "Ann"})

    assert result.succeeded, result.error
    assert [r.target for r in server.requests] == ["/items", "/items/8", "/orders"]
    assert server.requests[2].json() == {"petId": 8, "note": "for Ann", "names": ["Rex", "Tom"]}


def test_an_invalid_selector_is_a_validation_error_at_its_place(docs: Documents, server: RecordingServer) -> None:
    broken = {"context": "$response.body", "selector": "$[?", "type": "jsonpath"}
    document = shop(docs, server, [{**LIST, "outputs": {"picked": broken}}])

    [found] = [d for d in validate(document) if d.rule == "invalid-selector"]

    assert found.location.pointer == "/workflows/0/steps/0/outputs/picked"
    assert "selector '$[?'" in found.message


def test_self_is_the_base_uri_of_relative_sources_and_an_expression(docs: Documents, server: RecordingServer,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    document = shop(docs, server, [{**LIST, "outputs": {"me": "$self"}}], outputs={"me": "$steps.list.outputs.me"})
    (tmp_path / "openapi.json").rename(tmp_path / "specs" / "openapi.json")
    self_uri = (tmp_path / "specs" / "flows.arazzo.yaml").as_uri()
    text = document.read_text("utf-8").replace("arazzo: 1.1.0\n", f"arazzo: 1.1.0\n$self: {self_uri}\n", 1)
    document.write_text(text, "utf-8")  # its source './openapi.json' now resolves against $self, in specs/

    result = Runner().run(document, WORKFLOW)

    assert result.succeeded, result.error
    assert dict(result.outputs) == {"me": self_uri}


def test_a_source_names_another_document_by_its_self(docs: Documents, server: RecordingServer,
                                                     tmp_path: Path) -> None:
    server.reply(Reply(200, ITEMS), path="/items")
    docs.openapi({"/items": {"get": operation("list")}})
    child = docs.arazzo([{"workflowId": "child", "steps": [step("list", "list")],
                          "outputs": {"n": "$steps.list.outputs.n"}}], name="child.arazzo.yaml")
    child.write_text(child.read_text("utf-8").replace("arazzo: 1.0.1", "arazzo: 1.1.0\n$self: "
                                                      "https://flows.example/child.arazzo.yaml"), "utf-8")
    child.write_text(child.read_text("utf-8").replace("steps:\n  - stepId: list\n    operationId: list",
                                                      "steps:\n  - stepId: list\n    operationId: list\n"
                                                      "    outputs:\n      n: $response.body#/data/items/0/id"),
                     "utf-8")
    parent = tmp_path / "parent.arazzo.yaml"
    parent.write_text("arazzo: 1.1.0\ninfo: {title: p, version: '1'}\nsourceDescriptions:\n"
                      "  - {name: flows, url: 'https://flows.example/child.arazzo.yaml', type: arazzo}\n"
                      "workflows:\n  - workflowId: main\n    steps:\n"
                      "      - {stepId: call, workflowId: $sourceDescriptions.flows.child}\n"
                      "    outputs: {n: $workflows.child.outputs.n}\n", "utf-8")

    result = Runner(provided=[child]).run(parent, "main")  # no network: the URL is child's $self

    assert result.succeeded, result.error
    assert dict(result.outputs) == {"n": 7}


def slow(seconds: float) -> Any:
    def answer(request: Received) -> Reply:
        return Reply(200, {"ok": True}, delay=seconds)
    return answer


def test_a_step_timeout_fails_the_step_and_its_on_failure_retry_runs_it_again(
        docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(200, {"ok": True}, delay=2.0), Reply(200, {"ok": True}), path="/items")
    paths = {"/items": {"get": operation("list")}}
    steps = [{**LIST, "timeout": 200, "onFailure": [{"name": "again", "type": "retry", "retryLimit": 1}]}]
    document = as_1_1(docs.flow(paths, steps))

    result = Runner().run(document, WORKFLOW)

    assert result.succeeded, result.error
    assert result.steps[0].attempts == 2
    assert len(server.requests) == 2


def test_a_step_timeout_without_a_failure_action_fails_the_workflow(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(200, {"ok": True}, delay=2.0), path="/items")
    document = as_1_1(docs.flow({"/items": {"get": operation("list")}}, [{**LIST, "timeout": 150}]))

    result = Runner().run(document, WORKFLOW)

    assert result.status == "failed"
    assert result.error == "step 'list' failed: step 'list' took longer than its timeout of 150 ms"


def test_depends_on_a_later_step_runs_it_first(docs: Documents, server: RecordingServer) -> None:
    steps = [step("get", "get", dependsOn=["list"],
                  parameters=[{"name": "id", "in": "path", "value": "$steps.list.outputs.first"}]),
             {**LIST, "outputs": {"first": "$response.body#/data/items/0/id"}}]
    document = shop(docs, server, steps)

    result = Runner().run(document, WORKFLOW)

    assert result.succeeded, result.error
    assert [r.target for r in server.requests] == ["/items", "/items/7"]
    assert [s.step_id for s in result.steps] == ["list", "get"]


DEPENDENCY_PROBLEMS = [
    pytest.param(["nope"], "unknown-step-dependency", "dependsOn 'nope' names no step of this workflow",
                 id="unknown-local-step"),
    pytest.param(["$workflows.ghost.steps.x"], "unknown-step-dependency", "no workflow 'ghost'",
                 id="unknown-workflow"),
    pytest.param(["$inputs.x"], "unknown-step-dependency", "is neither a stepId", id="not-a-step-reference"),
]


@pytest.mark.parametrize(("depends_on", "rule", "message"), DEPENDENCY_PROBLEMS)
def test_a_dependency_that_names_no_step_is_a_located_error(docs: Documents, server: RecordingServer,
                                                           depends_on: list[str], rule: str, message: str) -> None:
    document = shop(docs, server, [{**LIST, "dependsOn": depends_on}])

    [found] = [d for d in validate(document) if d.rule == rule]

    assert message in found.message
    assert found.location.pointer == "/workflows/0/steps/0/dependsOn/0"


def test_steps_depending_on_each_other_are_a_cycle(docs: Documents, server: RecordingServer) -> None:
    steps = [{**LIST, "dependsOn": ["get"]}, step("get", "list", dependsOn=["list"])]
    document = shop(docs, server, steps)

    [found] = [d for d in validate(document) if d.rule == "step-dependency-cycle"]

    assert "steps 'list', 'get' depend on each other" in found.message


def test_a_forward_output_reference_without_depends_on_is_an_error_in_1_1(docs: Documents,
                                                                          server: RecordingServer) -> None:
    steps = [step("get", "get", parameters=[{"name": "id", "in": "path", "value": "$steps.list.outputs.first"}]),
             {**LIST, "outputs": {"first": "$response.body#/data/items/0/id"}}]
    document = shop(docs, server, steps)

    [found] = [d for d in validate(document) if d.rule == "forward-step-reference"]

    assert found.severity == "error"


def test_depending_on_another_workflows_step_needs_it_done_first(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(200, ITEMS), path="/items")
    paths = {"/items": {"get": operation("list")}}
    docs.openapi(paths)
    document = as_1_1(docs.arazzo([
        {"workflowId": "main", "dependsOn": ["setup"], "steps": [
            {**LIST, "dependsOn": ["$workflows.setup.steps.prepare"]}]},
        {"workflowId": "early", "steps": [{**LIST, "dependsOn": ["$workflows.setup.steps.prepare"]}]},
        {"workflowId": "setup", "steps": [{"stepId": "prepare", "operationId": "list"}]},
    ]))

    ready = Runner().run(document, "main")
    not_ready = Runner().run(document, "early")

    assert ready.succeeded, ready.error
    assert not_ready.status == "failed"
    assert not_ready.error == ("step 'list' failed: step 'list' depends on setup/prepare, which has not "
                               "completed in this run")


def test_parallel_steps_overlap_in_time(docs: Documents, server: RecordingServer) -> None:
    meeting = threading.Barrier(2, timeout=5)

    def both_in_flight(request: Received) -> Reply:
        # Passes only when the other step's request is in flight at the same time: proof of overlap that
        # does not depend on how fast the machine is.
        try:
            meeting.wait()
        except threading.BrokenBarrierError:
            return Reply(503, {"error": "the other step was not in flight"})
        return Reply(200, {"ok": True}, delay=0.3)

    server.reply(both_in_flight)
    paths = {"/a": {"get": operation("a")}, "/b": {"get": operation("b")}, "/c": {"get": operation("c")}}
    success = [{"condition": "$statusCode == 200"}]
    steps = [{"stepId": "a", "operationId": "a", "successCriteria": success},
             {"stepId": "b", "operationId": "b", "successCriteria": success},
             {"stepId": "after", "operationId": "c", "dependsOn": ["a", "b"]}]
    server.reply(Reply(200, {"ok": True}), path="/c")
    document = as_1_1(docs.flow(paths, steps))

    result = Runner(parallel=True).run(document, WORKFLOW)

    assert result.succeeded, result.error
    assert {r.target for r in server.requests[:2]} == {"/a", "/b"}
    assert server.requests[2].target == "/c"


def test_without_parallel_the_same_steps_run_one_after_another(docs: Documents, server: RecordingServer) -> None:
    paths = {"/a": {"get": operation("a")}, "/b": {"get": operation("b")}}
    document = as_1_1(docs.flow(paths, [{"stepId": "a", "operationId": "a"}, {"stepId": "b", "operationId": "b"}]))

    result = Runner().run(document, WORKFLOW)

    assert result.succeeded
    assert [r.target for r in server.requests] == ["/a", "/b"]


def test_parallel_keeps_list_order_for_a_workflow_with_goto(docs: Documents, server: RecordingServer) -> None:
    paths = {"/a": {"get": operation("a")}, "/b": {"get": operation("b")}}
    steps = [{"stepId": "a", "operationId": "a", "onSuccess": [{"name": "on", "type": "goto", "stepId": "b"}]},
             {"stepId": "b", "operationId": "b"}]
    document = as_1_1(docs.flow(paths, steps))

    result = Runner(parallel=True).run(document, WORKFLOW)

    assert result.succeeded
    assert [r.target for r in server.requests] == ["/a", "/b"]


def test_parallel_steps_on_the_async_client_overlap_too(docs: Documents, server: RecordingServer) -> None:
    meeting = threading.Barrier(2, timeout=5)

    def both_in_flight(request: Received) -> Reply:
        try:
            meeting.wait()
        except threading.BrokenBarrierError:
            return Reply(503, {})
        return Reply(200, {"ok": True})

    server.reply(both_in_flight)
    paths = {"/a": {"get": operation("a")}, "/b": {"get": operation("b")}}
    success = [{"condition": "$statusCode == 200"}]
    document = as_1_1(docs.flow(paths, [{"stepId": "a", "operationId": "a", "successCriteria": success},
                                        {"stepId": "b", "operationId": "b", "successCriteria": success}]))

    result = asyncio.run(Runner(parallel=True).arun(document, WORKFLOW))

    assert result.succeeded, result.error
