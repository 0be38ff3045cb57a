"""Arazzo documents as pytest tests: a :class:`DocumentFile` per document, a :class:`WorkflowItem` per workflow
and input set.

Items are named ``workflowId`` when the workflow has one input set and ``workflowId[label]`` when it has several,
so ``-k``, ``--lf`` and xdist address them like parametrized tests. Collecting reads the document's workflow
ids and its sidecar (see :mod:`.sidecar`) and nothing else; a document that does not parse, or a sidecar with a
problem, is a collection error naming the file and line. A document that parses but is invalid still gives
its items, which fail with every diagnostic; one with no workflow id at all gives one ``(document)`` item.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from arazzo_runner.datasets import InputSet
from arazzo_runner.documents import validate
from arazzo_runner.errors import ArazzoError, DocumentError, InputError, LoadError
from arazzo_runner.pytest_plugin.explain import explain, hint_text, not_run
from arazzo_runner.pytest_plugin.recording import locator, not_run_record, sealed
from arazzo_runner.pytest_plugin.session import Session
from arazzo_runner.pytest_plugin.sidecar import input_sets
from arazzo_runner.reports import Recorder
from arazzo_runner.sources import Workspace

DOCUMENT_ITEM = "(document)"

SESSION = pytest.StashKey[Session]()


class WorkflowFailed(Exception):
    """A collected workflow did not succeed, or could not run; ``text`` is what pytest shows."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class DocumentFile(pytest.File):
    """An Arazzo document matched by ``arazzo_files`` / ``--arazzo-files``."""

    def collect(self) -> Iterator[pytest.Item]:
        """One item per workflow and input set."""
        session = self.config.stash[SESSION]
        try:
            document = Workspace(None, session.suite.limits).load(str(self.path))
        except LoadError as exc:
            raise self.CollectError(str(exc.diagnostic() or exc)) from None
        session.documents += 1
        session.sources.update(source.name for source in document.source_descriptions)
        lines: dict[str, int | None] = {}
        for workflow in document.workflows:
            if workflow.workflow_id and workflow.workflow_id not in lines:  # a repeated id fails as a diagnostic
                lines[workflow.workflow_id] = workflow.location.line
        ids = list(lines)
        try:
            sets = input_sets(self.path, ids, self._types, session.suite.limits)
        except ArazzoError as exc:
            raise self.CollectError(str(exc)) from None
        if not ids:
            yield WorkflowItem.from_parent(self, name=DOCUMENT_ITEM, workflow_id=None, inputs=InputSet("", {}, ""),
                                           line=None)
        for workflow_id in ids:
            found = sets.get(workflow_id) or [InputSet("", MappingProxyType({}), "")]
            for input_set in found:
                label = input_set.label if len(found) > 1 else ""
                name = f"{workflow_id}[{label}]" if label else workflow_id
                yield WorkflowItem.from_parent(self, name=name, workflow_id=workflow_id, line=lines[workflow_id],
                                               inputs=InputSet(label, input_set.values, input_set.origin))

    def _types(self, workflow_id: str) -> Mapping[str, tuple[str, ...]]:
        """The inputs' JSON types, for CSV cells; none when the workflow cannot be planned (its items say why)."""
        try:
            return self.config.stash[SESSION].runner.prepare(str(self.path), workflow_id).plan.main.inputs.types
        except ArazzoError:
            return {}


class WorkflowItem(pytest.Item):
    """One run of a workflow with one input set, over real HTTP to the suite's servers."""

    def __init__(self, *, workflow_id: str | None, inputs: InputSet, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow_id = workflow_id
        self.input_set = inputs
        self.line = line

    @property
    def document(self) -> str:
        """The document as reports name it: its path relative to the rootdir."""
        return self.nodeid.partition("::")[0]

    def runtest(self) -> None:
        """Run the workflow; raise :class:`WorkflowFailed` unless it succeeded."""
        if self.workflow_id is None:
            self._check_document()
            return
        session = self.config.stash[SESSION]
        runner = session.runner
        inputs = dict(self.input_set.values)
        started = time.time()
        recorder = Recorder()
        secrets: list[str] = []
        shown: dict[str, Any] = {}
        try:
            prepared = runner.prepare(str(self.path), self.workflow_id)
            plan_inputs = prepared.plan.main.inputs
            secrets = plan_inputs.secrets(inputs)
            shown = plan_inputs.shown(inputs)
            result = runner.run(str(self.path), self.workflow_id, inputs, listeners=[recorder])
        except ArazzoError as exc:
            reason, details = _refusal(exc)
            # The reports say why in full: their reader may never see this terminal.
            record = not_run_record(self.document, self.workflow_id, self.input_set.label, shown,
                                    "; ".join([reason, *details]), started)
            session.keep(sealed(record, secrets))
            title = f"workflow {record.title}"
            text = not_run(title, reason, details, runner.redactor.adding(*secrets), origin=self.input_set.origin)
            raise WorkflowFailed(text) from None
        record = sealed(recorder.record(self.document, self.workflow_id, self.input_set.label, shown, result), secrets)
        session.keep(record)
        if not result.succeeded:
            raise WorkflowFailed(explain(record, runner.redactor, locator(prepared.plan), origin=self.input_set.origin))

    def _check_document(self) -> None:
        session = self.config.stash[SESSION]
        diagnostics = validate(str(self.path), strict=session.suite.strict)
        errors = [d for d in diagnostics if d.severity == "error"]
        reason = f"the document has {len(errors)} problem(s)" if errors else "the document has no workflow"
        details = [str(d) for d in diagnostics]
        session.keep(not_run_record(self.document, DOCUMENT_ITEM, "", {}, "; ".join([reason, *details]), time.time()))
        raise WorkflowFailed(not_run(f"document {self.document}", reason, details, session.redactor))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:
        """The explanation of a failed run instead of a traceback into the plugin."""
        if isinstance(excinfo.value, WorkflowFailed):
            return excinfo.value.text
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The document, the workflow's line (0-based, as pytest counts) and the item's name."""
        return self.path, (self.line - 1 if self.line else None), self.name


def _refusal(error: ArazzoError) -> tuple[str, list[str]]:
    """Why a run was refused, and the lines that say it in detail."""
    if isinstance(error, DocumentError):
        errors = [d for d in error.diagnostics if d.severity == "error"]
        ordered = [*errors, *(d for d in error.diagnostics if d.severity != "error")]
        return f"the document has {len(errors)} problem(s)", [str(d) for d in ordered]
    if isinstance(error, InputError):
        return "invalid inputs", [f"input '{p.name or '(inputs)'}': {p.message}" for p in error.problems]
    message = str(error) + (f" ({hint_text(error.hint)})" if error.hint is not None else "")
    return message, []
