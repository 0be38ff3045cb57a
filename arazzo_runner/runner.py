"""The facade: ``run``, ``arun`` and the reusable :class:`Runner`.

A run is planned completely before its first request (load, validate, resolve, compile, inputs), then the
executor is driven with a synchronous ``httpx.Client`` or an ``httpx.AsyncClient``. Whatever touches the
world is injectable: the client or transport, the document retriever, ``sleep`` and the clocks.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import httpx

from arazzo_runner.deadline import http_transport, tls_context
from arazzo_runner.documents import PathOrUrl, open_document
from arazzo_runner.errors import DocumentError, LoadError, UsageError
from arazzo_runner.events import RunResult
from arazzo_runner.execute import (
    AsyncIO,
    Drive,
    Listener,
    RequestSettings,
    RunOptions,
    RunState,
    SyncIO,
    execute_workflow,
)
from arazzo_runner.execute.outcome import redact_result
from arazzo_runner.execute.state import Signing, signing

if TYPE_CHECKING:
    from arazzo_runner.execute.contract import Contract
from arazzo_runner.http import CredentialStore
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.loader import Retriever
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.plan import Plan, RequestPlan, blocking, build_plan, select_workflow
from arazzo_runner.sources import Workspace
from arazzo_runner.validate import strictly

__all__ = ["Prepared", "Runner", "arun", "run"]


@dataclass(frozen=True)
class Prepared:
    """A planned workflow: reusable across runs of the same document and workflow."""

    plan: Plan
    notice: str | None = None
    """A warning every run of this plan repeats (server overrides that name no source it uses)."""
    signings: Mapping[RequestPlan, Signing] = field(default_factory=lambda: MappingProxyType({}))
    """How each request is signed with the runner's credentials, decided once."""
    contracts: Mapping[str, Contract] = field(default_factory=lambda: MappingProxyType({}))
    """openapi-core's view of each description the run calls (contract mode only)."""

    @property
    def sources(self) -> frozenset[str]:
        """The OpenAPI source descriptions the run may call."""
        return self.plan.sources


class Runner:
    """Runs workflows; keeps planned documents so repeated runs pay only for their requests.

    ``servers`` maps a source description name to a base URL that replaces its OpenAPI servers; ``auth`` maps
    ``SOURCE.SCHEME`` to a credential (see :mod:`arazzo_runner.http.auth`), the environment supplying the rest.
    Responses are checked against their OpenAPI operation (status, content type, body schema): mismatches are
    warnings, or fail the step when ``strict``. ``contract`` checks every request and response with openapi-core
    instead (parameters, security, headers, bodies; slower, see :mod:`arazzo_runner.execute.contract`): a
    response that breaks the contract fails its step. Nothing passed in is modified.

    ``limits`` bounds what documents and servers can make a run do (sizes, depths, time; see
    :class:`~arazzo_runner.limits.Limits`); ``timeout``, ``max_steps`` and ``max_depth`` are shortcuts for its
    ``request_timeout``, ``max_steps`` and ``max_workflow_depth``.

    ``unknown_servers`` says what happens when ``servers`` names a source description the run does not use:
    ``"error"`` (the default: a typo would otherwise send requests to the API's own servers) refuses the run
    with a :class:`UsageError`; ``"warning"`` reports it and runs; ``"ignore"`` suits one mapping shared by
    the runs of several documents.
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
        limits: Limits = DEFAULT_LIMITS,
        timeout: float | None = None,
        max_steps: int | None = None,
        max_depth: int | None = None,
        strict: bool = False,
        contract: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        listeners: Iterable[Listener] = (),
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        wall_clock: Callable[[], float] = time.time,
        unknown_servers: Literal["error", "warning", "ignore"] = "error",
    ) -> None:
        if unknown_servers not in ("error", "warning", "ignore"):
            raise UsageError(f"unknown_servers must be 'error', 'warning' or 'ignore', not {unknown_servers!r}")
        self._unknown_servers = unknown_servers
        self._client = client
        self._async_client = async_client
        self._transport = transport
        self._retriever = retriever
        credentials = auth if isinstance(auth, CredentialStore) else CredentialStore(
            auth or {}, os.environ if environ is None else environ)
        settings = RequestSettings(MappingProxyType(dict(servers or {})),
                                   MappingProxyType(dict(server_variables or {})), credentials)
        shortcuts = {"request_timeout": timeout, "max_steps": max_steps, "max_workflow_depth": max_depth}
        limits = limits.with_values(**{name: value for name, value in shortcuts.items() if value is not None})
        self._options = RunOptions(settings, limits, strict, contract, clock, wall_clock)
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._listeners = tuple(listeners)
        self._prepared: dict[tuple[str, str | None], Prepared] = {}
        self._redactor = credentials.redactor()

    @property
    def credentials(self) -> CredentialStore:
        """The credentials requests are signed with (never printed; see :meth:`CredentialStore.redactor`)."""
        return self._options.settings.credentials

    # --- planning ------------------------------------------------------------------------------------

    def prepare(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None) -> Prepared:
        """Load, validate and plan; raises DocumentError/UsageError before any request is sent."""
        location = source.url if isinstance(source, ArazzoDocument) else os.fspath(source)
        cached = self._prepared.get((location, workflow_id))
        if cached is None:
            cached = self._prepared[(location, workflow_id)] = self._plan(location, workflow_id)
        return cached

    def _plan(self, location: str, workflow_id: str | None) -> Prepared:
        workspace = Workspace(self._retriever, self._options.limits)
        try:
            opened = open_document(location, workspace=workspace)
        except LoadError as exc:
            diagnostic = exc.diagnostic()
            if diagnostic is None:
                raise
            raise DocumentError([diagnostic]) from exc  # read but unparseable: a problem in the document
        document = opened.bundle.main.document
        diagnostics = strictly(opened.diagnostics) if self._options.strict else opened.diagnostics
        # Document-level problems first: in a document without a valid structure no workflow can be chosen.
        _refuse(blocking(diagnostics, [], [document.document.name]))
        chosen = select_workflow(document, workflow_id)
        plan = build_plan(opened.resolution, (document.url, chosen), workspace.load_referenced)
        _refuse(blocking(diagnostics, list(plan.workflows.values())))
        _refuse(list(plan.problems))
        unknown = sorted(set(self._options.settings.servers) - plan.sources)
        notice = None
        if unknown and self._unknown_servers != "ignore":
            notice = (f"server URL(s) given for unknown source description(s) {', '.join(unknown)}; the workflow "
                      f"uses: {', '.join(sorted(plan.sources)) or 'none'}")
            if self._unknown_servers == "error":
                raise UsageError(notice)
        credentials = self._options.settings.credentials
        signings = {step.request: signing(step.request, credentials) for workflow in plan.workflows.values()
                    for step in workflow.steps if step.request is not None}
        contracts: Mapping[str, Contract] = MappingProxyType({})
        if self._options.contract:
            from arazzo_runner.execute.contract import build_contracts

            sources = {s.request.source.url: s.request.source for w in plan.workflows.values() for s in w.steps
                       if s.request is not None}
            contracts = MappingProxyType(build_contracts(list(sources.values())))
        return Prepared(plan, notice, MappingProxyType(signings), contracts)

    def _drive(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None,
               inputs: Mapping[str, Any] | None) -> Drive:
        prepared = self.prepare(source, workflow_id)
        plan = prepared.plan
        ready = plan.main.inputs.prepare(dict(inputs or {}))
        state = RunState(plan, self._options, ready, prepared.signings, observed=bool(self._listeners),
                         contracts=prepared.contracts, redactor=self._redactor)
        drive = Drive(plan.main.workflow_id, execute_workflow(state, plan.main, ready, notice=prepared.notice),
                      self._listeners)
        drive.finish = lambda result: redact_result(result, state.redactor)
        return drive

    # --- running -------------------------------------------------------------------------------------

    def run(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
            inputs: Mapping[str, Any] | None = None) -> RunResult:
        """Run a workflow synchronously and return its result."""
        drive = self._drive(source, workflow_id, inputs)
        client = self._client or httpx.Client(transport=self._sync_transport(),
                                              timeout=self._options.limits.request_timeout, verify=tls_context())
        try:
            return drive.run(SyncIO(client, self._sleep))
        finally:
            if self._client is None:
                client.close()

    def _sync_transport(self) -> httpx.BaseTransport:
        """The caller's transport, else the default one, whose deadline bounds a whole exchange, headers included
        (see :mod:`arazzo_runner.deadline`)."""
        if self._transport is None:
            return http_transport()
        return self._transport  # type: ignore[return-value]

    async def arun(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
                   inputs: Mapping[str, Any] | None = None) -> RunResult:
        """Run a workflow on ``httpx.AsyncClient`` (ASGI apps in-process through ``httpx.ASGITransport``)."""
        drive = self._drive(source, workflow_id, inputs)
        client = self._async_client or httpx.AsyncClient(
            transport=self._transport, timeout=self._options.limits.request_timeout,  # type: ignore[arg-type]
            verify=tls_context())
        try:
            return await drive.arun(AsyncIO(client, self._async_sleep))
        finally:
            if self._async_client is None:
                await client.aclose()


def _refuse(problems: list[Any]) -> None:
    if problems:
        raise DocumentError(problems)


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
