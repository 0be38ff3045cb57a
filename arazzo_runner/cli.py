"""The ``arazzo-runner`` command line: ``validate`` and ``run``.

Exit codes (documented in the README):

* ``validate``: 0 every file valid (warnings allowed), 1 a problem was found, 2 usage error or unreadable path;
* ``run``: 0 the workflow succeeded, 1 it failed, 2 nothing could be run (invalid document or inputs, usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from arazzo_runner.errors import ArazzoError, Diagnostic, LoadError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors, as documented
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="arazzo-runner", description="Validate and run Arazzo 1.0.x workflows.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("validate", help="validate Arazzo documents and their source descriptions")
    check.add_argument("paths", nargs="+", metavar="PATH", help="Arazzo documents (paths or URLs)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--schema-only", action="store_true",
                       help="check structure, ids, expressions and local references without loading sources")

    from arazzo_runner.cli_run import add_run_parser

    add_run_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return validate_command(args.paths, args.format, args.schema_only, sys.stdout)
        from arazzo_runner.cli_run import run_command

        return run_command(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a pager or head that stopped reading
        sys.stderr.close()
        return EXIT_OK


def validate_command(paths: Sequence[str], fmt: str, schema_only: bool, out: TextIO) -> int:
    """Validate each path; print diagnostics; return the exit code."""
    from arazzo_runner.documents import validate

    results: list[tuple[str, list[Diagnostic] | None, str | None]] = []
    for path in paths:
        try:
            results.append((path, validate(path, schema_only=schema_only), None))
        except LoadError as exc:
            results.append((path, None, str(exc)))
        except ArazzoError as exc:  # defensive: any engine error is a diagnostic, never a traceback
            results.append((path, None, str(exc)))
    if fmt == "json":
        _print_json(results, out)
    else:
        _print_text(results, out)
    if any(diags is None for _, diags, _ in results):
        return EXIT_USAGE
    if any(d.severity == "error" for _, diags, _ in results for d in diags or ()):
        return EXIT_PROBLEMS
    return EXIT_OK


def _print_text(results: list[tuple[str, list[Diagnostic] | None, str | None]], out: TextIO) -> None:
    errors = warnings = 0
    for path, diagnostics, failure in results:
        if diagnostics is None:
            print(f"{path}: error: {failure}", file=out)
            errors += 1
            continue
        for diagnostic in diagnostics:
            print(diagnostic, file=out)
            errors += diagnostic.severity == "error"
            warnings += diagnostic.severity == "warning"
    files = len(results)
    print(f"{files} file{'s' * (files != 1)} checked: {errors} error{'s' * (errors != 1)}, "
          f"{warnings} warning{'s' * (warnings != 1)}", file=out)


def _print_json(results: list[tuple[str, list[Diagnostic] | None, str | None]], out: TextIO) -> None:
    files = []
    for path, diagnostics, failure in results:
        entries = [
            {"severity": d.severity, "rule": d.rule, "message": d.message, "line": d.location.line,
             "column": d.location.column, "pointer": d.location.pointer, "file": d.location.source}
            for d in diagnostics or ()
        ]
        if failure is not None:
            entries.append({"severity": "error", "rule": "unreadable", "message": failure, "line": None,
                            "column": None, "pointer": "", "file": path})
        valid = failure is None and not any(e["severity"] == "error" for e in entries)
        files.append({"path": path, "valid": valid, "diagnostics": entries})
    json.dump({"files": files}, out, indent=2)
    out.write("\n")
