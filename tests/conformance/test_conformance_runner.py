"""The usearazzo runner fixtures, run over real loopback HTTP and checked against their expectations.

One row per expectation of ``conformance/runner/EXPECTATIONS.md`` that asserts a status or a call count (and
one per authoring error that usearazzo throws). Each row holds usearazzo's verdict as transcribed (``their``)
next to ours. Status words map as follows: their ``completed`` is our ``succeeded``; their ``ended`` is our
``ended`` when a failure-path ``end`` fired and our ``succeeded`` when a success-path ``end`` did (normal
completion); their ``throws`` is either a :class:`Refused` document (prepare-time ``DocumentError``, no request
sent) or a :class:`Stopped` run (status ``failed`` with an error message). usearazzo's AbortSignal is modelled
by an exception raised from a listener or from the injected ``sleep``: it must propagate unchanged and no further
request may go out (:data:`ABORTED`).

Where we knowingly differ the row holds *our* behaviour and :data:`DEVIATIONS` says why; the bookkeeping tests
at the end keep the table, the deviations and EXPECTATIONS.md in step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from stub_server import Reply, StubServer

from arazzo_runner.errors import DocumentError, UsageError
from arazzo_runner.events import Event, ResponseReceived, RunResult, StepStarted, WorkflowStarted
from arazzo_runner.runner import Runner
from tests.reference import reference_path

RUNNER = reference_path("arazzo", "conformance", "runner")
FIXTURES = RUNNER / "packages" / "runner" / "test" / "fixtures"
CONTROL = "workflow-control-flow.arazzo.yaml"
COMPOSITION = "workflow-composition.arazzo.yaml"
CROSS = "cross-document.arazzo.yaml"
SECTIONS = {"WorkflowExecutor": CONTROL, "WorkflowExecutorComposition": COMPOSITION,
            "WorkflowExecutorCrossDocument": CROSS}

OK = (200,)
FAIL = (500,)
CHILD_OPENAPI = "./cross-document-child.openapi.json"
ENTRY_OPENAPI = "./petstore.openapi.json"


def token(value: str) -> Reply:
    """A 200 whose body carries a login token (read by ``$response.body#/token``)."""
    return Reply(200, {"id": 7, "name": "Rex", "token": value})


# --- expected outcomes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """``prepare`` raises DocumentError whose errors are exactly these (rule, line) pairs; nothing is sent."""

    diagnostics: frozenset[tuple[str, int]]

    def __init__(self, *pairs: tuple[str, int]) -> None:
        object.__setattr__(self, "diagnostics", frozenset(pairs))


@dataclass(frozen=True)
class Stopped:
    """The run returns status ``failed`` and an error containing ``message`` (budget, depth, run-time cycle)."""

    message: str


@dataclass(frozen=True)
class Rejected:
    """``run`` raises ``error`` (an unknown workflow, a keyword the API does not have) before any request."""

    error: type[Exception]
    message: str


class RunAborted(Exception):
    """Raised from a listener or the injected sleep: how a caller interrupts a synchronous run."""


ABORTED = "aborted"
Outcome = str | Refused | Stopped | Rejected


@dataclass(frozen=True)
class Case:
    """One expectation: a fixture workflow, what to feed it, what usearazzo reported and what we expect."""

    document: str
    workflow: str
    note: str
    their: tuple[str, int | None]
    expect: Outcome
    calls: int
    variant: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict)
    script: tuple[Any, ...] = OK
    settled: str | None = None
    outputs: Mapping[str, Any] | None = None
    sent: tuple[str, ...] | None = None
    sleeps: tuple[float, ...] = ()
    started: tuple[tuple[str, Mapping[str, Any]], ...] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    abort: tuple[str, str] | None = None
    run_kwargs: Mapping[str, Any] = field(default_factory=dict)
    delegate: bool = False
    success_end: bool = False

    @property
    def id(self) -> str:
        return f"{self.workflow}[{self.variant}]" if self.variant else self.workflow


def C(document: str, workflow: str, note: str, their: tuple[str, int | None], expect: Outcome, calls: int,
      **extra: Any) -> Case:
    """A row; keyword arguments are the optional :class:`Case` fields."""
    return Case(document, workflow, note, their, expect, calls, **extra)


NONE: tuple[str, int | None] = ("-", None)

CASES: tuple[Case, ...] = (
    # --- WorkflowExecutor: workflow-control-flow.arazzo.yaml ------------------------------------------------
    C(CONTROL, "linear", "steps run in list order; outputs flow from step to step", ("completed", 2),
      "succeeded", 2, inputs={"status": "available"}, outputs={"name": "Rex", "id": 7},
      sent=("GET /pet/findByStatus?status=available", "GET /pet/7")),
    C(CONTROL, "emptyWorkflow", "a workflow without steps is a no-op", ("completed", 0),
      Refused(("schema-minitems", 839)), 0),
    C(CONTROL, "gotoStep", "goto stepId skips the steps in between", ("completed", 2), "succeeded", 2,
      outputs={"thirdReached": 200}, sent=("GET /store/inventory", "GET /pet/7")),
    C(CONTROL, "gotoMissing", "goto to an unknown step is an authoring error", ("throws", None),
      Refused(("unknown-step", 134)), 0),
    C(CONTROL, "infiniteGoto", "an endless goto loop is bounded by the step budget", ("throws", None),
      Stopped("step budget of 10 exhausted at step 'loop'"), 10, options={"max_steps": 10}),
    C(CONTROL, "endEarly", "a success-path end stops the run", ("ended", 1), "succeeded", 1, success_end=True,
      outputs={"first": 200}),
    C(CONTROL, "failBreak", "a failed step without onFailure breaks the run", ("failed", 1), "failed", 1,
      script=FAIL, outputs={}),
    C(CONTROL, "inheritsParameters", "workflow parameters apply to every step; a step overrides its own",
      ("completed", None), "succeeded", 2, inputs={"status": "pending"},
      sent=("GET /pet/findByStatus?status=pending", "GET /pet/findByStatus?status=sold")),
    C(CONTROL, "parameterResolvedPerStep", "an inherited parameter is evaluated against each step's state",
      ("completed", None), "succeeded", 2, sent=("GET /pet/findByStatus?status=available", "GET /pet/7")),
    C(CONTROL, "inheritsFailureActions", "a step without onFailure takes the workflow failureActions",
      ("ended", 1), "ended", 1, script=FAIL),
    C(CONTROL, "overridesFailureActions", "the step's own onFailure wins over the workflow failureActions",
      ("completed", 2), "succeeded", 2, script=(500, 200)),
    C(CONTROL, "inheritsSuccessActions", "a step without onSuccess takes the workflow successActions",
      ("ended", 1), "succeeded", 1, success_end=True, outputs={"first": 200}),
    C(CONTROL, "emptyOnSuccessSuppressesDefault", "an empty step onSuccess and the workflow successActions",
      ("completed", 2), "succeeded", 1, outputs={"first": 200}),
    C(CONTROL, "overrideSuccessInheritFailure", "success and failure fall back to the workflow independently",
      ("completed", 2), "succeeded", 2, sent=("GET /store/inventory", "GET /pet/7")),
    C(CONTROL, "inheritedRetryPerStepBudget", "steps inheriting one retry action each get their own budget",
      ("completed", 4), "succeeded", 4, script=(500, 200, 500, 200),
      outputs={"first": 200, "second": 200}),
    C(CONTROL, "gotoNoTarget", "a goto without stepId or workflowId is malformed", ("throws", None),
      Refused(("schema-oneof", 825), ("action-target", 826)), 0),
    C(CONTROL, "unknownActionType", "an action of an unknown type is malformed", ("throws", None),
      Refused(("schema-enum", 835)), 0),
    C(CONTROL, "scalarSteps", "a non-list 'steps' is malformed", ("throws", None),
      Refused(("schema-type", 843)), 0),
    C(CONTROL, "retryThenSucceed", "a failing step is retried until it succeeds", ("completed", 3),
      "succeeded", 3, script=(500, 500, 200), sleeps=(2.0, 2.0), outputs={"status": 200}),
    C(CONTROL, "retryDefaultLimit", "retryLimit defaults to one retry, with no wait", ("failed", 2),
      "failed", 2, script=FAIL),
    C(CONTROL, "retryThenSucceedThenNext", "after a successful retry the next step runs", ("completed", None),
      "succeeded", 4, script=(500, 500, 200), outputs={"after": 200}),
    C(CONTROL, "retryExhaustedThenBreak", "retry attempts count against the step budget", ("throws", None),
      Stopped("step budget of 2 exhausted at step 'doomed'"), 2, variant="step-budget", script=FAIL,
      options={"max_steps": 2}),
    C(CONTROL, "retryExhaustedThenEnd", "retries are exhausted before the next failure action fires",
      ("ended", 3), "ended", 3, script=FAIL, sleeps=(1.0, 1.0)),
    C(CONTROL, "retryExhaustedThenBreak", "exhausted retries with nothing after them break the run",
      ("failed", None), "failed", 3, script=FAIL),
    C(CONTROL, "retryChainIndependentBudgets", "each retry action of a chain has its own budget", ("ended", 6),
      "ended", 6, script=FAIL, sleeps=(1.0, 1.0, 5.0, 5.0, 5.0)),
    C(CONTROL, "retryExhaustedThenGoto", "an exhausted retry falls through to a goto", ("completed", None),
      "succeeded", 3, script=(500, 500, 200), outputs={"recovery": 200},
      sent=("GET /store/inventory", "GET /store/inventory", "GET /pet/7")),
    C(CONTROL, "retryCriteriaStopMatching", "each attempt re-selects the action against the fresh response",
      ("failed", 2), "failed", 2, script=(503, 500)),
    C(CONTROL, "linear", "requests go through the injected transport", ("completed", 2), "succeeded", 2,
      variant="injected-transport", inputs={"status": "available"}, delegate=True),
    C(CONTROL, "linear", "the run's timeout reaches the transport with every request", ("completed", None),
      "succeeded", 2, variant="timeout-reaches-transport", inputs={"status": "available"},
      options={"timeout": 2.5}, delegate=True),
    C(CONTROL, "noSuchWorkflow", "an unknown workflowId is refused", ("throws", None),
      Rejected(UsageError, "no workflow 'noSuchWorkflow' in"), 0),
    C(CONTROL, "linear", "an option the run does not know is refused, not ignored", ("throws", 0),
      Rejected(TypeError, "unexpected keyword argument 'execute_options'"), 0, variant="unknown-run-option",
      inputs={"status": "available"}, run_kwargs={"execute_options": {"timeout": 1}}),
    C(CONTROL, "linear", "a run aborted before it starts sends nothing", ("-", 0), ABORTED, 0,
      variant="aborted-at-start", inputs={"status": "available"}, abort=("WorkflowStarted", "linear")),
    C(CONTROL, "linear", "an abort mid-run stops at the next step", ("-", 1), ABORTED, 1,
      variant="aborted-mid-run", inputs={"status": "available"}, abort=("StepStarted", "getPet")),
    C(CONTROL, "retryThenSucceed", "an abort during the retry wait stops the retries", ("-", 1), ABORTED, 1,
      variant="aborted-in-retry-wait", script=(500, 500, 200), sleeps=(2.0,), abort=("sleep", "")),
    C(CONTROL, "linear", "a run abandoned during its last step returns no result", ("-", 2), ABORTED, 2,
      variant="abandoned-in-last-step", inputs={"status": "available"}, abort=("ResponseReceived", "getPet")),
    C(CONTROL, "linear", "cancellation passed in an options bag", ("-", 1),
      Rejected(TypeError, "unexpected keyword argument 'execute_options'"), 0, variant="signal-in-options",
      inputs={"status": "available"}, run_kwargs={"execute_options": {"signal": "aborted"}}),
    C(CONTROL, "gotoCrossDocument", "goto workflowId into an OpenAPI source is an authoring error",
      ("throws", None), Refused(("unknown-workflow-id", 251)), 0),
    C(CONTROL, "retryReferenceCrossDocument", "retry workflowId into an OpenAPI source is an authoring error",
      ("throws", None), Refused(("unknown-workflow-id", 534)), 0, script=FAIL),
    C(CONTROL, "transfersToTarget", "goto workflowId transfers; the caller's outputs are not evaluated",
      ("transferred", 3), "transferred", 3, settled="succeeded", outputs={},
      sent=("GET /store/inventory", "GET /store/inventory", "GET /pet/7")),
    C(CONTROL, "transferChainStart", "a transfer to a transfer settles at the end of the chain",
      ("transferred", None), "transferred", 4, settled="succeeded"),
    C(CONTROL, "transferOnFailure", "a transfer fires from the failure path too", ("transferred", None),
      Refused(("schema-minitems", 839)), 0, script=FAIL),
    C(CONTROL, "gotoAmbiguous", "a goto naming both stepId and workflowId is refused", ("-", 1),
      Refused(("schema-oneof", 237), ("action-target", 238)), 0),
    C(CONTROL, "gotoUnknownWorkflow", "a transfer to an unknown workflow is an authoring error", NONE,
      Refused(("unknown-workflow-id", 261)), 0),
    C(CONTROL, "gotoCrossDocument", "an abort at a cross-document transfer boundary", ("-", 1),
      Refused(("unknown-workflow-id", 251)), 0, variant="aborted-at-transfer",
      abort=("WorkflowStarted", "someWorkflow")),
    C(CONTROL, "transfersToEmpty", "entering a transfer target is not charged to the step budget",
      ("transferred", None), Refused(("schema-minitems", 839)), 0),
    C(CONTROL, "transfersToTarget", "an abort at the transfer boundary does not enter the target", ("-", 1),
      ABORTED, 1, variant="aborted-at-transfer", abort=("WorkflowStarted", "transferTarget")),
    C(CONTROL, "transfersToFailing", "settled_status reveals a failure at the end of the transfer chain",
      ("transferred, failed", None), "transferred", 2, settled="failed", script=(200, 500)),
    C(CONTROL, "retryWithReference", "a stepId reference to the step itself runs before each retry",
      ("failed", 5), "failed", 5, script=FAIL),
    C(CONTROL, "retryWithRepairStep", "the next attempt reads the outputs of the referenced step",
      ("completed", 4), "succeeded", 4, script=(token("A"), 500, token("B"), 200),
      outputs={"token": "B", "status": 200},
      sent=("GET /store/inventory", "GET /pet/findByStatus?status=available", "GET /store/inventory",
            "GET /pet/findByStatus?status=available")),
    C(CONTROL, "retryReferenceTargetMissing", "a retry naming an undeclared step is an authoring error", NONE,
      Refused(("unknown-step", 488)), 0),
    C(CONTROL, "retryWithWorkflowReference", "a workflowId reference runs to completion before the retry",
      ("completed", 3), "succeeded", 3, script=(500, 200), outputs={"status": 200, "repaired": 200}),
    C(CONTROL, "retryWithRepairStep", "a retry's step reference is charged to the step budget", ("-", 2),
      Stopped("step budget of 2 exhausted at step 'login'"), 2, variant="step-budget", script=(200, 500),
      options={"max_steps": 2}),
    C(CONTROL, "retryWithReferenceDelay", "an abort during the retryAfter wait skips the reference", ("-", 1),
      ABORTED, 1, variant="aborted-in-retry-wait", script=FAIL, sleeps=(3.0,), abort=("sleep", "")),
    C(CONTROL, "retryAmbiguousReference", "a retry naming both stepId and workflowId is refused", ("-", 1),
      Refused(("schema-not", 544), ("action-target", 545)), 0),
    C(CONTROL, "retryWithBudgetedWorkflowReference", "entering a workflowId reference is charged", NONE,
      Refused(("schema-minitems", 839)), 0),
    C(CONTROL, "repairFeedsSubWorkflowStep", "a retried sub-workflow step sees the reference's repair",
      ("completed", 4), "succeeded", 4, script=(token("A"), 200, token("B"), 200), outputs={"echoed": "B"},
      started=(("echoValue", {"value": "A"}), ("echoValue", {"value": "B"}))),
    C(CONTROL, "malformedStepOnSuccess", "a non-list onSuccess is reported with its location", NONE,
      Refused(("schema-type", 851)), 0),
    # --- WorkflowExecutorComposition: workflow-composition.arazzo.yaml --------------------------------------
    C(COMPOSITION, "callsChild", "a sub-workflow maps inputs in and outputs out", ("completed", 2), "succeeded",
      2, outputs={"childName": "Rex", "afterRan": 200, "viaWorkflows": "Rex"},
      sent=("GET /pet/7", "GET /store/inventory"), started=(("fetchPet", {"petId": "7"}),)),
    C(COMPOSITION, "callsChildWithInheritedParameters", "workflow parameters become the child's inputs",
      ("completed", None), "succeeded", 1,
      outputs={"childName": "Rex", "childPetId": "7", "childUnused": "from-step"}),
    C(COMPOSITION, "childInputBeatsInheritedParameter", "the step's own input beats an inherited one",
      ("completed", None), "succeeded", 1, outputs={"childPetId": "7"}, sent=("GET /pet/7",)),
    C(COMPOSITION, "inheritedRequestParameterAsInput", "an inherited 'in: query' parameter is a bare input",
      ("completed", None), "succeeded", 1, outputs={"childPetId": "7"}),
    C(COMPOSITION, "callsChildTwice", "two calls of one sub-workflow are two distinct runs",
      ("completed", None), "succeeded", 2, sent=("GET /pet/7", "GET /pet/8"),
      started=(("fetchPet", {"petId": "7"}), ("fetchPet", {"petId": "8"}))),
    C(COMPOSITION, "retriesChild", "a failing sub-workflow takes the failure path and is retried whole",
      ("failed", 3), "failed", 3, script=FAIL, sleeps=(1.0, 1.0)),
    C(COMPOSITION, "childCriteriaFail", "the calling step's successCriteria judge the sub-run", ("ended", None),
      "ended", 1),
    # The table's one 'ended' cell covers this pair; it belongs to childCriteriaFail, this is its control.
    C(COMPOSITION, "childCriteriaPass", "positive control: the criterion resolves the sub-run's outputs", NONE,
      "succeeded", 1),
    C(COMPOSITION, "retriesChildStableInputs", "a retried sub-workflow step and its inputs", ("-", 2),
      "failed", 2, script=FAIL, started=(("echoFailing", {}), ("echoFailing", {"status": "sold"}))),
    C(COMPOSITION, "deepOne", "sub-workflow attempts share one step budget", NONE,
      Stopped("step budget of 2 exhausted at step 'only'"), 0, variant="step-budget", options={"max_steps": 2}),
    C(COMPOSITION, "selfCycle", "a workflow calling itself is a cycle, not a depth problem", NONE,
      Refused(("workflow-cycle", 241)), 0),
    C(COMPOSITION, "cycleA", "an indirect cycle through sub-workflow steps", NONE,
      Refused(("workflow-cycle", 247)), 0),
    C(COMPOSITION, "diamondTop", "a diamond of sub-workflow calls is not a cycle", ("completed", 2),
      "succeeded", 2),
    # Our max_depth counts levels below the top workflow: usearazzo's maxWorkflowDepth N is our N - 1.
    C(COMPOSITION, "deepOne", "acyclic nesting is bounded by the depth limit", NONE,
      Stopped("workflows nest deeper than 1 levels at 'deepThree'"), 0, variant="depth-limit",
      options={"max_depth": 1}),
    C(COMPOSITION, "deepOne", "nesting up to the depth limit is allowed", ("completed", 1), "succeeded", 1,
      options={"max_depth": 2}),
    C(COMPOSITION, "gotoSelf", "a self-transfer loops until the step budget ends it", NONE,
      Stopped("step budget of 5 exhausted at step 'again'"), 5, options={"max_steps": 5}),
    C(COMPOSITION, "gotoCycleA", "two workflows transferring to each other loop until the step budget", NONE,
      Stopped("step budget of 4 exhausted at step"), 4, options={"max_steps": 4}),
    C(COMPOSITION, "gotoDeepOne", "a transfer chain does not nest, so the depth limit does not apply",
      NONE, "transferred", 3, variant="depth-limit", settled="succeeded", options={"max_depth": 1}),
    C(COMPOSITION, "dependent", "prerequisites run first, in order; their outputs are in $workflows",
      ("completed", 3), "succeeded", 3, outputs={"own": 200, "fromSetupA": 200},
      sent=("GET /store/inventory", "GET /pet/findByStatus?status=available", "GET /pet/7"),
      started=(("setupA", {}), ("setupB", {}))),
    # No dependencyInputs map: a prerequisite receives the run's inputs, narrowed to those it declares.
    C(COMPOSITION, "dependsOnNeedsInput", "a prerequisite is fed inputs", ("completed", None), "succeeded", 2,
      inputs={"petId": "7"}, sent=("GET /pet/7", "GET /store/inventory"),
      started=(("needsInput", {"petId": "7"}),)),
    C(COMPOSITION, "retryReferenceDoesNotClobberDependencyInputs",
      "a retry's workflowId reference keeps the prerequisite's inputs", ("failed", None), "failed", 4,
      inputs={"seed": "s1"}, script=FAIL, outputs={"seed": "s1"}),
    C(COMPOSITION, "transitiveOuter", "a transitive prerequisite is fed from the same inputs",
      ("completed", None), "succeeded", 3, inputs={"petId": "7"}),
    C(COMPOSITION, "depDiamondTop", "a shared prerequisite runs once", ("completed", 4), "succeeded", 4,
      started=(("depDiamondLeft", {}), ("setupA", {}), ("depDiamondRight", {}))),
    C(COMPOSITION, "dependsOnFailing", "a failed prerequisite fails the dependent before its steps",
      ("failed", 1), "failed", 1, script=FAIL),
    C(COMPOSITION, "dependent", "the caller skips the prerequisites", ("completed", 1), "succeeded", 3,
      variant="run-dependencies-false"),
    C(COMPOSITION, "dependsOnLateBadEntry", "every prerequisite is checked before any runs", ("-", 0),
      Refused(("unknown-depends-on", 441)), 0),
    C(COMPOSITION, "dependsOnLateUnknown", "a prerequisite the document does not define", ("-", 0),
      Refused(("unknown-depends-on", 451)), 0),
    C(COMPOSITION, "rootSkipsOwnDeps", "skipping the top's prerequisites does not skip a child's",
      ("completed", 2), "succeeded", 3),
    # A cycle is reported at its first edge: the dependsOn entry (line 478 / 492), not the workflow it is in.
    C(COMPOSITION, "depCycleA", "a cycle of dependsOn edges", NONE, Refused(("depends-on-cycle", 478)), 0),
    C(COMPOSITION, "crossA", "a cycle crossing dependsOn and a step call", NONE,
      Refused(("workflow-cycle", 492)), 0),
    C(COMPOSITION, "retryRefCycleParent", "a cycle through a retry's workflowId reference", NONE,
      Stopped("workflow cycle at run time: retryRefCycleParent -> refCycleChild -> retryRefCycleParent"), 1,
      script=FAIL),
    C(COMPOSITION, "callsTransferringChild", "a child transferring to a completed chain counts as success",
      ("completed", 2), "succeeded", 2),
    C(COMPOSITION, "callsChildTransferringToFailing", "a child transferring to a failed chain counts as failure",
      ("failed", 2), "failed", 2, script=(200, 500)),
    C(COMPOSITION, "dependsOnTransferringPrereq", "a prerequisite transferring to a completed chain",
      ("completed", 3), "succeeded", 3),
    C(COMPOSITION, "dependsOnTransferringToFailingPrereq", "a prerequisite transferring to a failed chain",
      ("failed", 2), "failed", 2, script=(200, 500)),
    C(COMPOSITION, "retryReferenceTransfers", "a retry reference whose chain settles non-failed",
      ("failed", 4), "failed", 4, script=FAIL),
    C(COMPOSITION, "dependent", "an abort among the prerequisites stops the chain there", ("-", 1), ABORTED, 1,
      variant="aborted-in-prerequisites", abort=("WorkflowStarted", "setupB")),
    C(COMPOSITION, "callsChildTwice", "an abort inside a sub-workflow tree stops it there", ("-", 1), ABORTED, 1,
      variant="aborted-in-sub-workflow", abort=("StepStarted", "second")),
    C(COMPOSITION, "crossDocumentStep", "a sub-workflow step into an OpenAPI source", NONE,
      Refused(("unknown-workflow-id", 673)), 0, variant="into-openapi-source"),
    C(COMPOSITION, "crossDocumentDependsOn", "a prerequisite into an OpenAPI source", NONE,
      Refused(("unknown-depends-on", 679)), 0, variant="into-openapi-source"),
    C(COMPOSITION, "ambiguousStep", "a step naming both a workflow and an operation", NONE,
      Refused(("step-target", 687)), 0),
    C(COMPOSITION, "malformedStepsWithDependency", "malformed steps are refused before prerequisites run",
      ("-", 0), Refused(("schema-type", 161)), 0),
    C(COMPOSITION, "malformedOutputsWithDependency", "malformed outputs are refused before anything runs",
      ("-", 0), Refused(("schema-type", 173)), 0),
    C(COMPOSITION, "scalarDependsOn", "a non-list dependsOn is malformed", NONE, Refused(("schema-type", 693)),
      0),
    # --- WorkflowExecutorCrossDocument: cross-document.arazzo.yaml ------------------------------------------
    # Both documents name their OpenAPI source 'petstoreAPI', so the one `servers` override (a run option)
    # reaches the foreign workflow's requests as well; `childSource` shows whose source resolved.
    C(CROSS, "crossDocumentStep", "a foreign workflow runs against its own document", ("completed", 2),
      "succeeded", 2, outputs={"childName": "Rex", "childSource": CHILD_OPENAPI, "afterRan": 200},
      sent=("GET /pet/7", "GET /store/inventory")),
    C(CROSS, "crossDocumentStep", "run options reach the foreign workflow's requests", ("completed", None),
      "succeeded", 2, variant="options-reach-foreign-steps", options={"timeout": 2.5}, delegate=True),
    C(CROSS, "deepEntry", "a plain reference from a foreign workflow resolves in the foreign document",
      ("completed", None), "succeeded", 1, outputs={"source": CHILD_OPENAPI}),
    C(CROSS, "shared", "same workflowId in two documents is not a cycle", ("completed", None), "succeeded", 1,
      outputs={"source": CHILD_OPENAPI, "origin": ENTRY_OPENAPI}),
    C(CROSS, "collisionCaller", "same-named workflows share one $workflows key; the last write wins",
      ("completed", None), "succeeded", 2, outputs={"winnerOrigin": ENTRY_OPENAPI}),
    C(CROSS, "crossDocumentDependsOn", "a foreign prerequisite gets its inputs", ("completed", 2), "succeeded",
      2, inputs={"token": "t1"}, outputs={"setupEcho": "t1", "ownRan": 200}),
    C(CROSS, "diamondLeft", "a foreign prerequisite reached twice runs once", ("completed", 2), "succeeded", 2,
      started=(("childSetup", {}), ("diamondRight", {}))),
    C(CROSS, "dependsOnUnknownForeign", "every dependsOn entry is checked before anything runs", ("-", 0),
      Refused(("unknown-depends-on", 188)), 0),
    C(CROSS, "mixedInputsDiamond", "a memoized prerequisite reports the inputs it received",
      ("completed", 2), "succeeded", 2, inputs={"token": "t1"}, outputs={"setupToken": "t1"}),
    C(CROSS, "crossDocumentRetryReference", "a foreign workflow runs before each retry", ("failed", 3),
      "failed", 3, script=FAIL),
    C(CROSS, "crossDocumentRetryStepInside", "a retry stepId reference inside a foreign workflow",
      ("failed", 3), "failed", 3, script=FAIL),
    C(CROSS, "crossDocumentGoto", "a one-way transfer into a foreign workflow", ("transferred", 2),
      "transferred", 2, settled="succeeded"),
    C(CROSS, "crossDocumentGotoWithDeps", "a foreign transfer target runs its own dependsOn first",
      ("transferred", 3), "transferred", 3, settled="succeeded",
      started=(("childFinalWithSetup", {}), ("childSetup", {}))),
    C(CROSS, "crossDocumentGoto", "an abort at a cross-document transfer boundary", ("-", 1), ABORTED, 1,
      variant="aborted-at-transfer", abort=("WorkflowStarted", "childFinal")),
    C(CROSS, "loopEntry", "a cycle closed across the document boundary", NONE,
      Refused(("workflow-cycle", 158)), 0),
    C(CROSS, "deepEntry", "nesting depth is bounded across documents", NONE,
      Stopped("workflows nest deeper than 1 levels at 'shared'"), 0, variant="depth-limit",
      options={"max_depth": 1}),
    C(CROSS, "unknownSource", "an undeclared source description", NONE,
      Refused(("unknown-source-description", 175)), 0),
    C(CROSS, "unknownForeignWorkflow", "a workflow the foreign document does not define", NONE,
      Refused(("unknown-workflow-id", 181)), 0),
    C(CROSS, "invalidReference", "a $-reference that is not $sourceDescriptions", ("-", 0),
      Refused(("unknown-workflow-id", 198)), 0),
    C(CROSS, "pointerReference", "a JSON-Pointer workflow reference is not a runtime expression", NONE,
      Refused(("unknown-source-description", 205)), 0),
)

DEVIATIONS: dict[str, str] = {
    "emptyWorkflow": "the official schema requires steps minItems 1, so an empty workflow is refused at prepare",
    "transferOnFailure": "its transfer target is emptyWorkflow, refused statically (see emptyWorkflow)",
    "transfersToEmpty": "its transfer target is emptyWorkflow, refused statically (see emptyWorkflow)",
    "retryWithBudgetedWorkflowReference": "its retry reference is emptyWorkflow, refused statically",
    "emptyOnSuccessSuppressesDefault": "step and workflow actions merge by name (workflow actions 'cannot be "
                                       "removed', ENGINE-CHECKLIST §7 rec), so [] keeps the workflow's end",
    "gotoAmbiguous": "authoring errors are refused statically before any request, not mid-run",
    "retryAmbiguousReference": "authoring errors are refused statically before any request, not mid-run",
    "gotoCrossDocument[aborted-at-transfer]": "the transfer is refused statically, so the run never starts",
    "dependent[run-dependencies-false]": "no option to skip prerequisites: dependsOn 'MUST be completed' first",
    "rootSkipsOwnDeps": "no option to skip prerequisites, so the top workflow's setupA runs as well",
    "linear[signal-in-options]": "no options bag or AbortSignal: run() rejects the keyword; cancel by raising "
                                 "from a listener or sleep (the aborted-* rows)",
    "gotoSelf": "a goto to a workflow is a one-way transfer ('transfer control'): the caller leaves the stack, "
                "so the step budget, not a cycle check, ends a self-transfer loop",
    "gotoCycleA": "one-way transfers (see gotoSelf): A -> B -> A ... is a loop the step budget ends",
    "gotoDeepOne[depth-limit]": "one-way transfers (see gotoSelf) replace the workflow instead of nesting it",
    "retriesChildStableInputs": "a retry re-executes the step, re-evaluating its parameters, so the second "
                                "attempt sees the first run's outputs (the rule repairFeedsSubWorkflowStep needs)",
}


# --- running a row ------------------------------------------------------------------------------------------


class CountingTransport(httpx.BaseTransport):
    """An injected transport that records what it is asked to send and forwards it over real HTTP."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.seen: list[str] = []
        self.timeouts: list[float | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        self.timeouts.append(request.extensions.get("timeout", {}).get("read"))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _event_key(event: Event) -> tuple[str, str] | None:
    if isinstance(event, WorkflowStarted):
        return ("WorkflowStarted", event.workflow_id)
    if isinstance(event, StepStarted):
        return ("StepStarted", event.step_id)
    if isinstance(event, ResponseReceived):
        return ("ResponseReceived", event.step_id)
    return None


def _sent(stub: StubServer) -> tuple[str, ...]:
    return tuple(f"{r.method} {r.path}" + (f"?{r.raw_query}" if r.raw_query else "") for r in stub.requests)


@dataclass
class Observed:
    """What a row did: its result (or the error it raised), and what the run asked of the world."""

    result: RunResult | None = None
    error: BaseException | None = None
    sleeps: list[float] = field(default_factory=list)
    started: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    workflows: int = 0
    transport: CountingTransport | None = None


def run_case(case: Case, stub: StubServer) -> Observed:
    """Run one row against ``stub``; errors are caught and kept, so the caller asserts on them."""
    observed = Observed()

    def sleep(seconds: float) -> None:
        observed.sleeps.append(seconds)
        if case.abort == ("sleep", ""):
            raise RunAborted("aborted while waiting to retry")

    def listen(event: Event) -> None:
        if isinstance(event, WorkflowStarted):  # every workflow but the entry: nested ones and transfer targets
            observed.workflows += 1
            if observed.workflows > 1:
                observed.started.append((event.workflow_id, dict(event.inputs)))
        if case.abort is not None and _event_key(event) == case.abort:
            raise RunAborted(f"aborted at {case.abort}")

    stub.script(case.script)
    if case.delegate:
        observed.transport = CountingTransport()
    runner = Runner(servers={"petstoreAPI": stub.url}, sleep=sleep, listeners=[listen],
                    transport=observed.transport, **case.options)
    path = FIXTURES / case.document
    try:
        observed.result = runner.run(path, case.workflow, dict(case.inputs), **case.run_kwargs)
    except Exception as exc:  # every row asserts on the exact type and message below
        observed.error = exc
    return observed


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fixture_workflow_meets_its_expectation(case: Case, stub: StubServer) -> None:
    observed = run_case(case, stub)
    expect = case.expect
    print(f"{case.id}: {case.note}; usearazzo: {case.their}; ours: {expect!r}, {case.calls} call(s)")

    if isinstance(expect, Refused):
        assert isinstance(observed.error, DocumentError), observed.result or observed.error
        errors = {(d.rule, d.location.line) for d in observed.error.diagnostics if d.severity == "error"}
        assert errors == expect.diagnostics
        first = sorted(expect.diagnostics, key=lambda pair: pair[1])[0]
        assert f"[{first[0]}]" in str(observed.error) and f":{first[1]}:" in str(observed.error)
    elif isinstance(expect, Rejected):
        assert isinstance(observed.error, expect.error), observed.result or observed.error
        assert expect.message in str(observed.error)
    elif expect == ABORTED:
        assert isinstance(observed.error, RunAborted), observed.result or observed.error
        assert observed.result is None
    else:
        assert observed.error is None, observed.error
        result = observed.result
        assert result is not None
        if isinstance(expect, Stopped):
            assert result.status == "failed"
            assert result.error is not None and expect.message in result.error
        else:
            assert result.status == expect, result.error
            assert result.settled_status == (case.settled or expect)
            assert result.status != "failed" or result.error
        if case.outputs is not None:
            assert dict(result.outputs) == dict(case.outputs)

    assert len(stub.requests) == case.calls, _sent(stub)
    if case.sent is not None:
        assert _sent(stub) == case.sent
    assert tuple(observed.sleeps) == case.sleeps
    if case.started is not None:
        assert [(w, i) for w, i in observed.started] == [(w, dict(i)) for w, i in case.started]
    if observed.transport is not None:
        assert observed.transport.seen == [f"{r.method} {r.path}" for r in stub.requests]
        assert set(observed.transport.timeouts) == {case.options.get("timeout", 30.0)}


# --- bookkeeping: the table, the deviations and EXPECTATIONS.md agree ---------------------------------------


def _translate(case: Case) -> bool:
    """Whether our expectation is what usearazzo's verdict means in our vocabulary."""
    status, calls = case.their
    if calls is not None and calls != case.calls:
        return False
    expect = case.expect
    erred = isinstance(expect, Refused | Stopped | Rejected)
    return {
        "-": True,
        "completed": expect == "succeeded",
        "ended": expect == ("succeeded" if case.success_end else "ended"),
        "failed": expect == "failed",
        "transferred": expect == "transferred",
        "transferred, failed": expect == "transferred" and case.settled == "failed",
        "throws": erred,
    }[status]


def test_every_row_differing_from_usearazzo_is_a_documented_deviation() -> None:
    differing = {case.id for case in CASES if not _translate(case)}
    undocumented = differing - set(DEVIATIONS)
    assert not undocumented, f"rows that differ from EXPECTATIONS.md without a DEVIATIONS entry: {undocumented}"


def test_every_deviation_names_a_row() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "row ids must be unique"
    assert set(DEVIATIONS) <= set(ids)
    assert all(len(why) <= 160 and "\n" not in why for why in DEVIATIONS.values())


def _expectation_rows(path: Path) -> list[tuple[str, str, str, str]]:
    """(section, workflowIds, status, calls) of every table row of EXPECTATIONS.md."""
    rows = []
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w+)", line)
        if heading:
            section = heading.group(1)
        elif line.startswith("| should"):
            _, _title, ids, status, calls, _ = (cell.strip() for cell in line.split("|"))
            rows.append((section, ids, status, calls))
    return rows


def test_table_covers_every_expectation_that_asserts_a_status_or_call_count() -> None:
    rows = _expectation_rows(RUNNER / "EXPECTATIONS.md")
    assert len(rows) > 100
    ours = {(case.document, case.workflow, case.their) for case in CASES}
    missing = []
    for section, ids, status, calls in rows:
        if status == "-" and calls == "-":
            continue
        their_calls = None if calls == "-" else int(calls)
        for position, workflow in enumerate(w.strip() for w in ids.split(",")):
            # A cell shared by two workflows states the first one's verdict (childCriteriaFail/Pass).
            wanted = (status, their_calls) if position == 0 else NONE
            if (SECTIONS[section], workflow, wanted) not in ours:
                missing.append((section, workflow, wanted))
    assert not missing, f"EXPECTATIONS.md rows without a table row: {missing}"


def test_stub_server_answers_on_loopback_from_its_script_and_records_requests(stub: StubServer) -> None:
    assert stub.url.startswith("http://127.0.0.1:")
    stub.script([500, (201, {"made": True}, {"X-Trace": "t1"})])
    with httpx.Client() as client:
        answers = [client.post(f"{stub.url}/pets?kind=cat&kind=dog", json={"n": i}) for i in range(3)]
    assert [(a.status_code, a.json()) for a in answers] == [(500, {}), (201, {"made": True}), (201, {"made": True})]
    assert answers[1].headers["x-trace"] == "t1"
    first = stub.requests[0]
    assert (first.method, first.path, first.query, first.json()) == ("POST", "/pets", {"kind": ["cat", "dog"]},
                                                                      {"n": 0})
    stub.reset()
    assert stub.requests == []
    with httpx.Client() as client:
        assert client.get(stub.url).json() == {"id": 7, "name": "Rex"}
