"""What ``arazzo-runner run`` prints: step lines as they finish, then the outputs (or the whole result as JSON).

Every line goes through one :class:`~arazzo_runner.redaction.Redactor`, which learns the tokens fetched
during the run from :class:`~arazzo_runner.events.CredentialObtained` events. Structured hints of the
engine become the flags to use here.
"""

from __future__ import annotations

import json
from typing import TextIO

from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import Hint
from arazzo_runner.events import (
    CredentialObtained,
    Event,
    RunResult,
    RunWarning,
    StepFinished,
    StepResult,
    WorkflowStarted,
)
from arazzo_runner.redaction import Redactor


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


class Report:
    """Prints steps as they finish (text) or the whole result at the end (json); secrets are masked."""

    def __init__(self, out: TextIO, err: TextIO, text: bool, redactor: Redactor) -> None:
        self.out, self.err, self.text = out, err, text
        self.redact = redactor
        self.depth: dict[str, int] = {}

    def on_event(self, event: Event) -> None:
        """Listener for the runner's events."""
        if isinstance(event, CredentialObtained):
            self.redact = self.redact.adding(event.secret)
        elif isinstance(event, WorkflowStarted):
            self.depth[event.workflow_id] = event.depth
            if self.text and event.depth:
                self._print(f"{'  ' * event.depth}-> workflow {event.workflow_id}")
        elif isinstance(event, RunWarning):
            where = f"{event.workflow_id}/{event.step_id}" if event.step_id else event.workflow_id
            print(printable(self.redact(with_hint(f"warning: {where}: {event.message}", event.hint))), file=self.err)
        elif isinstance(event, StepFinished) and self.text and event.result is not None:
            self._print(_step_line(event.result, self.depth.get(event.workflow_id, 0)))

    def finish(self, result: RunResult) -> None:
        """Print the end of the report."""
        if not self.text:
            self._print(json.dumps(result.to_json(), indent=2, default=str))
            return
        final = result
        while final.transferred_to is not None:
            final = final.transferred_to
        label = result.status if final is result else f"{result.status} to {final.workflow_id}: {final.status}"
        self._print(f"workflow {result.workflow_id}: {label} in {result.duration_ms:.0f} ms")
        if final.error:
            self._print(f"  error: {final.error}")
        self._print("outputs:")
        self._print(_indent(json.dumps(dict(final.outputs), indent=2, default=str)))

    def _print(self, text: str) -> None:
        print(printable(self.redact(text)), file=self.out, flush=True)


def _step_line(step: StepResult, depth: int) -> str:
    mark = "ok  " if step.status == "succeeded" else "FAIL"
    request = f"{step.request.method} {step.request.url}" if step.request else "(sub-workflow)"
    code = step.status_code if step.status_code is not None else "-"
    retries = f" after {step.attempts} attempts" if step.attempts > 1 else ""
    line = f"{'  ' * depth}{mark} {step.step_id:<20} {request} -> {code} ({step.duration_ms:.0f} ms){retries}"
    if step.error:
        line += f"\n{'  ' * depth}     {with_hint(step.error, step.hint)}"
    return line


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
