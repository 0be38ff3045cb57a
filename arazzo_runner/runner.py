"""The facade: ``run``, ``arun`` and the reusable :class:`Runner`.

A run is planned completely before its first request (load, validate, resolve, compile, inputs), then the
executor is driven with a synchronous ``httpx.Client`` or an ``httpx.AsyncClient``. Whatever touches the
world is injectable: the client or transport, the document retriever, ``sleep`` and the clocks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import httpx

from arazzo_runner.deadline import async_client, sync_client
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
    from arazzo_runner.mock import MockTransport
from arazzo_runner.http import CredentialStore
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.loader import Retriever, SourceDocument
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.plan import Plan, RequestPlan, blocking, build_plan, select_workflow
from arazzo_runner.redaction import Redactor, Unmasked
from arazzo_runner.sources import Workspace
from arazzo_runner.validate import strictly

__all__ = ["Prepared", "Runner", "arun", "run"]

MOCK_BASE = "http://mock.arazzo.invalid/"
"""Where ``mock=True`` sends a relative server of a description read from a file (``.invalid`` never resolves,
RFC 2606; nothing is sent anyway)."""


@dataclass(frozen=True)
class Prepared:
    """A planned workflow: reusable across runs of the same document and workflow."""

    plan: Plan
    notices: tuple[str, ...] = ()
    """Warnings every run of this plan repeats (server overrides that name no source it uses, the dialect
    forms ``compat`` read)."""
    signings: Mapping[RequestPlan, Signing] = field(default_factory=lambda: MappingProxyType({}))
    """How each request is signed with the runner's credentials, decided once."""
    contracts: Mapping[str, Contract] = field(default_factory=lambda: MappingProxyType({}))
    """openapi-core's view of each description the run calls (contract mode only)."""
    mock: MockTransport | None = None
    """Answers every request of the run in-process from the OpenAPI descriptions (mock mode only)."""

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

    ``compat=True`` runs documents written in the dialects other engines accept (``$response.body.id``,
    double-quoted condition strings, ``operationPath`` without its wrapper, ...; see
    :mod:`arazzo_runner.dialect`) as their authors meant: each form read is told once as a warning with its spec
    spelling, and a step that calls a workflow sees that workflow's last response.

    ``mock=True`` answers every request in-process from the operation's OpenAPI description (the first
    declared 2xx, or the status a criterion compares ``$statusCode`` with; a body from its examples or built from
    its schema; see :mod:`arazzo_runner.mock`): no socket is opened, and every step result says ``mocked``.

    ``parallel=True`` runs the steps of a workflow concurrently as far as their dependencies allow (Arazzo
    1.1 step ``dependsOn`` and the step outputs a step reads); a workflow with ``goto`` or ``end`` actions runs in
    list order, with a warning. Without it, steps run one after another (in list order, moved only where a
    dependency on a later step needs it).

    ``provided`` are documents read before any is planned (Arazzo 1.1: a source naming a document by its
    ``$self`` finds it among them).

    ``mask=False`` turns off masking secrets in results and messages (for debugging a run; every output then
    shows credentials and tokens as they are).
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
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
        listeners: Iterable[Listener] = (),
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        wall_clock: Callable[[], float] = time.time,
        unknown_servers: Literal["error", "warning", "ignore"] = "error",
        mask: bool = True,
        compat: bool = False,
        mock: bool = False,
        provided: Iterable[PathOrUrl] = (),
        parallel: bool = False,
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
                                   MappingProxyType(dict(server_variables or {})), credentials,
                                   offline_base=MOCK_BASE if mock else None)
        shortcuts = {"request_timeout": timeout, "max_steps": max_steps, "max_workflow_depth": max_depth}
        limits = limits.with_values(**{name: value for name, value in shortcuts.items() if value is not None})
        if mock and (client is not None or async_client is not None or transport is not None):
            raise UsageError("mock=True answers every request itself: it cannot be combined with a client or "
                             "a transport")
        self._options = RunOptions(settings, limits, strict, contract, clock, wall_clock, mock=mock, compat=compat,
                                   parallel=parallel)
        # Looked up now, not when this module was imported, so a test can patch time.sleep for a whole CLI run.
        self._sleep = sleep or time.sleep
        self._async_sleep = async_sleep or _asyncio_sleep
        self._listeners = tuple(listeners)
        self._prepared: dict[tuple[str, str | None], Prepared] = {}
        self._provided = [os.fspath(p) for p in provided]
        self._redactor = credentials.redactor() if mask else Unmasked()

    @property
    def credentials(self) -> CredentialStore:
        """The credentials requests are signed with (never printed; see :meth:`CredentialStore.redactor`)."""
        return self._options.settings.credentials

    @property
    def settings(self) -> RequestSettings:
        """Where requests go: the server overrides and server variables (credentials are not shown)."""
        return self._options.settings

    @property
    def limits(self) -> Limits:
        """The limits every run of this runner keeps to."""
        return self._options.limits

    @property
    def redactor(self) -> Redactor:
        """Masks this runner's credentials in any text (a run's own tokens are told by ``CredentialObtained``
        events); masks nothing when the runner was made with ``mask=False``."""
        return self._redactor

    # --- planning ------------------------------------------------------------------------------------

    def prepare(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None) -> Prepared:
        """Load, validate and plan; raises DocumentError/UsageError before any request is sent."""
        location = source.url if isinstance(source, ArazzoDocument) else os.fspath(source)
        cached = self._prepared.get((location, workflow_id))
        if cached is None:
            cached = self._prepared[(location, workflow_id)] = self._plan(location, workflow_id)
        return cached

    def _plan(self, location: str, workflow_id: str | None) -> Prepared:
        read_as: list[str] = []
        workspace = Workspace(self._retriever, self._options.limits,
                              rewrite=_compat_reader(read_as) if self._options.compat else None)
        workspace.provide([path for path in self._provided if path != location])
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
        notices = list(dict.fromkeys(read_as))
        if unknown and self._unknown_servers != "ignore":
            notice = (f"server URL(s) given for unknown source description(s) {', '.join(unknown)}; the workflow "
                      f"uses: {', '.join(sorted(plan.sources)) or 'none'}")
            if self._unknown_servers == "error":
                raise UsageError(notice)
            notices.append(notice)
        credentials = self._options.settings.credentials
        signings = {step.request: signing(step.request, credentials) for workflow in plan.workflows.values()
                    for step in workflow.steps if step.request is not None}
        contracts: Mapping[str, Contract] = MappingProxyType({})
        if self._options.contract:
            from arazzo_runner.execute.contract import build_contracts

            sources = {s.request.source.url: s.request.source for w in plan.workflows.values() for s in w.steps
                       if s.request is not None}
            contracts = MappingProxyType(build_contracts(list(sources.values())))
        mock = None
        if self._options.mock:
            from arazzo_runner.mock import MockTransport

            described = {s.request.source.url: s.request.source for w in plan.workflows.values() for s in w.steps
                         if s.request is not None}
            mock = MockTransport(list(described.values()), workspace.load_referenced)
        return Prepared(plan, tuple(notices), MappingProxyType(signings), contracts, mock)

    def _drive(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None,
               inputs: Mapping[str, Any] | None, listeners: Iterable[Listener]) -> tuple[Drive, Prepared]:
        prepared = self.prepare(source, workflow_id)
        plan = prepared.plan
        ready = plan.main.inputs.prepare(dict(inputs or {}))
        every = (*self._listeners, *listeners)
        state = RunState(plan, self._options, ready, prepared.signings, observed=bool(every),
                         contracts=prepared.contracts, redactor=self._redactor)
        drive = Drive(plan.main.workflow_id, execute_workflow(state, plan.main, ready, notices=prepared.notices),
                      every)
        drive.finish = lambda result: redact_result(result, state.redactor)
        return drive, prepared

    # --- running -------------------------------------------------------------------------------------

    def run(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
            inputs: Mapping[str, Any] | None = None, *, listeners: Iterable[Listener] = (),
            client: httpx.Client | None = None) -> RunResult:
        """Run a workflow synchronously and return its result; ``listeners`` hear this run's events as well as
        the runner's own (a report recorder per run, so concurrent runs keep their events apart); ``client``,
        when given, serves this run instead of the runner's own (runs one after another can share its
        connections)."""
        drive, prepared = self._drive(source, workflow_id, inputs, listeners)
        given = client or self._client
        timeout = self._options.limits.request_timeout
        client = given or (httpx.Client(transport=prepared.mock, timeout=timeout) if prepared.mock
                           else sync_client(timeout, self._transport))  # type: ignore[arg-type]
        try:
            return drive.run(SyncIO(client, self._sleep))
        finally:
            if given is None:
                client.close()

    async def arun(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
                   inputs: Mapping[str, Any] | None = None, *, listeners: Iterable[Listener] = (),
                   client: httpx.AsyncClient | None = None) -> RunResult:
        """Run a workflow on ``httpx.AsyncClient`` (ASGI apps in-process through ``httpx.ASGITransport``);
        ``listeners`` as for :meth:`run`; ``client``, when given, serves this run instead of the runner's own
        (runs gathered on one event loop can share one, and its connections). Raises :class:`UsageError` when
        awaited under another event loop than asyncio's (trio, curio): the engine's own waits are asyncio's."""
        _require_asyncio()
        drive, prepared = self._drive(source, workflow_id, inputs, listeners)
        given = client or self._async_client
        timeout = self._options.limits.request_timeout
        client = given or (httpx.AsyncClient(transport=prepared.mock, timeout=timeout) if prepared.mock
                           else async_client(timeout, self._transport))  # type: ignore[arg-type]
        try:
            return await drive.arun(AsyncIO(client, self._async_sleep))
        finally:
            if given is None:
                await client.aclose()


def _compat_reader(read_as: list[str]) -> Callable[[SourceDocument], SourceDocument]:
    """The ``compat`` rewrite of Arazzo documents; each form it rewrites is told once, in ``read_as``."""
    from arazzo_runner.dialect import compat_document

    def rewrite(document: SourceDocument) -> SourceDocument:
        rewritten, findings = compat_document(document)
        for finding in findings:
            diagnostic = finding.diagnostic()
            read_as.append(f"compat: {diagnostic.location}: read '{finding.old or finding.pointer}' as "
                           f"'{finding.new}' [{finding.rule}]")
        return rewritten

    return rewrite


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


async def _asyncio_sleep(seconds: float) -> None:
    # asyncio is imported when an async run sleeps, not by every synchronous run's start-up.
    import asyncio

    await asyncio.sleep(seconds)


def _require_asyncio() -> None:
    # sniffio names the running event loop. (httpcore asks it too, at every lock of its connection pool; without
    # sniffio installed each of those asks is a failed import, about 0.1 ms: a third of an async run's time.)
    import sniffio

    try:
        library = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        library = "no event loop"
    if library != "asyncio":
        raise UsageError(f"Runner.arun needs an asyncio event loop; it was awaited under {library}")
