"""The runs the report tests are about, each made by really running a workflow (see :mod:`support`)."""

from __future__ import annotations

import httpx

from arazzo_runner.reports import RunRecord
from tests.reports.support import Api, answers, routes, step, workflow

OK = httpx.Response(200, json={"id": 7})


def passing(api: Api) -> RunRecord:
    """Two steps, both answered 200; the workflow outputs the first step's id."""
    api.write([workflow("flow", [step("first", "getA", outputs={"id": "$response.body#/id"}), step("second", "getB")],
                        outputs={"id": "$steps.first.outputs.id"})])
    return api.run(answers(OK))


def failing_criterion(api: Api) -> RunRecord:
    """The first step is answered 401 where its criterion wants 200; the second never runs."""
    api.write([workflow("flow", [step("login", "getA"), step("after", "getB")])])
    return api.run(answers(httpx.Response(401, json={"error": "bad credentials"})))


def retry_then_success(api: Api) -> RunRecord:
    """503 twice, then 200, with a retry action that allows three retries."""
    api.write([workflow("flow", [step("poll", "getA", onFailure=[
        {"name": "again", "type": "retry", "retryLimit": 3, "retryAfter": 0}])])])
    return api.run(answers(httpx.Response(503), httpx.Response(503), OK))


def goto_loop(api: Api) -> RunRecord:
    """``check`` sends the run back to ``fetch`` until the API says it is done (once)."""
    api.write([workflow("flow", [step("fetch", "getA"), step("check", "getB", onSuccess=[
        {"name": "loop", "type": "goto", "stepId": "fetch",
         "criteria": [{"condition": "$response.body#/done == false"}]}])])])
    done = [httpx.Response(200, json={"done": False}), httpx.Response(200, json={"done": True})]
    return api.run(routes(a=[OK], b=done))


def transferred(api: Api) -> RunRecord:
    """``flow`` hands over to ``other`` with a goto action naming a workflow."""
    api.write([workflow("flow", [step("start", "getA", onSuccess=[
        {"name": "handoff", "type": "goto", "workflowId": "other"}])]),
        workflow("other", [step("finish", "getC", outputs={"id": "$response.body#/id"})],
                 outputs={"id": "$steps.finish.outputs.id"})])
    return api.run(answers(OK))


def sub_workflow(api: Api) -> RunRecord:
    """A step that runs the workflow ``child``, then an operation step."""
    api.write([workflow("flow", [{"stepId": "call", "workflowId": "child"}, step("after", "getB")]),
               workflow("child", [step("inner", "getC")])])
    return api.run(answers(OK))


def prerequisite(api: Api) -> RunRecord:
    """``flow`` depends on ``setup``, which runs first."""
    api.write([workflow("flow", [step("main", "getA")], dependsOn=["setup"]),
               workflow("setup", [step("prepare", "getB")])])
    return api.run(answers(OK))


def transport_error(api: Api) -> RunRecord:
    """No response arrives: the connection is refused."""
    api.write([workflow("flow", [step("fetch", "getA")])])
    return api.run(answers(httpx.ConnectError("connection refused")))


def step_budget(api: Api) -> RunRecord:
    """A goto loop that never ends, stopped by a step budget of two."""
    again = {"name": "again", "type": "goto", "stepId": "spin"}
    api.write([workflow("flow", [step("spin", "getA", onSuccess=[again])])])
    return api.run(answers(OK), max_steps=2)


def depth_limit(api: Api) -> RunRecord:
    """A sub-workflow step under a depth limit of 0: the run stops while the step is running."""
    api.write([workflow("flow", [{"stepId": "call", "workflowId": "child"}]),
               workflow("child", [step("inner", "getC")])])
    return api.run(answers(OK), max_depth=0)


def ended(api: Api) -> RunRecord:
    """A failed step whose failure action ends the workflow."""
    api.write([workflow("flow", [step("fetch", "getA", onFailure=[{"name": "stop", "type": "end"}])])])
    return api.run(answers(httpx.Response(500, text="down")))


def handled_failure(api: Api) -> RunRecord:
    """A failed step whose failure action sends the run to a recovery step, which succeeds."""
    api.write([workflow("flow", [
        step("fetch", "getA", onFailure=[{"name": "recover", "type": "goto", "stepId": "fallback"}]),
        step("skipped", "getB", onSuccess=[{"name": "done", "type": "end"}]),
        step("fallback", "getC")])])
    return api.run(routes(a=[httpx.Response(404)], c=[OK]))


ALL = [passing, failing_criterion, retry_then_success, goto_loop, transferred, sub_workflow, prerequisite,
       transport_error, step_budget, depth_limit, ended, handled_failure]
