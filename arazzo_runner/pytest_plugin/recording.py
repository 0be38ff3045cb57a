"""What a run's record must carry to be masked anywhere, and where its steps are written.

A record carries the secrets its writers must mask beyond the suite's credentials (a secret input's value) as
``CredentialObtained`` events: every writer masks what those events tell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import Location
from arazzo_runner.events import CredentialObtained, RunResult
from arazzo_runner.plan import Plan
from arazzo_runner.pytest_plugin.explain import Locator
from arazzo_runner.reports import RunRecord


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
