"""The state of one run, which lives only as long as the run: budgets, records, the call stack, tokens.

Plans and settings are frozen and shared between runs; everything that changes during a run is here, owned
by the run, and never reaches the caller except through events and the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import httpx

from arazzo_runner.errors import ExecutionError, Hint
from arazzo_runner.events import RequestInfo, RunResult, StepResult
from arazzo_runner.execute.request import RequestSettings

if TYPE_CHECKING:
    from arazzo_runner.execute.contract import Contract
from arazzo_runner.expressions import MISSING, ExpressionContext
from arazzo_runner.http import AuthChoice, AuthPlan, CredentialStore, apply_auth, choose_requirement
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.plan import Plan, RequestPlan, WorkflowPlan
from arazzo_runner.redaction import Redactor
from arazzo_runner.resolve import WorkflowKey

DEFAULT_MAX_STEPS = DEFAULT_LIMITS.max_steps
DEFAULT_MAX_DEPTH = DEFAULT_LIMITS.max_workflow_depth
MAX_RETRY_AFTER = DEFAULT_LIMITS.max_retry_wait
DEFAULT_RECORD_BYTES = 64 * 1024


@dataclass(frozen=True)
class RunOptions:
    """Limits, request settings and the clocks of a run."""

    settings: RequestSettings = field(default_factory=RequestSettings)
    limits: Limits = DEFAULT_LIMITS
    strict: bool = False
    contract: bool = False
    """Check every exchange with openapi-core (:mod:`arazzo_runner.execute.contract`)."""
    clock: Callable[[], float] = time.perf_counter
    """Measures durations."""
    wall_clock: Callable[[], float] = time.time
    """Reads the date, for ``Retry-After: <HTTP-date>`` and the start times reports show."""
    record_bytes: int = DEFAULT_RECORD_BYTES
    """How much of each body an :class:`~arazzo_runner.events.ExchangeRecorded` event keeps."""
    parallel: bool = False
    """1.1: steps whose dependencies have succeeded run concurrently (in workflows without goto/end)."""
    mock: bool = False
    """Requests are answered in-process from the OpenAPI descriptions: each names the status its criteria want."""
    compat: bool = False
    """Read documents written for other engines as they mean (``--compat``): here, a step that calls a workflow
    sees the called workflow's last response."""


@dataclass(frozen=True)
class Signing:
    """How the requests of one operation are signed with a runner's credentials (decided once per runner)."""

    choice: AuthChoice | None
    error: ExecutionError | None = None
    """Why the credentials cannot be used (every attempt of the step fails with it)."""
    ready: AuthPlan | None = None
    """What to send, when no OAuth2 token has to be fetched first."""


def signing(plan: RequestPlan, credentials: CredentialStore) -> Signing:
    """The security requirement ``plan`` satisfies with ``credentials``, and what it sends when that is fixed."""
    source = plan.source
    try:
        choice = choose_requirement(source.name, plan.operation.security, source.schemes, credentials)
        if choice.tokens:
            return Signing(choice)
        return Signing(choice, ready=apply_auth(choice, source.schemes, credentials, {}))
    except ExecutionError as exc:
        return Signing(None, exc)


class RunState:
    """Everything that lives for one top-level run (shared by its sub-workflows and prerequisites)."""

    def __init__(self, plan: Plan, options: RunOptions, top_inputs: Mapping[str, Any],
                 signings: Mapping[RequestPlan, Signing] | None = None, observed: bool = True,
                 contracts: Mapping[str, Contract] | None = None, redactor: Redactor | None = None) -> None:
        self.plan = plan
        self.redactor = Redactor() if redactor is None else redactor
        """Every secret of the run so far (credentials, fetched tokens, secret inputs), for what it shows."""
        self.completed: set[tuple[WorkflowKey, str]] = set()
        """Steps that have succeeded in this run, by workflow (what a 1.1 cross-workflow dependsOn needs)."""
        self.step_deadlines: list[tuple[float, str, float]] = []
        """Steps with a 1.1 ``timeout`` being attempted, innermost last: (deadline, step id, timeout in s)."""
        self.last_exchange: ExpressionContext | None = None
        """The context of the last response received (what ``--compat`` shows a sub-workflow step)."""
        self.contracts = MappingProxyType({}) if contracts is None else contracts
        """openapi-core's view of each description, by URL, in contract mode."""
        self.observed = observed
        """Whether anyone listens to the fine-grained events (step started, request sent, response received,
        criterion evaluated, action taken); when nobody does, they are not built. Workflow and step results,
        warnings and obtained credentials are always told."""
        self.signings = MappingProxyType({}) if signings is None else signings
        """How each request is signed, decided once for the runner's credentials."""
        self.options = options
        self.top_inputs = MappingProxyType(dict(top_inputs))
        self.steps_used = 0
        self.records: dict[WorkflowKey, Mapping[str, Mapping[str, Any]]] = {}
        """``inputs`` and ``outputs`` of each workflow run so far, for ``$workflows.<id>``."""
        self.prerequisites: dict[WorkflowKey, RunResult] = {}
        self.stack: list[WorkflowKey] = []
        self.tokens: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self.version = 0
        """Counts changes to :attr:`records`, so a frame rebuilds its context only when they changed."""
        self._workflows: tuple[int, Mapping[str, Mapping[str, Mapping[str, Any]]]] | None = None
        limits = options.limits
        self.deadline = options.clock() + limits.run_timeout if limits.run_timeout > 0 else None
        """When the run must be over (``run_timeout``), on ``options.clock``."""
        self.waited = 0.0
        """Seconds waited before retries so far (bounded by ``max_total_retry_wait``)."""
        self._full_timeout = httpx.Timeout(limits.request_timeout).as_dict()

    def signing(self, plan: RequestPlan) -> Signing:
        """How ``plan``'s requests are signed (decided now if the runner did not decide it beforehand)."""
        found = self.signings.get(plan)
        return found if found is not None else signing(plan, self.options.settings.credentials)

    def charge(self, kind: str, name: str) -> None:
        """Count one step attempt (or a workflow entered by a retry) against the budget that bounds goto
        loops and retries."""
        self.steps_used += 1
        if self.deadline is not None and self.options.clock() > self.deadline:
            raise ExecutionError(f"the run took longer than its limit of {self.options.limits.run_timeout:g} s "
                                 f"(run_timeout), stopped at {kind} '{name}'", rule="run-timeout")
        if self.steps_used > self.options.limits.max_steps:
            raise ExecutionError(f"step budget of {self.options.limits.max_steps} exhausted at {kind} '{name}' "
                                 "(a goto loop or retries that never settle?)", rule="step-budget")

    def remaining(self) -> float | None:
        """Seconds left before the run's deadline (``None``: no deadline)."""
        return None if self.deadline is None else max(self.deadline - self.options.clock(), 0.0)

    def request_timeout(self) -> tuple[float, dict[str, float | None]]:
        """How long the next request may take (the request limit, or less when the run's deadline or a step's
        timeout is nearer), and that as httpx's per-request timeout extension."""
        limit = self.options.limits.request_timeout
        remaining = self.remaining()
        if self.step_deadlines:
            nearest = min(deadline for deadline, _, _ in self.step_deadlines) - self.options.clock()
            remaining = nearest if remaining is None else min(remaining, nearest)
        if remaining is None or remaining >= limit:
            return limit, dict(self._full_timeout)
        timeout = max(remaining, 0.001)
        return timeout, httpx.Timeout(timeout).as_dict()

    def step_timed_out(self) -> str | None:
        """Why the step being attempted must stop: the innermost step whose ``timeout`` has passed."""
        now = self.options.clock()
        for deadline, step_id, timeout in reversed(self.step_deadlines):
            if now >= deadline:
                return f"step '{step_id}' took longer than its timeout of {timeout * 1000:g} ms"
        return None

    def retry_wait(self, wanted: float) -> tuple[float, str | None]:
        """How long to wait before a retry that asks for ``wanted`` seconds, and why it is shorter, if it is."""
        limits = self.options.limits
        bounds = [(limits.max_retry_wait, "max_retry_wait"),
                  (max(limits.max_total_retry_wait - self.waited, 0.0), "max_total_retry_wait")]
        remaining = self.remaining()
        if remaining is not None:
            bounds.append((remaining, "run_timeout"))
        wait, reason = wanted, None
        for bound, name in bounds:
            if bound < wait:
                wait, reason = bound, name
        self.waited += wait
        return wait, reason

    def record(self, key: WorkflowKey, inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> None:
        """What ``$workflows.<id>.inputs|outputs`` read from now on."""
        self.version += 1
        self.records.pop(key, None)  # the dict's order is recency: the latest run of an id wins
        self.records[key] = MappingProxyType({"inputs": MappingProxyType(dict(inputs)),
                                              "outputs": MappingProxyType(dict(outputs))})

    def workflows(self) -> Mapping[str, Mapping[str, Mapping[str, Any]]]:
        """The records by workflowId, as ``$workflows.<id>`` names them: the latest run of each id, whichever
        document it belongs to (a cross-document sub-workflow's outputs are read this way)."""
        if self._workflows is None or self._workflows[0] != self.version:
            self._workflows = (self.version, MappingProxyType({key[1]: rec for key, rec in self.records.items()}))
        return self._workflows[1]


class Frame:
    """One execution of one workflow: its inputs, its steps' outputs so far, its step results."""

    def __init__(self, plan: WorkflowPlan, inputs: Mapping[str, Any]) -> None:
        self.plan = plan
        self.inputs = MappingProxyType(dict(inputs))
        self.step_outputs: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
        self.results: list[StepResult] = []
        self._context: tuple[int, ExpressionContext] | None = None

    @property
    def workflow_id(self) -> str:
        """The id of the workflow this frame executes."""
        return self.plan.workflow_id

    def set_outputs(self, step_id: str, outputs: dict[str, Any]) -> None:
        """Record a step's outputs (a dict of the frame's own, from now on read-only); contexts built earlier
        keep the mapping they were given."""
        self.step_outputs = MappingProxyType({**self.step_outputs, step_id: MappingProxyType(outputs)})
        self._context = None

    def context(self, state: RunState) -> ExpressionContext:
        """What expressions of this workflow see between steps (built again only when something changed)."""
        if self._context is None or self._context[0] != state.version:
            context = ExpressionContext(inputs=self.inputs, steps=self.step_outputs, workflows=state.workflows(),
                                        source_descriptions=self.plan.source_fields,
                                        self_uri=MISSING if self.plan.self_uri is None else self.plan.self_uri)
            self._context = (state.version, context)
        return self._context[1]


@dataclass(slots=True)
class Attempt:
    """One attempt of one step, as it is being made (internal to the executor)."""

    success: bool
    context: ExpressionContext
    request: RequestInfo | None = None
    status_code: int | None = None
    retry_after: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    hints: list[Hint | None] = field(default_factory=list)
    """One per warning: what the caller could supply about it."""
    sub_run: RunResult | None = None
    mocked: bool = False
    """The response was made up by ``--mock``."""
    hint: Hint | None = None
    """What the caller could supply to fix ``error``."""

    def warn(self, message: str, hint: Hint | None = None) -> None:
        """Add a warning of this attempt."""
        self.warnings.append(message)
        self.hints.append(hint)

    def fail(self, error: str, hint: Hint | None = None) -> None:
        """Mark the attempt failed."""
        self.success, self.error, self.hint = False, error, hint
