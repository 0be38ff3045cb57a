"""What ``arazzo-runner run`` prints for one run: step lines as they finish, then the outputs (or, with
``--format json``, the whole result at the end).

Every line goes through one :class:`~arazzo_runner.redaction.Redactor`, which learns the secrets found during
the run from :class:`~arazzo_runner.events.CredentialObtained` events. ``--verbose`` adds each exchange
(request and response, headers and a body excerpt, masked by the reports' :class:`Masking`); ``--quiet``
keeps only the end of the report. Structured hints of the engine become the flags to use here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TextIO

from arazzo_runner.cli.terminal import Paint, Progress, printable
from arazzo_runner.errors import Hint
from arazzo_runner.events import (
    CredentialObtained,
    Event,
    ExchangeRecorded,
    HttpMessage,
    RetryWaiting,
    RunResult,
    RunWarning,
    StepFinished,
    StepResult,
    WorkflowStarted,
)
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports.masking import Masking

VERBOSE_EXCERPT = 2000
"""How much of each body ``--verbose`` shows."""


def flag_hint(hint: Hint) -> str:
    """The command-line advice for a hint."""
    if hint.option == "server":
        return f"pass --server {hint.subject}=URL"
    if hint.option == "auth":
        from arazzo_runner.http import credential_env_var

        source, _, scheme = hint.subject.partition(".")
        return f"set --auth {hint.subject}=... or {credential_env_var(source, scheme)}"
    return "pass --workflow ID"


def with_hint(text: str, hint: Hint | None) -> str:
    """``text`` followed by the command-line advice of ``hint``, if any."""
    return text if hint is None else f"{text} ({flag_hint(hint)})"


@dataclass(frozen=True)
class Style:
    """How a run is reported: text or JSON, how much, and on what kind of terminal."""

    text: bool = True
    verbose: bool = False
    quiet: bool = False
    paint: Paint = Paint(False)
    progress: Progress | None = None


class Report:
    """Prints one run: steps as they finish (text) or the whole result at the end (json); secrets are masked.

    ``steps=False`` holds the step lines back (runs that overlap in time would interleave them); ``prefix``
    starts every line (the run's name when several runs share the output).
    """

    def __init__(self, out: TextIO, err: TextIO, style: Style, redactor: Redactor, *, steps: bool = True) -> None:
        self.out, self.err, self.style = out, err, style
        self.redact = redactor
        self.steps = steps and style.text and not style.quiet
        self.depth: dict[str, int] = {}

    @property
    def text(self) -> bool:
        return self.style.text

    def on_event(self, event: Event) -> None:
        """Listener for the runner's events."""
        if isinstance(event, CredentialObtained):
            self.redact = self.redact.adding(event.secret)
        elif isinstance(event, WorkflowStarted):
            self.depth[event.workflow_id] = event.depth
            if self.steps and event.depth:
                self._print(f"{'  ' * event.depth}-> workflow {event.workflow_id}")
        elif isinstance(event, RunWarning):
            if not self.style.quiet:
                where = f"{event.workflow_id}/{event.step_id}" if event.step_id else event.workflow_id
                self._warn(with_hint(f"warning: {where}: {event.message}", event.hint))
        elif isinstance(event, StepFinished) and self.steps and event.result is not None:
            self._print(self._step_line(event.result, self.depth.get(event.workflow_id, 0)))
        elif isinstance(event, ExchangeRecorded) and self.steps and self.style.verbose:
            self._print(self._exchange(event, self.depth.get(event.workflow_id, 0)))
        elif isinstance(event, RetryWaiting) and not self.style.quiet and event.seconds >= 1:
            self._warn(f"waiting {event.seconds:g} s before retrying {event.workflow_id}/{event.step_id}")

    def finish(self, result: RunResult) -> None:
        """Print the end of the report: the final status, the error, the outputs."""
        if not self.text:
            self._print(json.dumps(result.to_json(), indent=2, default=str))
            return
        final = settled(result)
        label = result.status if final is result else f"{result.status} to {final.workflow_id}: {final.status}"
        mark = "ok" if final.succeeded else "fail"
        self._print(f"workflow {result.workflow_id}: {self.style.paint(mark, label)} in {result.duration_ms:.0f} ms")
        if final.error:
            self._print(f"  error: {final.error}")
        self._print("outputs:")
        self._print(_indent(json.dumps(dict(final.outputs), indent=2, default=str)))

    def _step_line(self, step: StepResult, depth: int) -> str:
        paint = self.style.paint
        mark = paint("ok", "ok  ") if step.status == "succeeded" else paint("fail", "FAIL")
        if step.request is not None:
            request = f"{step.request.method} {step.request.url}"
        else:
            request = "(sub-workflow)" if step.sub_run is not None else "(not sent)"
        code = step.status_code if step.status_code is not None else "-"
        if step.mocked:
            code = f"{code} mocked"
        retries = f" after {step.attempts} attempts" if step.attempts > 1 else ""
        line = f"{'  ' * depth}{mark} {step.step_id:<20} {request} -> {code} ({step.duration_ms:.0f} ms){retries}"
        if step.error:
            line += f"\n{'  ' * depth}     {with_hint(step.error, step.hint)}"
        return line

    def _exchange(self, event: ExchangeRecorded, depth: int) -> str:
        mask = Masking(self.redact)
        pad = "  " * depth + "     "
        lines = [f"{pad}> {event.method} {mask.url(event.url)}"]
        lines += _message_lines(pad + "> ", event.request, mask)
        if event.response is None:
            lines.append(f"{pad}< (no response: {event.error or 'unknown error'})")
        else:
            lines.append(f"{pad}< {event.status_code} ({event.elapsed_ms:.0f} ms)")
            lines += _message_lines(pad + "< ", event.response, mask)
        return "\n".join(lines)

    def line(self, text: str) -> None:
        """Print one line of this run's report (masked, terminal-safe)."""
        self._print(text)

    def _print(self, text: str) -> None:
        if self.style.progress is not None:
            self.style.progress.clear()
        print(printable(self.redact(text)), file=self.out, flush=True)

    def _warn(self, text: str) -> None:
        if self.style.progress is not None:
            self.style.progress.clear()
        print(printable(self.redact(text)), file=self.err, flush=True)


def _message_lines(pad: str, message: HttpMessage, mask: Masking) -> list[str]:
    lines = [f"{pad}{name}: {value}" for name, value in mask.headers(message.headers)]
    if message.body_size:
        lines.append(pad)
        lines += [f"{pad}{line}" for line in mask.excerpt(message, VERBOSE_EXCERPT).splitlines()]
    return lines


def settled(result: RunResult) -> RunResult:
    """The last run of a chain of transfers (the run itself when it transferred nowhere)."""
    while result.transferred_to is not None:
        result = result.transferred_to
    return result


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
