"""One ``arazzo-runner run`` command: the runs it names, run one after another or concurrently, then the
summary, the reports and the exit code.

The runs are every document x workflow (``--workflow``, ``--all-workflows`` or the only one) x input set
(``--inputs-file`` rows, else the one set of ``--inputs``/``--input``). A single run prints exactly what it
always has: its steps, then its outputs (or one JSON result). Several runs print each run under its title
(``file::workflowId[row-3]``; one line per run when they overlap in time) and end with a summary table; with
``--format json`` one document holds every run and the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from arazzo_runner.cli.report import Report, Style, settled, with_hint
from arazzo_runner.cli.terminal import Paint, Progress, printable, wants_color
from arazzo_runner.cli.validate import diagnostic_json
from arazzo_runner.datasets import read_input_sets
from arazzo_runner.errors import ArazzoError, DocumentError, InputError, LoadError, UsageError
from arazzo_runner.events import Event, RunResult
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import Recorder, RunRecord

if TYPE_CHECKING:
    import httpx

    from arazzo_runner.runner import Runner

EXIT_OK, EXIT_FAILED, EXIT_NOT_RUN = 0, 1, 2


@dataclass(frozen=True)
class RunSpec:
    """One run the command asked for."""

    document: str
    workflow_id: str | None
    """``None``: the document's only workflow."""
    label: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict)

    def title(self, workflow_id: str | None = None) -> str:
        """``file::workflowId[label]``, the run's name in lines, summaries and reports."""
        name = workflow_id or self.workflow_id or "(only workflow)"
        return f"{self.document}::{name}" + (f"[{self.label}]" if self.label else "")


@dataclass(frozen=True)
class NotRun:
    """Why a run could not start: ``kind`` is ``document``, ``inputs`` or ``usage``; ``lines`` are for people
    (already masked), ``detail`` for ``--format json``."""

    kind: str
    lines: tuple[str, ...]
    detail: Mapping[str, Any]

    @property
    def summary(self) -> str:
        return self.lines[-1] if self.lines else self.kind


@dataclass
class Outcome:
    """What became of one run: a result, a reason it did not run, or skipped (``--fail-fast``)."""

    spec: RunSpec
    result: RunResult | None = None
    not_run: NotRun | None = None
    record: RunRecord | None = None

    @property
    def status(self) -> str:
        if self.result is not None:
            return settled(self.result).status
        return "not run" if self.not_run is not None else "skipped"

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.succeeded


def not_run_of(exc: ArazzoError, redact: Redactor) -> NotRun:
    """The report of an error that stopped a run before its first request."""
    if isinstance(exc, DocumentError):
        from arazzo_runner.dialect import DIALECT_RULES

        lines = [str(d) for d in exc.diagnostics]
        if any(d.rule in DIALECT_RULES for d in exc.diagnostics):
            lines.append("the document uses forms outside Arazzo 1.0.1: 'arazzo-runner fix PATH' rewrites them, "
                         "'arazzo-runner run --compat' runs them as their authors meant")
        lines.append(f"not run: the document has {len(exc.diagnostics)} problem(s)")
        return NotRun("document", tuple(lines), {"diagnostics": [diagnostic_json(d) for d in exc.diagnostics]})
    if isinstance(exc, InputError):
        lines = [redact(f"input '{p.name or '(inputs)'}': {p.message}") for p in exc.problems]
        lines.append(f"not run: invalid inputs for workflow '{exc.workflow_id}'")
        return NotRun("inputs", tuple(lines), {"workflowId": exc.workflow_id, "problems": [
            {"input": p.name, "message": redact(p.message)} for p in exc.problems]})
    if isinstance(exc, LoadError) and exc.diagnostic() is not None:
        diagnostic = exc.diagnostic()
        assert diagnostic is not None
        return NotRun("document", (str(diagnostic), "not run: the document cannot be read"),
                      {"diagnostics": [diagnostic_json(diagnostic)]})
    message = redact(with_hint(f"error: {exc}", exc.hint))
    return NotRun("usage", (message,), {"message": redact(str(exc))})


class Session:
    """Runs the command's runs and reports them."""

    def __init__(self, args: argparse.Namespace, runner: Runner, inputs: Mapping[str, Any], out: TextIO,
                 err: TextIO, environ: Mapping[str, str] | None = None) -> None:
        self.args, self.runner, self.inputs, self.out, self.err = args, runner, inputs, out, err
        self.environ = os.environ if environ is None else environ
        self.redact = runner.redactor
        self.outcomes: list[Outcome] = []
        self.finished: list[Outcome] = []
        """Runs finished so far, in the order they finished (for the progress line)."""
        self.total = 0
        self.stopped = False

    # --- the runs ------------------------------------------------------------------------------------

    def run(self) -> int:
        """Expand, run, summarize, write the reports; the exit code."""
        as_json = self.args.format == "json"
        try:
            specs = self.expand()
        except UsageError as exc:
            return self._refused(NotRun("usage", (f"error: {self.redact(str(exc))}",),
                                        {"message": self.redact(str(exc))}))
        self.total = len(specs)
        single = len(specs) == 1 and not isinstance(specs[0], Outcome)
        if self.args.dry_run:
            from arazzo_runner.cli.dry_run import dry_run

            return dry_run(self.runner, [s.spec if isinstance(s, Outcome) else s for s in specs], self.out, self.err,
                           as_json, self.redact)
        if single:
            assert isinstance(specs[0], RunSpec)
            return self._single(specs[0])
        style = self._style(several=True)
        started = time.perf_counter()
        if self.args.concurrency > 1:
            import asyncio  # only concurrent runs need it

            asyncio.run(self._concurrently(specs, style))
        else:
            # One client for the runs in turn, so each row reuses the connections the last one opened.
            from arazzo_runner.deadline import sync_client

            lane = None if self.args.mock else sync_client(self.runner.limits.request_timeout)
            try:
                for item in specs:
                    if lane is not None:
                        lane.cookies.clear()
                    self._sequentially(item, style, lane)
            finally:
                if lane is not None:
                    lane.close()
        if style.progress is not None:
            style.progress.clear()
        elapsed = time.perf_counter() - started
        from arazzo_runner.cli.summary import summary_json, summary_lines

        if as_json:
            json.dump(summary_json(self.outcomes, elapsed, self.redact), self.out, indent=2, default=str)
            self.out.write("\n")
        else:
            for line in summary_lines(self.outcomes, elapsed, style.paint):
                print(printable(self.redact(line)), file=self.out)
        written = self._reports()
        ran = [o for o in self.outcomes if o.result is not None]
        if not ran:
            return EXIT_NOT_RUN
        if written != EXIT_OK:
            return written
        return EXIT_OK if all(o.ok for o in self.outcomes) else EXIT_FAILED

    def expand(self) -> list[RunSpec | Outcome]:
        """Every run the arguments name, in order; a document whose workflows cannot be listed is a not-run."""
        items: list[RunSpec | Outcome] = []
        for path in self.args.paths:
            if self.args.all_workflows:
                try:
                    workflow_ids = self._workflow_ids(path)
                except ArazzoError as exc:
                    items.append(Outcome(RunSpec(path, None), not_run=not_run_of(exc, self.redact)))
                    continue
            else:
                workflow_ids = [self.args.workflow]
            for workflow_id in workflow_ids:
                items.extend(self._sets(path, workflow_id))
        return items

    def _workflow_ids(self, path: str) -> list[str | None]:
        from arazzo_runner.sources import Workspace

        document = Workspace(None, self.runner.limits).load(path)
        # No workflow to list: planning the document says what is wrong with it.
        return [workflow.workflow_id for workflow in document.workflows] or [None]

    def _sets(self, path: str, workflow_id: str | None) -> list[RunSpec | Outcome]:
        if not self.args.inputs_file:
            return [RunSpec(path, workflow_id, "", dict(self.inputs))]
        try:
            prepared = self.runner.prepare(path, workflow_id)
        except ArazzoError as exc:
            return [Outcome(RunSpec(path, workflow_id), not_run=not_run_of(exc, self.redact))]
        plan = prepared.plan.main
        rows = read_input_sets(Path(self.args.inputs_file), plan.inputs.types,
                               max_bytes=self.runner.limits.max_document_bytes)
        return [RunSpec(path, plan.workflow_id, row.label, {**self.inputs, **row.values}) for row in rows]

    def _single(self, spec: RunSpec) -> int:
        """One run: the report as it always was (steps, then outputs; or the JSON result)."""
        style = self._style(several=False)
        report = Report(self.out, self.err, style, self.redact)
        outcome = self._execute(spec, report)
        self.outcomes.append(outcome)
        if outcome.not_run is not None:
            self._reports()  # CI still gets a report saying the run could not start
            return self._refused(outcome.not_run)
        assert outcome.result is not None
        report.finish(outcome.result)
        written = self._reports()
        if written != EXIT_OK:
            return written
        return EXIT_OK if outcome.ok else EXIT_FAILED

    def _sequentially(self, item: RunSpec | Outcome, style: Style, client: httpx.Client | None) -> None:
        if isinstance(item, Outcome):
            self._tell_not_run(item)
            return
        if self.stopped:
            self.outcomes.append(Outcome(item))
            return
        report = Report(self.out, self.err, style, self.redact)
        if style.text and not style.quiet:
            report.line(f"== {item.title()}")
        outcome = self._execute(item, report, client)
        if outcome.not_run is not None:
            self._tell_not_run(outcome, keep=False)
        elif outcome.result is not None and style.text and not style.quiet:
            report.finish(outcome.result)
        self._after(outcome, style)

    async def _concurrently(self, items: Sequence[RunSpec | Outcome], style: Style) -> None:
        import asyncio

        # One client per lane of --concurrency, each serving one run at a time: rows reuse the lane's connections
        # (and TLS sessions) instead of opening their own, and each pool stays small, since httpcore checks every
        # idle connection of a pool before each request (one pool shared by 50 lanes ran at a third of the pace).
        from arazzo_runner.deadline import async_client

        lanes: asyncio.Queue[httpx.AsyncClient | None] = asyncio.Queue()
        width = max(1, min(self.args.concurrency, len(items)))
        for _ in range(width):
            lanes.put_nowait(None if self.args.mock else async_client(self.runner.limits.request_timeout))
        slots: list[Outcome | None] = [None] * len(items)

        async def one(index: int, item: RunSpec | Outcome) -> None:
            if isinstance(item, Outcome):
                slots[index] = item
                self._tell_not_run(item, keep=False)
                return
            client = await lanes.get()
            if client is not None:
                client.cookies.clear()  # never sent (requests carry the cookies the document names), but it grows
            try:
                if self.stopped:
                    slots[index] = Outcome(item)
                    return
                report = Report(self.out, self.err, style, self.redact, steps=False)
                outcome = await self._aexecute(item, report, client)
                slots[index] = outcome
                self._line(outcome, style, report.redact)
                self._count(outcome, style)
            finally:
                lanes.put_nowait(client)

        try:
            await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
        finally:
            while not lanes.empty():
                client = lanes.get_nowait()
                if client is not None:
                    await client.aclose()
        self.outcomes = [slot for slot in slots if slot is not None]  # in the order asked for, not finished

    def _execute(self, spec: RunSpec, report: Report, client: httpx.Client | None = None) -> Outcome:
        recorder = Recorder()
        try:
            result = self.runner.run(spec.document, spec.workflow_id, spec.inputs,
                                     listeners=[report.on_event, recorder], client=client)
        except ArazzoError as exc:
            return Outcome(spec, not_run=not_run_of(exc, report.redact))
        return Outcome(spec, result, record=self._record(spec, recorder, result))

    async def _aexecute(self, spec: RunSpec, report: Report, client: httpx.AsyncClient | None) -> Outcome:
        recorder = Recorder()
        try:
            result = await self.runner.arun(spec.document, spec.workflow_id, spec.inputs,
                                            listeners=[report.on_event, recorder], client=client)
        except ArazzoError as exc:
            return Outcome(spec, not_run=not_run_of(exc, report.redact))
        return Outcome(spec, result, record=self._record(spec, recorder, result))

    def _record(self, spec: RunSpec, recorder: Recorder, result: RunResult) -> RunRecord:
        shown = self._shown_inputs(recorder.pending, spec.inputs)
        return recorder.record(spec.document, result.workflow_id, spec.label, shown, result)

    @staticmethod
    def _shown_inputs(events: Sequence[Event], inputs: Mapping[str, Any]) -> Mapping[str, Any]:
        from arazzo_runner.events import WorkflowStarted

        # The first WorkflowStarted carries the inputs with password/writeOnly ones already masked.
        for event in events:
            if isinstance(event, WorkflowStarted):
                return event.inputs
        return inputs

    def _after(self, outcome: Outcome, style: Style) -> None:
        self.outcomes.append(outcome)
        self._count(outcome, style)

    def _count(self, outcome: Outcome, style: Style) -> None:
        """A run has finished: stop after it under ``--fail-fast``; move the progress line on."""
        self.finished.append(outcome)
        if not outcome.ok and self.args.fail_fast:
            self.stopped = True
        if style.progress is not None:
            failed = sum(1 for o in self.finished if not o.ok)
            style.progress.show(f"[{len(self.finished)}/{self.total}] {len(self.finished) - failed} ok, "
                                f"{failed} failed")

    def _line(self, outcome: Outcome, style: Style, redact: Redactor) -> None:
        """One line for a run that overlapped others: its title, status and time, or why it failed."""
        if not style.text or style.quiet:
            return
        if style.progress is not None:
            style.progress.clear()
        result = outcome.result
        assert result is not None
        final = settled(result)
        mark = style.paint("ok", "ok  ") if outcome.ok else style.paint("fail", "FAIL")
        line = f"{mark} {outcome.spec.title(result.workflow_id)}: {final.status} in {result.duration_ms:.0f} ms"
        if final.error:
            line += f"\n     {final.error}"
        print(printable(redact(line)), file=self.out, flush=True)

    def _tell_not_run(self, outcome: Outcome, keep: bool = True) -> None:
        assert outcome.not_run is not None
        if keep:
            self.outcomes.append(outcome)
        print(printable(f"not run: {outcome.spec.title()}"), file=self.err)
        for line in outcome.not_run.lines:
            print(printable("  " + line), file=self.err)
        if self.args.fail_fast:
            self.stopped = True

    def _refused(self, not_run: NotRun) -> int:
        """A single run (or the whole command) that could not start: the lines on stderr and, with ``--format
        json``, one JSON object on stdout, so a script reading stdout always gets a document."""
        for line in not_run.lines:
            print(printable(line), file=self.err)
        if self.args.format == "json":
            json.dump({"status": "not-run", "reason": not_run.kind, **not_run.detail}, self.out, indent=2)
            self.out.write("\n")
        return EXIT_NOT_RUN

    # --- presentation and reports ----------------------------------------------------------------------

    def _style(self, several: bool) -> Style:
        text = self.args.format == "text"
        paint = Paint(text and wants_color(self.out, self.environ))
        progress = Progress(self.err, several and wants_tty(self.err))
        return Style(text, self.args.verbose, self.args.quiet, paint, progress if progress.enabled else None)

    def _reports(self) -> int:
        from arazzo_runner.cli.reports import write_reports

        records = [self._as_record(o) for o in self.outcomes if o.result is not None or o.not_run is not None]
        try:
            write_reports(self.args, records, self.redact, self.environ)
        except OSError as exc:
            print(f"error: cannot write a report: {exc.filename}: {exc.strerror}", file=self.err)
            return EXIT_NOT_RUN
        return EXIT_OK

    def _as_record(self, outcome: Outcome) -> RunRecord:
        if outcome.record is not None:
            return outcome.record
        assert outcome.not_run is not None
        workflow_id = outcome.spec.workflow_id or "(only workflow)"
        result = RunResult(workflow_id, "failed", {}, (), f"not run: {outcome.not_run.summary}")
        return RunRecord(outcome.spec.document, workflow_id, outcome.spec.label, {}, result, (), time.time())


def wants_tty(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (live progress belongs there only)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
