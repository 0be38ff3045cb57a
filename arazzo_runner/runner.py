"""The facade: ``run``, ``arun`` and the reusable :class:`Runner`.

A run is planned completely before its first request (load, validate, resolve, inputs), then the executor
generator is driven here with a synchronous ``httpx.Client`` or an ``httpx.AsyncClient``. Whatever touches
the world is injectable: the client or transport, the document retriever, ``sleep`` and the token fetcher.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx

from arazzo_runner.documents import PathOrUrl, open_document
from arazzo_runner.errors import Diagnostic, DocumentError, ExecutionError, LoadError
from arazzo_runner.events import Event, RunResult, StepFinished
from arazzo_runner.executor import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_STEPS,
    Command,
    Execution,
    RunOptions,
    RunState,
    Send,
    Sleep,
    execute_workflow,
)
from arazzo_runner.http import CredentialStore, OAuth2TokenCache
from arazzo_runner.inputs import prepare_inputs
from arazzo_runner.loader import Retriever
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.plan import Planner, WorkflowPlan, reachable, refuse_if_invalid, select_workflow
from arazzo_runner.request import RequestSettings
from arazzo_runner.sources import BoundDocument, Workspace

Listener = Callable[[Event], None]
DEFAULT_TIMEOUT = 30.0


@dataclass
class Prepared:
    """A planned workflow: reusable across runs of the same document and workflow."""

    bound: BoundDocument
    planner: Planner
    plan: WorkflowPlan
    sources: frozenset[str] = frozenset()
    """The OpenAPI source descriptions the run may call."""


class Runner:
    """Runs workflows; keeps planned documents so repeated runs pay only for their requests.

    ``servers`` maps a source description name to a base URL that replaces its OpenAPI servers; ``auth`` maps
    ``SOURCE.SCHEME`` to a credential (see :mod:`arazzo_runner.http.auth`), the environment supplying the rest.
    Responses are checked against their OpenAPI operation (status, content type, body schema): mismatches are
    warnings, or fail the step when ``strict``.
    """

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        retriever: Retriever | None = None,
        servers: Mapping[str, str] | None = None,
        server_variables: Mapping[str, str] | None = None,
        auth: Mapping[str, str] | CredentialStore | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_steps: int | None = None,
        max_depth: int | None = None,
        strict: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        listeners: Iterable[Listener] = (),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._client = client
        self._async_client = async_client
        self._transport = transport
        self._retriever = retriever
        credentials = auth if isinstance(auth, CredentialStore) else CredentialStore(
            auth or {}, os.environ if environ is None else environ)
        self._settings = RequestSettings(dict(servers or {}), dict(server_variables or {}), credentials, timeout)
        self._max_steps = max_steps if max_steps is not None else DEFAULT_MAX_STEPS
        self._max_depth = max_depth if max_depth is not None else DEFAULT_MAX_DEPTH
        self._strict = strict
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._listeners = list(listeners)
        self._prepared: dict[tuple[str, str | None], Prepared] = {}

    # --- planning ------------------------------------------------------------------------------------

    def prepare(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None) -> Prepared:
        """Load, validate and plan; raises DocumentError/UsageError before any request is sent."""
        key = (source.url if isinstance(source, ArazzoDocument) else os.fspath(source), workflow_id)
        cached = self._prepared.get(key)
        if cached is not None:
            return cached
        try:
            opened = open_document(source.url if isinstance(source, ArazzoDocument) else source,
                                   workspace=Workspace(self._retriever))
        except LoadError as exc:
            if exc.rule != "malformed-document" or exc.location is None:
                raise
            # Read but unparseable: a problem in the document, reported like every other one.
            raise DocumentError([Diagnostic("error", exc.rule, exc.message, exc.location)]) from exc
        bound = opened.bound
        # Document-level problems first: in a document without a valid structure no workflow can be chosen.
        refuse_if_invalid(opened.diagnostics, [], {bound.document.document.name})
        chosen = select_workflow(bound, workflow_id)
        planner = Planner()
        plan = planner.workflow(bound, chosen)
        plans = reachable(planner, plan)
        refuse_if_invalid(opened.diagnostics, plans)
        for reached in plans:  # validation should have said it; never run a step that cannot be built
            for step in reached.steps:
                if step.problem is not None:
                    location = step.problem.location or step.step.location
                    rule = getattr(step.problem, "rule", "invalid-step")
                    raise DocumentError([Diagnostic("error", rule, step.problem.message, location)])
        prepared = Prepared(bound, planner, plan, frozenset(name for p in plans for name in p.bound.openapi))
        self._prepared[key] = prepared
        return prepared

    def _drive(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None,
               inputs: Mapping[str, Any] | None) -> _Drive:
        prepared = self.prepare(source, workflow_id)
        ready = prepare_inputs(prepared.bound, prepared.plan.workflow, dict(inputs or {}))
        options = RunOptions(self._settings, self._max_steps, self._max_depth, self._strict)
        state = RunState(prepared.planner, options, ready)
        return _Drive(prepared, execute_workflow(state, prepared.plan, ready), self._listeners)

    # --- running -------------------------------------------------------------------------------------

    def run(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
            inputs: Mapping[str, Any] | None = None) -> RunResult:
        """Run a workflow synchronously and return its result."""
        drive = self._drive(source, workflow_id, inputs)
        client = self._client or httpx.Client(transport=self._transport,  # type: ignore[arg-type]
                                              timeout=self._settings.timeout, verify=_tls_context())
        tokens = OAuth2TokenCache(client)
        try:
            command = drive.advance(None)
            while command is not None:
                answer: Any = None
                try:
                    if isinstance(command, Send):
                        answer = client.send(command.request)
                    elif isinstance(command, Sleep):
                        self._sleep(command.seconds)
                    else:
                        answer = tokens.fetch(command.token_url, command.client_id, command.client_secret,
                                              command.scopes)
                except (httpx.HTTPError, ExecutionError) as exc:
                    answer = exc  # the executor turns it into a failed step
                command = drive.advance(answer)
        finally:
            if self._client is None:
                client.close()
        return drive.result

    async def arun(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
                   inputs: Mapping[str, Any] | None = None) -> RunResult:
        """Run a workflow on ``httpx.AsyncClient`` (ASGI apps in-process through ``httpx.ASGITransport``)."""
        drive = self._drive(source, workflow_id, inputs)
        client = self._async_client or httpx.AsyncClient(
            transport=self._transport, timeout=self._settings.timeout, verify=_tls_context())  # type: ignore[arg-type]
        tokens = OAuth2TokenCache(async_client=client)
        try:
            command = drive.advance(None)
            while command is not None:
                answer: Any = None
                try:
                    if isinstance(command, Send):
                        answer = await client.send(command.request)
                    elif isinstance(command, Sleep):
                        await self._async_sleep(command.seconds)
                    else:
                        answer = await tokens.fetch_async(command.token_url, command.client_id,
                                                          command.client_secret, command.scopes)
                except (httpx.HTTPError, ExecutionError) as exc:
                    answer = exc
                command = drive.advance(answer)
        finally:
            if self._async_client is None:
                await client.aclose()
        return drive.result


class _Drive:
    """Steps the executor generator: hands events to listeners, stops at each command for the I/O loop."""

    def __init__(self, prepared: Prepared, execution: Execution, listeners: list[Listener]) -> None:
        self.prepared = prepared
        self.execution = execution
        self.listeners = listeners
        self.collected: list[StepFinished] = []
        self.result: RunResult = RunResult(prepared.plan.workflow.workflow_id, "failed", {}, (), "not run")

    def advance(self, answer: Any) -> Command | None:
        """Send ``answer`` in; return the next command, or ``None`` once :attr:`result` is final."""
        try:
            while True:
                item = self.execution.send(answer)
                if not isinstance(item, Event):
                    return item
                answer = None
                if isinstance(item, StepFinished):
                    self.collected.append(item)
                for listener in self.listeners:
                    listener(item)
        except StopIteration as stop:
            self.result = stop.value
        except ExecutionError as exc:
            self.result = _aborted(self.prepared, self.collected, exc)
        return None


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: httpx builds a new one (reading the CA bundle, ~50 ms) for every client."""
    return httpx.create_ssl_context()


def _aborted(prepared: Prepared, collected: list[StepFinished], error: ExecutionError) -> RunResult:
    """The result of a run stopped by an authoring or budget error: what ran, and why it stopped."""
    workflow_id = prepared.plan.workflow.workflow_id
    steps = tuple(e.result for e in collected if e.result is not None and e.workflow_id == workflow_id)
    return RunResult(workflow_id, "failed", {}, steps, str(error))


def run(
    source: PathOrUrl | ArazzoDocument,
    workflow_id: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    *,
    servers: Mapping[str, str] | None = None,
    auth: Mapping[str, str] | CredentialStore | None = None,
    transport: httpx.BaseTransport | None = None,
    client: httpx.Client | None = None,
    **options: Any,
) -> RunResult:
    """Run one workflow and return its :class:`RunResult`.

    ``servers`` maps source description names to base URLs, ``auth`` maps ``SOURCE.SCHEME`` to credentials;
    ``transport``/``client`` route the requests (e.g. ``httpx.WSGITransport(app)``). Any other keyword is a
    :class:`Runner` option (``timeout``, ``strict``, ``max_steps``, ``retriever``, ``listeners``, ...).
    """
    runner = Runner(servers=servers, auth=auth, transport=transport, client=client, **options)
    return runner.run(source, workflow_id, inputs)


async def arun(
    source: PathOrUrl | ArazzoDocument,
    workflow_id: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    *,
    servers: Mapping[str, str] | None = None,
    auth: Mapping[str, str] | CredentialStore | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    client: httpx.AsyncClient | None = None,
    **options: Any,
) -> RunResult:
    """The ``asyncio`` twin of :func:`run` (``transport=httpx.ASGITransport(app)`` runs against an ASGI app)."""
    runner = Runner(servers=servers, auth=auth, transport=transport, async_client=client, **options)
    return await runner.arun(source, workflow_id, inputs)
