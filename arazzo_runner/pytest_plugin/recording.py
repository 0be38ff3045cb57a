"""How runs become records: the fixture's recording runner, and what a record must carry to be masked anywhere.

A record carries the secrets its writers must mask beyond the suite's credentials (a secret input's value, a
credential a test gave its own runner) as ``CredentialObtained`` events: every writer masks what those events
tell, so the record can be masked by whichever process writes the reports, an xdist controller included.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from arazzo_runner.documents import PathOrUrl
from arazzo_runner.errors import Location
from arazzo_runner.events import CredentialObtained, RunResult
from arazzo_runner.execute import Listener
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.plan import Plan
from arazzo_runner.pytest_plugin.explain import Locator
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import Recorder, RunRecord
from arazzo_runner.runner import Runner

if TYPE_CHECKING:
    import httpx


def sealed(record: RunRecord, secrets: Iterable[str]) -> RunRecord:
    """``record`` carrying ``secrets`` as ``CredentialObtained`` events, which every writer masks."""
    extra = tuple(CredentialObtained(record.workflow_id, "", secret) for secret in dict.fromkeys(secrets) if secret)
    return replace(record, events=record.events + extra) if extra else record


def not_run_record(document: str, workflow_id: str, label: str, inputs: Mapping[str, Any], error: str,
                   started: float) -> RunRecord:
    """The record of a run refused before its first request, so that the reports list it too."""
    result = RunResult(workflow_id, "failed", MappingProxyType({}), (), error)
    return RunRecord(document, workflow_id, label, MappingProxyType(dict(inputs)), result, (), started)


def locator(plan: Plan) -> Locator:
    """Where the steps of ``plan``'s workflows are written."""
    steps = {(workflow.workflow_id, step.step_id): step.at for workflow in plan.workflows.values()
             for step in workflow.steps}

    def locate(workflow_id: str, step_id: str) -> Location | None:
        return steps.get((workflow_id, step_id))

    return locate


@dataclass(frozen=True)
class Recorded:
    """A run made through the fixture, with what :func:`~arazzo_runner.pytest_plugin.assert_succeeded` needs
    to explain it."""

    result: RunResult
    record: RunRecord
    redactor: Redactor
    locate: Locator | None


RECORDED: dict[int, Recorded] = {}
"""The fixture's runs by ``id`` of their result, while the test that made them runs (for ``assert_succeeded``,
which is given only the result)."""


class RecordingRunner(Runner):
    """The fixture's :class:`Runner`: every run is recorded and handed to ``keep``."""

    def __init__(self, keep: Callable[[Recorded], None], **options: Any) -> None:
        super().__init__(**options)
        self._keep = keep

    def run(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
            inputs: Mapping[str, Any] | None = None, *, listeners: Iterable[Listener] = (),
            client: httpx.Client | None = None) -> RunResult:
        """:meth:`Runner.run`, recorded."""
        recorder = Recorder()
        result = super().run(source, workflow_id, inputs, listeners=[*listeners, recorder], client=client)
        self._close(recorder, source, workflow_id, inputs, result)
        return result

    async def arun(self, source: PathOrUrl | ArazzoDocument, workflow_id: str | None = None,
                   inputs: Mapping[str, Any] | None = None, *, listeners: Iterable[Listener] = (),
                   client: httpx.AsyncClient | None = None) -> RunResult:
        """:meth:`Runner.arun`, recorded."""
        recorder = Recorder()
        result = await super().arun(source, workflow_id, inputs, listeners=[*listeners, recorder], client=client)
        self._close(recorder, source, workflow_id, inputs, result)
        return result

    def _close(self, recorder: Recorder, source: PathOrUrl | ArazzoDocument, workflow_id: str | None,
               inputs: Mapping[str, Any] | None, result: RunResult) -> None:
        prepared = self.prepare(source, workflow_id)  # cached by the run that just ended
        plan_inputs = prepared.plan.main.inputs
        supplied = dict(inputs or {})
        document = source.url if isinstance(source, ArazzoDocument) else os.fspath(source)
        record = recorder.record(document, result.workflow_id, "", plan_inputs.shown(supplied), result)
        # The test may have given this runner credentials the suite does not know: the reports must mask them.
        record = sealed(record, [*self.credentials.secrets(), *plan_inputs.secrets(supplied)])
        self._keep(Recorded(result, record, self.redactor, locator(prepared.plan)))
