"""The frozen events a run emits, and the results it returns.

The executor yields events as it goes; the CLI, reports and the pytest plugin only consume them. Results are
plain frozen data, ready for JSON (:meth:`RunResult.to_json`).

Run status vocabulary (``RunResult.status``):

* ``succeeded`` — every step ran to a successful end, or a success action ended the workflow;
* ``failed`` — a step failed and no failure action handled it (the "break" default), or the run could not go on;
* ``ended`` — a failure action of type ``end`` stopped the workflow after a failed step;
* ``transferred`` — a ``goto`` action handed control to another workflow; ``settled_status`` is the status the
  chain of transfers finally reached, and decides the exit code.

Step status vocabulary (``StepResult.status``): ``succeeded``, ``failed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from arazzo_runner.errors import Hint

RunStatus = Literal["succeeded", "failed", "ended", "transferred"]
StepStatus = Literal["succeeded", "failed"]



EXPECTED_STATUS = "arazzo_expected_status"
"""The ``httpx`` request extension naming the status a step's criteria ask for (an ``int``; ``--mock`` answers
with it)."""
MOCK_MARK = "arazzo_mock"
"""The ``httpx`` response extension set to ``True`` on a response ``--mock`` made up."""

@dataclass(frozen=True)
class RequestInfo:
    """What was sent: method and URL (secrets never included)."""

    method: str
    url: str


@dataclass(frozen=True)
class StepResult:
    """The outcome of one step (the last attempt when it was retried)."""

    step_id: str
    workflow_id: str
    status: StepStatus
    attempts: int
    request: RequestInfo | None
    status_code: int | None
    outputs: Mapping[str, Any]
    duration_ms: float
    error: str | None = None
    warnings: tuple[str, ...] = ()
    sub_run: RunResult | None = None
    hint: Hint | None = None
    """What the caller could supply to fix the step's error (a server URL, a credential)."""
    mocked: bool = False
    """The response came from ``--mock`` (the OpenAPI description), not from a server."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``steps`` entries of ``--format json``)."""
        data: dict[str, Any] = {
            "stepId": self.step_id,
            "workflowId": self.workflow_id,
            "status": self.status,
            "attempts": self.attempts,
            "request": None if self.request is None else {"method": self.request.method, "url": self.request.url},
            "statusCode": self.status_code,
            "outputs": dict(self.outputs),
            "durationMs": round(self.duration_ms, 3),
            "error": self.error,
        }
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.sub_run is not None:
            data["subRun"] = self.sub_run.to_json()
        if self.mocked:
            data["mocked"] = True
        return data


@dataclass(frozen=True)
class RunResult:
    """The outcome of running a workflow."""

    workflow_id: str
    status: RunStatus
    outputs: Mapping[str, Any]
    steps: tuple[StepResult, ...]
    error: str | None = None
    duration_ms: float = 0.0
    transferred_to: RunResult | None = None
    failed_step: str | None = None

    @property
    def settled_status(self) -> RunStatus:
        """The status at the end of any chain of ``goto`` workflow transfers."""
        result = self
        while result.transferred_to is not None:
            result = result.transferred_to
        return result.status

    @property
    def succeeded(self) -> bool:
        """Whether the run (after any transfers) succeeded."""
        return self.settled_status == "succeeded"

    def step(self, step_id: str) -> StepResult | None:
        """The last result of the step with this id, if it ran."""
        for step in reversed(self.steps):
            if step.step_id == step_id:
                return step
        return None

    def to_json(self) -> dict[str, Any]:
        """The document printed by ``arazzo-runner run --format json``."""
        data: dict[str, Any] = {
            "workflowId": self.workflow_id,
            "status": self.status,
            "outputs": dict(self.outputs),
            "steps": [step.to_json() for step in self.steps],
            "error": self.error,
            "durationMs": round(self.duration_ms, 3),
        }
        if self.failed_step is not None:
            data["failedStep"] = self.failed_step
        if self.transferred_to is not None:
            data["settledStatus"] = self.settled_status
            data["transferredTo"] = self.transferred_to.to_json()
        return data


# --- events ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Base of every event; ``workflow_id`` names the workflow it happened in."""

    workflow_id: str


@dataclass(frozen=True)
class WorkflowStarted(Event):
    """A workflow (top-level, prerequisite, sub-workflow or transfer target) began."""

    inputs: Mapping[str, Any] = field(default_factory=dict)
    depth: int = 0


@dataclass(frozen=True)
class StepStarted(Event):
    """A step attempt began."""

    step_id: str = ""
    attempt: int = 1


@dataclass(frozen=True)
class RequestSent(Event):
    """An HTTP request is about to go out."""

    step_id: str = ""
    method: str = ""
    url: str = ""


@dataclass(frozen=True)
class ResponseReceived(Event):
    """An HTTP response arrived."""

    step_id: str = ""
    status_code: int = 0
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class HttpMessage:
    """A request or response as reports show it: headers in order, and the body (``body_size`` is the whole
    body's length; ``body`` may be cut to the recording limit). Secrets are masked by whoever writes it out."""

    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    body_size: int = 0
    content_type: str | None = None


@dataclass(frozen=True)
class ExchangeRecorded(Event):
    """One HTTP exchange of a step attempt, for reports (HAR, JUnit, JSON): what was sent and what came back.

    ``response`` is ``None`` when none arrived (``error`` says why). ``started`` is the wall-clock time the
    request went out (seconds since the epoch); ``elapsed_ms`` the time until the response was read.
    """

    step_id: str = ""
    attempt: int = 1
    method: str = ""
    url: str = ""
    request: HttpMessage = field(default_factory=HttpMessage)
    status_code: int | None = None
    response: HttpMessage | None = None
    started: float = 0.0
    elapsed_ms: float = 0.0
    error: str | None = None
    mocked: bool = False


@dataclass(frozen=True)
class CriterionEvaluated(Event):
    """A success criterion or action criterion was evaluated."""

    step_id: str = ""
    condition: str = ""
    passed: bool = False
    error: str | None = None
    actual: str | None = None
    """For a criterion that did not pass: the condition with the actual values (``401 == 200``)."""


@dataclass(frozen=True)
class ActionTaken(Event):
    """A success or failure action (or a default) was selected for a step."""

    step_id: str = ""
    action: str = ""
    type: str = ""
    target: str | None = None


@dataclass(frozen=True)
class RetryWaiting(Event):
    """The run waits ``seconds`` before retrying a step (``retryAfter`` or the response's ``Retry-After``)."""

    step_id: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class RunWarning(Event):
    """Something worth telling that does not stop the run; ``hint`` says what the caller could supply."""

    step_id: str = ""
    message: str = ""
    hint: Hint | None = None


@dataclass(frozen=True)
class CredentialObtained(Event):
    """A secret the run came to know: an OAuth2 access token it fetched, the value of a ``format: password`` or
    ``writeOnly`` input (told before the workflow starts). Outputs must mask it too.

    ``secret`` is never part of the event's ``repr``.
    """

    step_id: str = ""
    secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class StepFinished(Event):
    """A step finished (after all its attempts)."""

    result: StepResult | None = None


@dataclass(frozen=True)
class WorkflowFinished(Event):
    """A workflow finished."""

    result: RunResult | None = None
