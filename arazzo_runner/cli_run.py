"""``arazzo-runner run``: options, inputs, the live step report and the exit code."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from arazzo_runner.errors import ArazzoError, DocumentError, InputError, UsageError
from arazzo_runner.events import Event, RunResult, RunWarning, StepFinished, StepResult, WorkflowStarted

if TYPE_CHECKING:
    from arazzo_runner.http import CredentialStore

EXIT_OK, EXIT_FAILED, EXIT_NOT_RUN = 0, 1, 2


class _Ordered(argparse.Action):
    """Keeps ``--inputs`` and ``--input`` in one list, in command-line order, so later ones win."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        items = list(getattr(namespace, self.dest) or [])
        items.append((option_string, values))
        setattr(namespace, self.dest, items)


def add_run_parser(commands: Any) -> None:
    """Register the ``run`` subcommand."""
    run = commands.add_parser("run", help="run a workflow")
    run.add_argument("path", metavar="PATH", help="Arazzo document (path or URL)")
    run.add_argument("--workflow", metavar="ID", help="workflowId to run (optional when there is only one)")
    run.add_argument("--inputs", dest="inputs", action=_Ordered, metavar="FILE|JSON",
                     help="inputs as a JSON file or a JSON object")
    run.add_argument("--input", dest="inputs", action=_Ordered, metavar="NAME=VALUE",
                     help="one input; VALUE is parsed as JSON when it parses, else taken as a string")
    run.add_argument("--server", action="append", default=[], metavar="SOURCE=URL",
                     help="base URL replacing the servers of a source description")
    run.add_argument("--server-variable", action="append", default=[], metavar="NAME=VALUE",
                     help="value of an OpenAPI server variable")
    run.add_argument("--auth", action="append", default=[], metavar="SOURCE.SCHEME=VALUE",
                     help="credential for a security scheme (basic: user:password)")
    run.add_argument("--format", choices=("text", "json"), default="text")
    run.add_argument("--timeout", type=float, default=30.0, metavar="S", help="per-request timeout (seconds)")
    run.add_argument("--max-steps", type=int, default=None, metavar="N", help="step budget (default 1000)")
    run.add_argument("--strict", action="store_true",
                     help="fail a step whose response does not match its OpenAPI operation (else a warning)")


def parse_inputs(items: Sequence[tuple[str | None, str]]) -> dict[str, Any]:
    """Merge ``--inputs`` and ``--input`` values in order; raise UsageError for malformed ones."""
    inputs: dict[str, Any] = {}
    for option, value in items:
        if option == "--input":
            name, sep, text = value.partition("=")
            if not sep or not name:
                raise UsageError(f"--input expects NAME=VALUE, got {value!r}")
            try:
                inputs[name] = json.loads(text)
            except json.JSONDecodeError:
                inputs[name] = text
            continue
        text = value
        if not value.lstrip().startswith(("{", "[")):
            try:
                text = Path(value).read_text("utf-8")
            except OSError as exc:
                raise UsageError(f"--inputs: cannot read {value}: {exc.strerror}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--inputs {value}: not valid JSON ({exc.msg} at line {exc.lineno} column "
                             f"{exc.colno})") from exc
        if not isinstance(data, dict):
            raise UsageError(f"--inputs {value}: must be a JSON object of input names to values")
        inputs.update(data)
    return inputs


def _pairs(values: Sequence[str], option: str) -> dict[str, str]:
    result = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise UsageError(f"{option} expects NAME=VALUE, got {value!r}")
        result[key] = rest
    return result


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the workflow the arguments name; print the report; return the exit code."""
    # Imported here, not at the top: building the parser for `validate` must not load the HTTP stack.
    from arazzo_runner.http import CredentialStore
    from arazzo_runner.runner import Runner

    try:
        credentials = CredentialStore.from_cli(args.auth)
        report = _Report(out, err, args.format == "text", credentials)
        runner = Runner(
            servers=_pairs(args.server, "--server"),
            server_variables=_pairs(args.server_variable, "--server-variable"),
            auth=credentials,
            timeout=args.timeout,
            max_steps=args.max_steps,
            strict=args.strict,
            listeners=[report.on_event],
        )
        inputs = parse_inputs(args.inputs or [])
        prepared = runner.prepare(args.path, args.workflow)
        unknown = sorted(set(_pairs(args.server, "--server")) - prepared.sources)
        if unknown:  # a typo in --server would otherwise silently send requests to the real API
            raise UsageError(f"--server names unknown source description(s) {', '.join(unknown)}; "
                             f"the workflow uses: {', '.join(sorted(prepared.sources)) or 'none'}")
        result = runner.run(args.path, args.workflow, inputs)
    except DocumentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=err)
        print(f"not run: the document has {len(exc.diagnostics)} problem(s)", file=err)
        return EXIT_NOT_RUN
    except InputError as exc:
        for problem in exc.problems:
            print(f"input '{problem.name or '(inputs)'}': {problem.message}", file=err)
        print(f"not run: invalid inputs for workflow '{exc.workflow_id}'", file=err)
        return EXIT_NOT_RUN
    except ArazzoError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_NOT_RUN
    report.finish(result)
    return EXIT_OK if result.succeeded else EXIT_FAILED


class _Report:
    """Prints steps as they finish (text) or the whole result at the end (json); secrets are scrubbed."""

    def __init__(self, out: TextIO, err: TextIO, text: bool, credentials: CredentialStore) -> None:
        self.out, self.err, self.text, self.credentials = out, err, text, credentials
        self.depth: dict[str, int] = {}

    def on_event(self, event: Event) -> None:
        if isinstance(event, WorkflowStarted):
            self.depth[event.workflow_id] = event.depth
            if self.text and event.depth:
                self._print(f"{'  ' * event.depth}-> workflow {event.workflow_id}")
        elif isinstance(event, RunWarning):
            where = f"{event.workflow_id}/{event.step_id}" if event.step_id else event.workflow_id
            print(_redact(f"warning: {where}: {event.message}", self.credentials), file=self.err)
        elif isinstance(event, StepFinished) and self.text and event.result is not None:
            self._print(_step_line(event.result, self.depth.get(event.workflow_id, 0)))

    def finish(self, result: RunResult) -> None:
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
        print(_redact(text, self.credentials), file=self.out, flush=True)


def _step_line(step: StepResult, depth: int) -> str:
    mark = "ok  " if step.status == "succeeded" else "FAIL"
    request = f"{step.request.method} {step.request.url}" if step.request else "(sub-workflow)"
    code = step.status_code if step.status_code is not None else "-"
    retries = f" after {step.attempts} attempts" if step.attempts > 1 else ""
    line = f"{'  ' * depth}{mark} {step.step_id:<20} {request} -> {code} ({step.duration_ms:.0f} ms){retries}"
    if step.error:
        line += f"\n{'  ' * depth}     {step.error}"
    return line


def _redact(text: str, credentials: CredentialStore) -> str:
    """Scrub every secret known now: those given, and tokens fetched during the run."""
    from arazzo_runner.http import redact

    return redact(text, credentials.secrets())


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
