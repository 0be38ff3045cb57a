"""``arazzo-runner run``: options, inputs, the live step report and the exit code."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import UsageError
from arazzo_runner.limits import DEFAULT_LIMITS, Limits

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
    run = commands.add_parser("run", help="run workflows")
    run.add_argument("paths", nargs="+", metavar="PATH", help="Arazzo documents (paths or URLs)")
    which = run.add_mutually_exclusive_group()
    which.add_argument("--workflow", metavar="ID", help="workflowId to run (optional when there is only one)")
    which.add_argument("--all-workflows", action="store_true", help="run every workflow of each document")
    run.add_argument("--inputs", dest="inputs", action=_Ordered, metavar="FILE|JSON",
                     help="inputs as a JSON file or a JSON object")
    run.add_argument("--input", dest="inputs", action=_Ordered, metavar="NAME=VALUE",
                     help="one input; VALUE is parsed as JSON when it parses, else taken as a string")
    run.add_argument("--inputs-file", metavar="FILE",
                     help="one run per row of a JSON Lines or CSV file (CSV cells typed by the inputs schema); "
                          "--inputs/--input values apply to every row, the row winning")
    run.add_argument("--concurrency", type=int, default=1, metavar="N", help="runs at the same time (default 1)")
    run.add_argument("--fail-fast", action="store_true", help="start no further run after one fails")
    run.add_argument("--server", action="append", default=[], metavar="SOURCE=URL",
                     help="base URL replacing the servers of a source description")
    run.add_argument("--server-variable", action="append", default=[], metavar="NAME=VALUE",
                     help="value of an OpenAPI server variable")
    run.add_argument("--auth", action="append", default=[], metavar="SOURCE.SCHEME=VALUE",
                     help="credential for a security scheme (basic: user:password)")
    run.add_argument("--format", choices=("text", "json"), default="text")
    run.add_argument("--dry-run", action="store_true",
                     help="show the requests each step would send, expressions resolved where they can be; "
                          "send nothing")
    run.add_argument("--report-junit", metavar="FILE", help="write a JUnit XML report (a testsuite per run)")
    run.add_argument("--report-json", metavar="FILE", help="write the full result of every run as JSON")
    run.add_argument("--report-har", metavar="FILE", help="write every exchange as HAR 1.2")
    run.add_argument("--report-markdown", metavar="FILE",
                     help="write a Markdown summary with a Mermaid diagram of each run's path "
                          "(appended to $GITHUB_STEP_SUMMARY as well when that is set)")
    loud = run.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true", help="show each request and response (masked)")
    loud.add_argument("-q", "--quiet", action="store_true", help="show only the end: outputs, or the summary")
    run.add_argument("--no-mask", action="store_true",
                     help="show secrets as they are (credentials, tokens, passwords) for debugging; a warning says so")
    run.add_argument("--timeout", type=float, default=None, metavar="S",
                     help="longest one request may take, body included (seconds; default 30)")
    run.add_argument("--run-timeout", type=float, default=None, metavar="S",
                     help="longest the whole run may take (seconds; default 600; 0 for none)")
    run.add_argument("--max-steps", type=int, default=None, metavar="N", help="step budget (default 1000)")
    run.add_argument("--max-response-bytes", type=int, default=None, metavar="N",
                     help="largest response body read (default 16 MiB)")
    run.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                     help="any other limit (see the README's table), e.g. max_total_retry_wait=60")
    run.add_argument("--strict", action="store_true",
                     help="fail a step whose response does not match its OpenAPI operation (else a warning)")
    run.add_argument("--parallel", action="store_true",
                     help="run a workflow's steps concurrently as far as their dependencies (dependsOn and the "
                          "outputs they read) allow")
    run.add_argument("--mock", action="store_true",
                     help="answer every request in-process from the OpenAPI descriptions (examples, else built "
                          "from the response schemas); nothing is sent, every mocked response is marked")
    run.add_argument("--compat", action="store_true",
                     help="run documents written in other engines' dialects ($response.body.id, double-quoted "
                          "condition strings, ...) as their authors meant, each form told once as a warning")
    run.add_argument("--contract", action="store_true",
                     help="check every request and response with openapi-core (parameters, security, headers, "
                          "bodies); a response that breaks the contract fails its step (slower)")


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
            except (ValueError, RecursionError) as exc:  # JSON, but past the int-string limit or nested too deep
                raise UsageError(f"--input {name}: {_json_refusal(exc)}") from None
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
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"--inputs {value}: {_json_refusal(exc)}") from None
        if not isinstance(data, dict):
            raise UsageError(f"--inputs {value}: must be a JSON object of input names to values")
        inputs.update(data)
    return inputs


def _json_refusal(error: Exception) -> str:
    """Why JSON that parses as far as its grammar goes is refused anyway."""
    if isinstance(error, RecursionError):
        return "the JSON nests too deeply"
    return "a number in the JSON is longer than this engine reads" if "digits" in str(error) else str(error)


def credentials_from_arguments(arguments: Sequence[str]) -> CredentialStore:
    """The credentials of ``--auth SOURCE.SCHEME=VALUE`` arguments (the environment supplying the rest).

    A malformed argument is a :class:`UsageError` naming it by position and never repeating it, since it may
    hold a secret.
    """
    from arazzo_runner.http import CredentialStore

    explicit: dict[str, str] = {}
    for position, argument in enumerate(arguments, start=1):
        key, sep, value = argument.partition("=")
        source, dot, scheme = key.partition(".")
        if not (sep and dot and source and scheme):
            raise UsageError(f"--auth argument #{position} is not of the form SOURCE.SCHEME=VALUE")
        explicit[key] = value
    return CredentialStore(explicit)


def server_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``NAME=VALUE`` arguments as a mapping; raises :class:`UsageError` for a malformed one."""
    result = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise UsageError(f"{option} expects NAME=VALUE, got {value!r}")
        result[key] = rest
    return result


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the workflows the arguments name; print the report; return the exit code."""
    # Imported here, not at the top: building the parser for `validate` must not load the HTTP stack.
    from arazzo_runner.cli.session import Session
    from arazzo_runner.runner import Runner

    as_json = args.format == "json"
    try:
        credentials = credentials_from_arguments(args.auth)
        if args.concurrency < 1:
            raise UsageError(f"--concurrency must be at least 1, got {args.concurrency}")
        several_documents = len(args.paths) > 1 or args.all_workflows
        runner = Runner(
            servers=server_pairs(args.server, "--server"),
            server_variables=server_pairs(args.server_variable, "--server-variable"),
            auth=credentials,
            limits=_limits(args),
            strict=args.strict,
            contract=args.contract,
            # One --server mapping shared by several documents: each uses the sources it has.
            unknown_servers="warning" if several_documents else "error",
            mask=not args.no_mask,
            compat=args.compat,
            mock=args.mock,
            parallel=args.parallel,
            provided=args.paths if len(args.paths) > 1 else (),
        )
        inputs = parse_inputs(args.inputs or [])
    except UsageError as exc:  # its message names an --auth argument by position only, never its value
        return _not_run(out, err, as_json, "usage", [f"error: {exc}"], {"message": str(exc)})
    if args.no_mask:
        print("warning: --no-mask: secrets (credentials, tokens, passwords) are shown as they are", file=err)
    return Session(args, runner, inputs, out, err).run()


def _not_run(out: TextIO, err: TextIO, as_json: bool, kind: str, lines: list[str], detail: dict[str, Any]) -> int:
    """Report a run that could not start: the lines on stderr, and with ``--format json`` one JSON object on
    stdout, so a script reading stdout always gets a document."""
    for line in lines:
        print(printable(line), file=err)
    if as_json:
        json.dump({"status": "not-run", "reason": kind, **detail}, out, indent=2)
        out.write("\n")
    return EXIT_NOT_RUN


def _limits(args: argparse.Namespace) -> Limits:
    """The limits the flags ask for (``--limit NAME=VALUE`` and the dedicated flags)."""
    try:
        limits = DEFAULT_LIMITS.parsed(list(args.limit))
        dedicated = {"request_timeout": args.timeout, "max_steps": args.max_steps, "run_timeout": args.run_timeout,
                     "max_response_bytes": args.max_response_bytes}
        return limits.with_values(**{name: value for name, value in dedicated.items() if value is not None})
    except ValueError as exc:
        raise UsageError(f"--limit: {exc}") from None
