"""Drive the executor by hand: plans built from in-memory documents, answers scripted, no sockets, no waiting.

:func:`plan_of` compiles an Arazzo document (with one OpenAPI description) exactly as a run would.
:class:`Script` then steps the executor generator, answering each command from a list, and records every
event and command in order, with a clock the test controls.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from arazzo_runner.documents import open_document
from arazzo_runner.errors import LoadError
from arazzo_runner.events import Event, RunResult
from arazzo_runner.execute import Command, RequestSettings, RunOptions, RunState, Send, execute_workflow
from arazzo_runner.http import CredentialStore
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.plan import Plan, build_plan
from arazzo_runner.sources import Workspace

ARAZZO_URL = "http://docs.test/flow.arazzo.json"
OPENAPI_URL = "http://docs.test/api.json"


def operation(operation_id: str, **fields: Any) -> dict[str, Any]:
    """An OpenAPI operation answering any status with any body."""
    return {"operationId": operation_id, "responses": {"default": {"description": "any"}}, **fields}


def documents(steps: list[dict[str, Any]], paths: Mapping[str, Any], *, inputs: Any = None,
              extra_workflows: Iterable[dict[str, Any]] = (), components: Mapping[str, Any] | None = None,
              api_components: Mapping[str, Any] | None = None, security: Any = None,
              workflow_fields: Mapping[str, Any] | None = None, version: str = "1.0.1") -> dict[str, bytes]:
    """The bytes of an Arazzo document (workflow ``flow``; Arazzo ``version``) and its OpenAPI description, by URL."""
    api: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "api", "version": "1"},
                           "servers": [{"url": "https://api.test"}], "paths": dict(paths)}
    if api_components:
        api["components"] = dict(api_components)
    if security is not None:
        api["security"] = security
    workflow: dict[str, Any] = {"workflowId": "flow", "steps": steps, **(workflow_fields or {})}
    if inputs is not None:
        workflow["inputs"] = inputs
    arazzo: dict[str, Any] = {"arazzo": version, "info": {"title": "flow", "version": "1"},
                              "sourceDescriptions": [{"name": "api", "url": "api.json", "type": "openapi"}],
                              "workflows": [workflow, *extra_workflows]}
    if components:
        arazzo["components"] = dict(components)
    return {ARAZZO_URL: json.dumps(arazzo).encode(), OPENAPI_URL: json.dumps(api).encode()}


def plan_of(served: Mapping[str, bytes], workflow_id: str = "flow", *, valid: bool = True) -> Plan:
    """The plan a run of ``workflow_id`` would execute (the document must be valid unless ``valid`` is false)."""
    def retrieve(url: str) -> bytes:
        if url not in served:
            raise LoadError(f"not served: {url}", rule="unreachable-url")
        return served[url]

    workspace = Workspace(retrieve)
    opened = open_document(ARAZZO_URL, workspace=workspace)
    assert not valid or not opened.errors, [str(d) for d in opened.errors]
    return build_plan(opened.resolution, (ARAZZO_URL, workflow_id), workspace.load_referenced)


def json_response(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    """A response as the transport would deliver it (content read)."""
    response = httpx.Response(status, json=body, headers=headers) if body is not None else httpx.Response(
        status, headers=headers)
    response.read()
    return response


class Clock:
    """A clock that moves only when told (``advance``), shared by duration and date readings."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Script:
    """Runs the executor, answering commands with ``answer`` and recording what it yields."""

    plan: Plan
    answer: Callable[[Command], Any]
    credentials: Mapping[str, str] = field(default_factory=dict)
    observed: bool = True
    clock: Clock = field(default_factory=Clock)
    strict: bool = False
    max_steps: int = 1000
    limits: Limits = DEFAULT_LIMITS
    yielded: list[Event | Command] = field(default_factory=list)

    def run(self, inputs: Mapping[str, Any] | None = None) -> RunResult:
        """Drive the run to its end; raises what the executor raises (budget exhausted, ...)."""
        settings = RequestSettings(credentials=CredentialStore(dict(self.credentials), environ={}))
        options = RunOptions(settings, self.limits.with_values(max_steps=self.max_steps), strict=self.strict,
                             clock=self.clock, wall_clock=self.clock)
        ready = self.plan.main.inputs.prepare(dict(inputs or {}))
        state = RunState(self.plan, options, ready, observed=self.observed)
        generator = execute_workflow(state, self.plan.main, ready)
        reply: Any = None
        try:
            while True:
                item = generator.send(reply)
                self.yielded.append(item)
                reply = None if isinstance(item, Event) else self.answer(item)
        except StopIteration as stop:
            result: RunResult = stop.value
            return result

    def of(self, kind: type) -> list[Any]:
        """What was yielded of one type, in order."""
        return [item for item in self.yielded if isinstance(item, kind)]

    @property
    def sent(self) -> list[httpx.Request]:
        """The requests, in order."""
        return [command.request for command in self.of(Send)]


def replies(*responses: Any) -> Callable[[Command], Any]:
    """Answer the n-th command that sends a request with the n-th response (or exception)."""
    queue = list(responses)

    def answer(command: Command) -> Any:
        if isinstance(command, Send):
            return queue.pop(0)
        return None

    return answer
